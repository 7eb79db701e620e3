"""What the work list gets from the pipeline: due_items(user, today)."""

import datetime as dt

import pytest

from grassroots.pipeline.selectors import due_items
from grassroots.workdays import add_working_days

from .walk import PROBATION_ENDS, STEP_DATES, admitted, open_dossier, walk_until

pytestmark = pytest.mark.django_db


def kinds(user, today):
    return {(item["kind"], item["person"].national_id) for item in due_items(user, today)}


def test_ceremony_overdue_shows_for_the_cell_and_above_only(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="ceremony")
    due = add_working_days(STEP_DATES["admission_decision"], 30)
    after = due + dt.timedelta(days=1)
    assert ("ceremony_overdue", "001090000004") in kinds(town.user("org"), after)
    assert ("ceremony_overdue", "001090000004") in kinds(town.user("w1_viewer"), after)
    assert kinds(town.user("outsider"), after) == set()
    item = next(i for i in due_items(town.user("org"), after) if i["kind"] == "ceremony_overdue")
    assert item["due_on"] == due
    assert item["url"] == f"/pipeline/dossiers/{dossier.pk}/"
    assert set(item) == {"kind", "person", "unit", "due_on", "url", "label"}


def test_decision_due_after_the_cell_vote(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="admission_decision")
    today = STEP_DATES["committee_resolution"] + dt.timedelta(days=60)
    assert ("admission_decision", "001090000004") in kinds(town.user("org"), today)


def test_stalled_dossier(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="introduction")
    last = STEP_DATES["history_verification"]
    assert ("dossier_stalled", "001090000004") not in kinds(
        town.user("org"), last + dt.timedelta(days=89)
    )
    assert ("dossier_stalled", "001090000004") in kinds(
        town.user("org"), last + dt.timedelta(days=90)
    )


def test_confirmation_due_near_the_end_of_probation(town):
    admission = admitted(town).admission
    assert ("confirmation", "001090000004") not in kinds(town.user("org"), dt.date(2025, 6, 1))
    found = due_items(town.user("org"), PROBATION_ENDS)
    item = next(i for i in found if i["kind"] == "confirmation")
    assert item["due_on"] == add_working_days(PROBATION_ENDS, 30)
    assert item["url"] == f"/pipeline/admissions/{admission.pk}/confirm/"

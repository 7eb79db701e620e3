"""The dossiers' stored time limits (pipeline.dues) stay what the rule engine says.

Every service that changes a dossier's facts refreshes its rows; a calendar mark or other
rules rebuild them; `check()` counts the rows that differ from a fresh computation.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from grassroots.deadlines import services as calendar_services
from grassroots.history.services import Trace
from grassroots.people import services as people_services
from grassroots.pipeline import dues, services
from grassroots.pipeline.models import DossierDue, DueBasis
from grassroots.pipeline.selectors import due_items
from grassroots.workdays import add_working_days

from .walk import STEP_DATES, open_dossier, record, trace_for, walk_until

pytestmark = pytest.mark.django_db


def stored(dossier):
    return dict(DossierDue.objects.filter(dossier=dossier).values_list("kind", "due_on"))


def test_every_step_of_a_dossier_keeps_its_stored_limits_true(town):
    dossier = open_dossier(town)
    assert set(stored(dossier)) == {"certificate_expires", "age_limit", "dossier_stalled"}
    assert dues.check() == 0
    for step in STEP_DATES:
        record(town, dossier, step)
        assert dues.check() == 0, step
    # Admitted and the ceremony held: only the member's record is due.
    assert set(stored(dossier)) == {"member_record"}
    admission = dossier.admission
    services.admission_member_record(
        trace=trace_for(town, "org"), admission=admission, completed_on=dt.date(2024, 12, 2)
    )
    assert stored(dossier) == {}
    assert dues.check() == 0


def test_an_annulled_step_and_a_closed_dossier_follow(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="admission_decision")
    assert "admission_decision" in stored(dossier)
    vote = dossier.steps.get(step="committee_resolution")
    services.dossier_step_annul(trace=trace_for(town, "org"), step=vote, reason="wrong date")
    assert dues.check() == 0
    services.dossier_close(trace=trace_for(town, "org"), dossier=dossier, reason="moved away")
    assert stored(dossier) == {}
    assert dues.check() == 0


def test_a_corrected_birth_date_moves_the_age_limit(town):
    dossier = open_dossier(town)
    before = stored(dossier)["age_limit"]
    person = dossier.person
    people_services.person_update(
        trace=Trace(user=town.user("org")),
        person=person,
        birth_date=person.birth_date - dt.timedelta(days=365),
    )
    assert stored(dossier)["age_limit"] < before
    assert dues.check() == 0


def test_a_calendar_mark_moves_working_day_limits_at_once(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="admission_decision")
    due = stored(dossier)["admission_decision"]
    start = STEP_DATES["cell_vote"]
    assert due == add_working_days(start, 60, {})
    day_off = start + dt.timedelta(days=7)
    while day_off.weekday() >= 5:
        day_off += dt.timedelta(days=1)
    calendar_services.calendar_day_set(
        trace=Trace(user=town.user("admin")), day=day_off, is_working_day=False
    )
    assert stored(dossier)["admission_decision"] == add_working_days(start, 60, {day_off: False})
    assert stored(dossier)["admission_decision"] > due
    assert DueBasis.objects.get().digest == dues.digest()


def test_rows_made_under_other_rules_are_rebuilt_when_read(town):
    dossier = open_dossier(town)
    today = STEP_DATES["application"]
    due_items(town.user("org"), today)  # reads: the basis is recorded
    DossierDue.objects.all().delete()  # as if they had been made under another rule set
    DueBasis.objects.update(digest="other rules")
    items = due_items(town.user("org"), today + dt.timedelta(days=3650))
    assert {i["kind"] for i in items} >= {"certificate_expires", "dossier_stalled"}
    assert stored(dossier)
    with override_settings(HOLIDAY_COUNTRY="DE"):
        assert dues.digest() != DueBasis.objects.get().digest


def test_the_command_checks_and_rebuilds(town, capsys):
    dossier = open_dossier(town)
    call_command("rebuild_dues", "--check")
    DossierDue.objects.filter(dossier=dossier).update(due_on=dt.date(2000, 1, 1))
    with pytest.raises(CommandError, match="differ from a fresh computation"):
        call_command("rebuild_dues", "--check")
    call_command("rebuild_dues")
    call_command("rebuild_dues", "--check")
    assert "match a fresh computation" in capsys.readouterr().out


def test_the_work_list_pages_stored_limits_in_order(town):
    from grassroots.deadlines.selectors import WorkList

    first = open_dossier(town)
    second = open_dossier(town, national_id="001090000005", course="AW-2")
    walk_until(town, second, stop="comments")
    today = dt.date(2026, 12, 1)
    work = WorkList(town.user("org"), today)
    everything = work[0 : work.count()]
    assert [i["due_on"] for i in everything] == sorted(i["due_on"] for i in everything)
    assert work.counts["overdue"] == len([i for i in everything if i["due_on"] < today])
    stalled = [i for i in everything if i["kind"] == "dossier_stalled"]
    assert {i["person"].pk for i in stalled} == {first.person_id, second.person_id}
    assert work[0:1] == everything[:1]


def test_a_calendar_mark_on_rows_that_were_not_current_rebuilds_them_all(town):
    dossier = open_dossier(town)
    DossierDue.objects.all().delete()
    DueBasis.objects.update(digest="built under other rules")
    calendar_services.calendar_day_set(
        trace=Trace(user=town.user("admin")), day=dt.date(2024, 10, 18), is_working_day=False
    )
    assert set(stored(dossier)) == {"certificate_expires", "age_limit", "dossier_stalled"}
    assert dues.check() == 0


def test_migrate_leaves_the_rows_current(town):
    dossier = open_dossier(town)
    DossierDue.objects.all().delete()
    DueBasis.objects.update(digest="an earlier release")
    call_command("migrate", verbosity=0)
    assert stored(dossier)
    assert DueBasis.objects.get().digest == dues.digest()

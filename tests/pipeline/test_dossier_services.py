"""The dossier services on the real database: a full walk, refusals, exceptions, scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.history.models import Change
from grassroots.people.models import Membership
from grassroots.pipeline import services
from grassroots.pipeline.models import Admission, Confirmation, DossierStep, Source
from grassroots.reports import rollups
from grassroots.workdays import add_working_days

from .helpers import data, refused_by
from .walk import (
    PROBATION_ENDS,
    STEP_DATES,
    admitted,
    open_dossier,
    record,
    trace_for,
    walk_until,
)

pytestmark = pytest.mark.django_db

VOTES = {"present": 8, "in_favour": 7, "against": 1}
APPROVAL = {
    "exception_level": "superior_committee",
    "exception_document_no": "3-CV/TU",
    "exception_document_date": dt.date(2024, 12, 20),
    "exception_reason": "approved by the town committee",
}


def test_full_walk_from_source_to_official_member(town):
    dossier = admitted(town)
    source = Source.objects.get(person=dossier.person)
    assert source.status == Source.Status.ADMITTED
    admission = Admission.objects.get(dossier=dossier)
    assert admission.decision_date == STEP_DATES["admission_decision"]
    assert admission.decision_no == "12-QĐ/TU"
    assert admission.ceremony_date == STEP_DATES["ceremony"]
    membership = admission.membership
    assert membership.status == Membership.Status.PROBATIONARY
    assert membership.probation_ends_on == PROBATION_ENDS
    assert dossier.status == "admitted"
    # The admission is counted in the report roll-ups in the same transaction.
    assert rollups.check() == (0, 0)
    assert rollups.stored()[0]

    services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=admission,
        cell_vote_date=dt.date(2025, 11, 25),
        decided_on=dt.date(2025, 12, 2),
        outcome="confirmed",
        decision_no="40-QĐ/TU",
        **VOTES,
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.OFFICIAL
    assert membership.official_since == PROBATION_ENDS
    steps = DossierStep.objects.filter(dossier=dossier)
    assert steps.count() == 9
    assert Change.objects.filter(model="pipeline.dossierstep").count() == 9
    assert (
        Change.objects.filter(model="people.membership", object_id=str(membership.pk)).count() == 3
    )


def test_refused_step_changes_nothing(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    steps_before = DossierStep.objects.count()
    changes_before = Change.objects.count()
    with refused_by("cell_vote_two_thirds"):
        record(town, dossier, "cell_vote", data=data("cell_vote", in_favour=5))
    assert DossierStep.objects.count() == steps_before
    assert Change.objects.count() == changes_before


def test_vote_below_two_thirds_is_refused_even_with_a_reason(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    with refused_by("cell_vote_two_thirds"):
        record(
            town,
            dossier,
            "cell_vote",
            data=data("cell_vote", in_favour=5),
            **APPROVAL,
        )


def late_ceremony(town, dossier, **kwargs):
    due = add_working_days(STEP_DATES["admission_decision"], 30)
    return record(town, dossier, "ceremony", date=due + dt.timedelta(days=7), **kwargs)


def test_exception_is_recorded_with_its_reason(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="ceremony")
    with refused_by("ceremony_deadline"):
        late_ceremony(town, dossier)
    step = late_ceremony(town, dossier, **APPROVAL)
    assert step.exception_rule == "ceremony_deadline"
    assert step.exception_level == "superior_committee"
    assert step.exception_document_no == "3-CV/TU"
    assert step.exception_reason == "approved by the town committee"
    change = Change.objects.get(model="pipeline.dossierstep", object_id=str(step.pk))
    assert change.reason == "approved by the town committee"
    assert change.after["exception_rule"] == "ceremony_deadline"


def test_secretary_cannot_set_a_rule_aside(town):
    dossier = open_dossier(town, national_id="001090000002", unit="HS")
    walk_until(town, dossier, stop="ceremony")
    with pytest.raises(ValidationError) as refused:
        late_ceremony(town, dossier, user="secretary", **APPROVAL)
    assert "exception_reason" in refused.value.message_dict


def test_secretary_records_cell_steps_but_not_committee_decisions(town):
    dossier = open_dossier(town, national_id="001090000002", unit="HS")
    walk_until(town, dossier, stop="committee_resolution", user="secretary")
    assert DossierStep.objects.filter(dossier=dossier).count() == 6
    with pytest.raises(PermissionDenied):
        record(town, dossier, "committee_resolution", user="secretary")


def test_outsider_gets_404(town):
    dossier = open_dossier(town)
    with pytest.raises(Http404):
        record(town, dossier, "application", user="outsider")


def test_w1_viewer_gets_403(town):
    dossier = open_dossier(town)
    with pytest.raises(PermissionDenied):
        record(town, dossier, "application", user="w1_viewer")


def test_late_confirmation_still_dates_from_end_of_probation(town):
    admission = admitted(town).admission
    late_vote = add_working_days(PROBATION_ENDS, 40)
    with refused_by("confirmation_deadline"):
        services.confirmation_record(
            trace=trace_for(town, "org"),
            admission=admission,
            cell_vote_date=late_vote,
            decided_on=late_vote,
            outcome="confirmed",
            **VOTES,
        )
    confirmation = services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=admission,
        cell_vote_date=late_vote,
        decided_on=late_vote,
        outcome="confirmed",
        **VOTES,
        **{**APPROVAL, "exception_reason": "cell vote postponed"},
    )
    assert confirmation.exception_rule == "confirmation_deadline"
    admission.membership.refresh_from_db()
    assert admission.membership.official_since == PROBATION_ENDS


def test_member_found_unfit_is_not_confirmed(town):
    admission = admitted(town).admission
    services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=admission,
        cell_vote_date=dt.date(2025, 11, 25),
        decided_on=dt.date(2025, 11, 28),
        outcome="not_confirmed",
        present=8,
        in_favour=2,
        against=6,
    )
    membership = Membership.objects.get(pk=admission.membership_id)
    assert membership.status == Membership.Status.NOT_CONFIRMED
    assert membership.ended_on == dt.date(2025, 11, 28)
    assert Confirmation.objects.get(admission=admission).outcome == "not_confirmed"


def test_confirmation_needs_decide(town):
    admission = admitted(town).admission
    with pytest.raises(PermissionDenied):
        services.confirmation_record(
            trace=trace_for(town, "w1_clerk"),
            admission=admission,
            cell_vote_date=dt.date(2025, 11, 25),
            decided_on=dt.date(2025, 11, 28),
            outcome="confirmed",
            **VOTES,
        )


def test_readmission_only_once_counts_earlier_readmissions(town):
    person = town.people["001090000005"]
    Membership.objects.create(
        person=person,
        unit=town.unit("W2C1"),
        status="left",
        admitted_on=dt.date(2010, 1, 1),
        ended_on=dt.date(2015, 1, 1),
        readmission=True,
    )
    dossier = services.dossier_open(
        trace=trace_for(town, "org"),
        person=person,
        unit=town.unit("W2C1"),
        opened_on=dt.date(2024, 1, 2),
        readmission=True,
    )
    step_data = {
        "left_on": "2015-01-01",
        "leave_reason": "removed_from_rolls",
        "provincial_consent_no": "9-CV/TU",
    }
    with refused_by("readmission_once"):
        services.dossier_record_step(
            trace=trace_for(town, "org"),
            dossier=dossier,
            step="application",
            date=dt.date(2024, 1, 2),
            data=step_data,
        )


def test_second_open_dossier_is_refused(town):
    dossier = open_dossier(town)
    with pytest.raises(ValidationError) as refused:
        services.dossier_open(
            trace=trace_for(town, "org"),
            person=dossier.person,
            unit=town.unit("W1C1"),
            opened_on=dt.date(2024, 10, 1),
        )
    assert "person" in refused.value.message_dict


def test_dossier_is_carried_by_a_cell(town):
    with pytest.raises(ValidationError) as refused:
        services.dossier_open(
            trace=trace_for(town, "org"),
            person=town.people["001090000004"],
            unit=town.unit("W1"),
            opened_on=dt.date(2024, 10, 1),
        )
    assert "unit" in refused.value.message_dict


def test_closed_dossier_takes_no_step(town):
    dossier = open_dossier(town)
    services.dossier_close(trace=trace_for(town, "org"), dossier=dossier, reason="moved away")
    with refused_by("dossier_closed"):
        record(town, dossier, "application")
    assert Source.objects.get(person=dossier.person).status == Source.Status.DROPPED

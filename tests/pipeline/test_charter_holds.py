"""Rules of the charter that no form value gets round (found by an outside check): the
committee that votes has members, eligibility holds until the decision, only a
probationary member is recognised, a corrected ceremony keeps probation whole, an official
member mentors, nothing is dated before the person was born, a former member returns only
by readmission."""

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from grassroots.people import services as people_services
from grassroots.people.models import Membership, Person
from grassroots.pipeline import engine, selectors, services
from grassroots.pipeline.models import Confirmation, DossierStep
from grassroots.transfers import services as transfer_services

from .helpers import data, refused_by
from .walk import (
    NOMINATED,
    OPENED,
    PROBATION_ENDS,
    STEP_DATES,
    admitted,
    mentor,
    open_dossier,
    record,
    seed_cell,
    trace_for,
    walk_until,
)

pytestmark = pytest.mark.django_db

VOTES = {"present": 8, "in_favour": 7, "against": 1}


def _steps(dossier):
    return list(DossierStep.objects.filter(dossier=dossier).values_list("step", flat=True))


@pytest.mark.parametrize(
    "counts",
    [
        {"committee_members": 0, "present": 0, "in_favour": 0, "against": 0},
        {"committee_members": 10**23, "present": 10**23, "in_favour": 10**23, "against": 0},
        {"committee_members": 5, "present": -1, "in_favour": 4, "against": 0},
    ],
)
def test_a_committee_of_nobody_or_of_impossible_numbers_cannot_resolve(town, counts):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="committee_resolution")
    with pytest.raises(ValidationError) as refused:
        record(town, dossier, "committee_resolution", data=data("committee_resolution", **counts))
    fields = set(refused.value.message_dict)
    assert fields & {"committee_members", "present", "in_favour"}, refused.value.message_dict
    assert "committee_resolution" not in _steps(dossier)


def test_an_absurd_vote_count_is_named_with_its_range(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    with pytest.raises(ValidationError) as refused:
        record(town, dossier, "cell_vote", data=data("cell_vote", present=10**9))
    assert "100,000" in " ".join(refused.value.message_dict["present"])


def test_an_age_changed_after_the_cell_vote_stops_the_admission(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="committee_resolution")
    person = dossier.person
    people_services.person_update(
        trace=trace_for(town, "org"), person=person, birth_date=dt.date(2010, 1, 1)
    )
    with refused_by("age_minimum"):
        record(town, dossier, "committee_resolution")
    assert "committee_resolution" not in _steps(dossier)


def test_the_decision_checks_eligibility_again(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="admission_decision")
    people_services.person_update(
        trace=trace_for(town, "org"), person=dossier.person, birth_date=dt.date(2010, 1, 1)
    )
    with refused_by("age_minimum"):
        record(town, dossier, "admission_decision")
    assert "admission_decision" not in _steps(dossier)


def _confirm(town, admission, **fields):
    given = {
        "cell_vote_date": dt.date(2025, 11, 25),
        "decided_on": dt.date(2025, 11, 28),
        "outcome": "confirmed",
        **VOTES,
        **fields,
    }
    return services.confirmation_record(trace=trace_for(town, "org"), admission=admission, **given)


def test_a_member_who_left_the_organisations_reach_cannot_be_confirmed(town):
    dossier = admitted(town)
    transfer_services.transfer_issue(
        trace=trace_for(town, "org"),
        person=dossier.person,
        kind="official",
        issued_on=dt.date(2025, 6, 2),
        destination="Hanoi University of Technology",
        destination_type="university",
    )
    with pytest.raises(ValidationError) as refused:
        _confirm(town, dossier.admission)
    assert "not a probationary member" in " ".join(refused.value.messages)
    assert not Confirmation.objects.filter(admission=dossier.admission).exists()
    membership = Membership.objects.get(person=dossier.person)
    assert membership.status == Membership.Status.TRANSFERRED_OUT


def test_a_decision_dated_before_the_vote_is_named_on_its_field(town):
    dossier = admitted(town)
    with pytest.raises(ValidationError) as refused:
        _confirm(town, dossier.admission, decided_on=dt.date(2025, 11, 24))
    assert "decided_on" in refused.value.message_dict, refused.value.message_dict


def test_a_ceremony_moved_after_recognition_cannot_cut_probation_short(town):
    dossier = admitted(town)
    _confirm(town, dossier.admission)
    ceremony = DossierStep.objects.get(dossier=dossier, step="ceremony")
    later = STEP_DATES["ceremony"] + dt.timedelta(days=20)
    with refused_by("confirmation_after_probation") as refused:
        services.dossier_step_correct(
            trace=trace_for(town, "org"), step=ceremony, reason="typo", date=later
        )
    assert "date" in refused.value.message_dict
    ceremony.refresh_from_db()
    assert ceremony.date == STEP_DATES["ceremony"]
    membership = Membership.objects.get(person=dossier.person)
    assert membership.official_since == PROBATION_ENDS


def test_a_ceremony_corrected_earlier_moves_the_date_of_recognition(town):
    dossier = admitted(town)
    _confirm(town, dossier.admission)
    ceremony = DossierStep.objects.get(dossier=dossier, step="ceremony")
    earlier = STEP_DATES["ceremony"] - dt.timedelta(days=1)
    services.dossier_step_correct(
        trace=trace_for(town, "org"), step=ceremony, reason="typo", date=earlier
    )
    membership = Membership.objects.get(person=dossier.person)
    assert membership.status == Membership.Status.OFFICIAL
    assert membership.probation_ends_on == engine.probation_end(earlier)
    assert membership.official_since == membership.probation_ends_on


def test_only_an_official_member_mentors_a_source(town):
    outsider = town.people["001090000003"]  # no membership at all
    with pytest.raises(ValidationError) as refused:
        services.source_nominate(
            trace=trace_for(town, "org"),
            person=town.people["001090000004"],
            unit=town.unit("W1C1"),
            nominated_on=NOMINATED,
            mentor=outsider,
        )
    assert "not an official member" in " ".join(refused.value.message_dict["mentor"])
    source = services.source_nominate(
        trace=trace_for(town, "org"),
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        nominated_on=NOMINATED,
        mentor=mentor(town),
    )
    with pytest.raises(ValidationError) as refused:
        services.source_update(trace=trace_for(town, "org"), source=source, mentor=outsider)
    assert "mentor" in refused.value.message_dict
    # The mentor leaves later: the source's other details can still be edited.
    Membership.objects.filter(person=mentor(town)).update(
        status=Membership.Status.LEFT, ended_on=dt.date(2025, 1, 2)
    )
    services.source_update(trace=trace_for(town, "org"), source=source, note="keeps her mentor")


def test_nothing_is_dated_before_the_person_was_born(town):
    person = town.people["001090000004"]  # born 1990-06-30
    with pytest.raises(ValidationError) as refused:
        services.source_nominate(
            trace=trace_for(town, "org"),
            person=person,
            unit=town.unit("W1C1"),
            nominated_on=dt.date(1989, 1, 2),
        )
    assert "born" in " ".join(refused.value.message_dict["nominated_on"])
    with pytest.raises(ValidationError) as refused:
        services.dossier_open(
            trace=trace_for(town, "org"),
            person=person,
            unit=town.unit("W1C1"),
            opened_on=dt.date(1990, 4, 15),
        )
    assert "born" in " ".join(refused.value.message_dict["opened_on"])


def test_a_former_member_returns_only_by_readmission(town):
    person = town.people["001090000004"]
    Membership.objects.create(
        person=person,
        unit=town.unit("W1C1"),
        status=Membership.Status.LEFT,
        admitted_on=dt.date(2012, 1, 2),
        official_since=dt.date(2013, 1, 2),
        ended_on=dt.date(2019, 3, 27),
    )
    with pytest.raises(ValidationError) as refused:
        services.dossier_open(
            trace=trace_for(town, "org"), person=person, unit=town.unit("W1C1"), opened_on=OPENED
        )
    assert "readmission" in " ".join(refused.value.message_dict["person"])
    dossier = services.dossier_open(
        trace=trace_for(town, "org"),
        person=Person.objects.get(pk=person.pk),
        unit=town.unit("W1C1"),
        opened_on=OPENED,
        readmission=True,
    )
    assert dossier.readmission


def test_the_engine_counts_no_majority_of_an_empty_body():
    rules = engine.get_rules()
    values = {"present": 0, "in_favour": 0, "against": 0}
    found = engine._vote_violations(rules, values, 0, "committee_two_thirds")
    assert [v.code for v in found] == ["vote_counts"]
    assert dataclasses.asdict(found[0])["field"] == "in_favour"


def test_after_an_official_transfer_the_receiving_cell_votes_on_recognition(town):
    """Transferred officially during probation, the member is counted in the receiving
    cell: its official members are the ones two thirds are taken of."""
    dossier = admitted(town)  # W1C1, nine official members
    seed_cell(town, "W2C1", count=15)
    transfer = transfer_services.transfer_issue(
        trace=trace_for(town, "org"),
        person=dossier.person,
        kind="official",
        issued_on=dt.date(2025, 3, 3),
        to_unit=town.unit("W2C1"),
    )
    transfer_services.transfer_receive(
        trace=trace_for(town, "org"), transfer=transfer, arrived_on=dt.date(2025, 3, 10)
    )
    # The work list shows the vote to the receiving side (W2's secretary), not to W1's.
    on = dt.date(2025, 11, 20)
    due = selectors.confirmations_due(town.user("outsider"), on)
    assert [(i["person"], i["unit"].code) for i in due] == [(dossier.person, "W2C1")]
    assert selectors.confirmations_due(town.user("w1_viewer"), on) == []
    # Seven in favour is two thirds of W1C1's nine, not of W2C1's fifteen.
    with refused_by("confirmation_two_thirds"):
        _confirm(town, dossier.admission, present=9)
    confirmation = _confirm(town, dossier.admission, present=12, in_favour=10, against=2)
    assert confirmation.official_members == 15


def test_a_readmission_gives_the_leaving_date_the_register_holds(town):
    """The waiting time counts from the day the member left: when the register holds it,
    the application cannot type another (an outside check typed 2020 for 2024)."""
    person = town.people["001090000004"]
    Membership.objects.create(
        person=person,
        unit=town.unit("W1C1"),
        status=Membership.Status.LEFT,
        admitted_on=dt.date(2012, 1, 2),
        official_since=dt.date(2013, 1, 2),
        ended_on=dt.date(2021, 3, 27),
    )
    seed_cell(town, "W1C1")
    dossier = services.dossier_open(
        trace=trace_for(town, "org"),
        person=person,
        unit=town.unit("W1C1"),
        opened_on=OPENED,
        readmission=True,
    )
    application = {
        "leave_reason": "moved_away",
        "provincial_consent_no": "12-CV/TU",
    }
    with refused_by("left_on_register") as refused:
        record(town, dossier, "application", data={**application, "left_on": "2020-03-27"})
    assert "left_on" in refused.value.message_dict
    record(town, dossier, "application", data={**application, "left_on": "2021-03-27"})
    assert _steps(dossier) == ["application"]

"""The procedure as the charter writes it, through the services: introducers and votes
from the register, exceptions only with the approving level's document, statuses from
the facts, corrections and annulments with a trace, the work list following at once."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError

from grassroots.history.models import Change
from grassroots.people.fields import MemberField
from grassroots.people.models import Membership, Person
from grassroots.pipeline import services
from grassroots.pipeline.models import Admission, DossierStep, Source
from grassroots.pipeline.selectors import dossier_status_counts, dossiers_for, due_items
from grassroots.pipeline.status import PersonStatus, person_status

from .helpers import refused_by
from .walk import STEP_DATES, admitted, open_dossier, record, seed_cell, step_data, trace_for

pytestmark = pytest.mark.django_db

APPROVAL = {
    "exception_level": "superior_committee",
    "exception_document_no": "7-CV/TU",
    "exception_document_date": dt.date(2024, 10, 14),
    "exception_reason": "approved by the town committee",
}


def walk_to(town, dossier, stop):
    for step in STEP_DATES:
        if step == stop:
            return
        record(town, dossier, step)


# 1. Introducers from the register ---------------------------------------------------


def test_a_typed_name_is_not_an_introducer(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "introduction")
    values = step_data(town, dossier, "introduction")
    values["introducer_2"] = "Nguyễn Văn Ai Đó"
    with refused_by("introducer_not_in_register"):
        record(town, dossier, "introduction", data=values)


def test_a_probationary_member_cannot_introduce(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "introduction")
    second = seed_cell(town)[1]
    Membership.objects.filter(person__national_id=second).update(
        status="probationary", official_since=None
    )
    with refused_by("introducer_official"):
        record(town, dossier, "introduction")


def test_an_introducer_new_to_the_cell_needs_the_superior_committees_approval(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "introduction")
    second = seed_cell(town)[1]
    Membership.objects.filter(person__national_id=second).update(unit_since=dt.date(2024, 3, 1))
    with refused_by("introducer_months"):
        record(town, dossier, "introduction")
    lower = {**APPROVAL, "exception_level": "grassroots_committee"}
    with refused_by("exception_level"):
        record(town, dossier, "introduction", **lower)
    step = record(town, dossier, "introduction", **APPROVAL)
    assert step.exception_rule == "introducer_months"
    assert step.data["introducer_2_months"] == 7


def test_an_outside_introducer_is_flagged_for_the_committee(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "introduction")
    values = step_data(town, dossier, "introduction")
    values.update(introducer_2="", introducer_2_outside="Trần Văn K, Đảng bộ tỉnh Huế")
    record(town, dossier, "introduction", data=values)
    for step in ("comments", "cell_vote"):
        record(town, dossier, step)
    with refused_by("introducer_unverified"):
        record(town, dossier, "committee_resolution")
    verified = {**step_data(town, dossier, "committee_resolution")}
    verified["outside_introducers_verified"] = "12-CV/ĐU"
    record(town, dossier, "committee_resolution", data=verified)


def test_the_member_field_finds_by_accent_free_name_and_lists_the_ambiguous(town):
    third = seed_cell(town)[2]
    Person.objects.filter(national_id=third).update(
        full_name="Lê Thị Hồng Nhung", search_text=f"le thi hong nhung {third.lower()}"
    )

    class Form(forms.Form):
        who = MemberField()

    for typed in ("hong nhung", third):
        form = Form({"who": typed})
        form.fields["who"].user = town.user("org")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["who"] == third
    form = Form({"who": "dang vien w1c1"})
    form.fields["who"].user = town.user("org")
    assert not form.is_valid()
    assert "Several members match" in str(form.errors)
    assert form["who"].value() == "dang vien w1c1"
    outsider = Form({"who": "hong nhung"})
    outsider.fields["who"].user = town.user("outsider")
    assert not outsider.is_valid()


# 2. Exceptions only where the charter allows them -------------------------------------


def test_under_18_is_never_admitted_even_with_an_approval(town):
    dossier = open_dossier(town, national_id="001090000002", unit="HS")
    walk_to(town, dossier, "cell_vote")
    # Nguyễn Thị Lan was born on 1 September 2006: 18 only from 1 September 2024.
    with refused_by("age_minimum"):
        record(
            town,
            dossier,
            "cell_vote",
            date=dt.date(2024, 8, 30),
            **{**APPROVAL, "exception_level": "central_secretariat"},
        )


def test_an_exception_needs_the_document(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "cell_vote")
    for day in (1, 2, 3):  # three failed votes: the fourth needs the superior's approval
        services.failed_cell_vote_record(
            trace=trace_for(town, "org"),
            dossier=dossier,
            date=STEP_DATES["cell_vote"] + dt.timedelta(days=day - 4),
            present=9,
            in_favour=5,
            against=4,
        )
    values = step_data(town, dossier, "cell_vote")
    with refused_by("exception_document"):
        record(town, dossier, "cell_vote", data=values, exception_reason="agreed")


def test_education_exception_only_in_a_special_area(town):
    person = town.people["001090000004"]
    person.education = "primary"
    person.save()
    dossier = open_dossier(town)
    walk_to(town, dossier, "cell_vote")
    approval = {**APPROVAL, "exception_level": "provincial_committee"}
    with refused_by("education_minimum"):
        record(town, dossier, "cell_vote", **approval)
    unit = town.unit("W1C1")
    unit.special_area = "mountain"
    unit.save()
    step = record(town, dossier, "cell_vote", **approval)
    assert step.exception_rule == "education_minimum"
    assert step.exception_level == "provincial_committee"


# 3. Votes counted ----------------------------------------------------------------------


def test_the_cell_vote_counts_the_official_members_from_the_register(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "cell_vote")
    step = record(town, dossier, "cell_vote")
    assert step.data["official_members"] == 9
    # One of the nine left before the vote: eight remain, and 6 of 8 is still enough.
    other = open_dossier(town, national_id="001090000005", unit="W1C1", course="AW-2")
    walk_to(town, other, "cell_vote")
    Membership.objects.filter(person__national_id=seed_cell(town)[8]).update(
        ended_on=dt.date(2024, 1, 1), status="left"
    )
    assert record(town, other, "cell_vote").data["official_members"] == 8


def test_confirmation_needs_two_thirds_of_the_cells_official_members(town):
    admission = admitted(town).admission
    with refused_by("confirmation_two_thirds"):
        services.confirmation_record(
            trace=trace_for(town, "org"),
            admission=admission,
            cell_vote_date=dt.date(2025, 11, 25),
            present=9,
            in_favour=5,
            against=4,
            decided_on=dt.date(2025, 12, 2),
            outcome="confirmed",
        )


# 4. Statuses that are true ----------------------------------------------------------------


def test_statuses_follow_the_facts_and_confirmed_members_are_never_overdue(town):
    dossier = admitted(town)
    person = dossier.person
    assert person_status(person) == PersonStatus.PROBATIONARY
    assert Source.objects.get(person=person).status == Source.Status.ADMITTED
    services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=dossier.admission,
        cell_vote_date=dt.date(2025, 11, 25),
        present=8,
        in_favour=7,
        against=1,
        decided_on=dt.date(2025, 12, 2),
        outcome="confirmed",
    )
    assert person_status(person) == PersonStatus.OFFICIAL
    later = dt.date(2027, 1, 1)
    assert not [i for i in due_items(town.user("org"), later) if i["person"] == person]
    counts = dossier_status_counts(town.user("org"))
    assert counts == {PersonStatus.OFFICIAL: 1}
    assert Membership.objects.filter(person=person, status="official").count() == 1
    assert list(dossiers_for(town.user("org"), person_status="official")) == [dossier]


def test_a_source_status_cannot_be_set_by_hand(town):
    dossier = open_dossier(town)
    source = Source.objects.get(person=dossier.person)
    with pytest.raises(ValueError):
        services.source_update(trace=trace_for(town, "org"), source=source, status="admitted")
    assert Source.objects.get(pk=source.pk).status == Source.Status.IN_DOSSIER


# 5. Correct and annul with a trace ---------------------------------------------------------


def test_a_corrected_decision_moves_the_admission_and_the_deadlines(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "ceremony")
    step = DossierStep.objects.get(dossier=dossier, step="admission_decision")
    services.dossier_step_correct(
        trace=trace_for(town, "org"),
        step=step,
        reason="typo in the date",
        date=dt.date(2024, 11, 4),
        data={"decision_no": "13-QĐ/TU"},
    )
    admission = Admission.objects.get(dossier=dossier)
    assert (admission.decision_date, admission.decision_no) == (dt.date(2024, 11, 4), "13-QĐ/TU")
    assert admission.membership.admitted_on == dt.date(2024, 11, 4)
    change = Change.objects.filter(model="pipeline.dossierstep", object_id=str(step.pk)).first()
    assert change.before["date"] == "2024-11-05" and change.after["date"] == "2024-11-04"
    assert change.reason == "typo in the date"
    assert change.actor == town.user("org")


def test_a_correction_keeps_the_order_of_the_steps(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "comments")
    application = DossierStep.objects.get(dossier=dossier, step="application")
    with refused_by("before_dossier_opened"):
        services.dossier_step_correct(
            trace=trace_for(town, "org"), step=application, reason="x", date=dt.date(2024, 9, 1)
        )
    with refused_by("step_date_after_next"):
        services.dossier_step_correct(
            trace=trace_for(town, "org"), step=application, reason="x", date=dt.date(2024, 9, 20)
        )
    with pytest.raises(ValidationError) as refused:
        services.dossier_step_correct(trace=trace_for(town, "org"), step=application, reason=" ")
    assert "reason" in refused.value.message_dict


def test_annulling_the_decision_withdraws_the_admission_and_keeps_the_record(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "ceremony")
    decision = DossierStep.objects.get(dossier=dossier, step="admission_decision")
    services.dossier_step_annul(trace=trace_for(town, "org"), step=decision, reason="wrong person")
    assert not Admission.objects.filter(dossier=dossier).exists()
    assert not Membership.objects.filter(person=dossier.person).exists()
    dossier.refresh_from_db()
    assert dossier.status == "open"
    decision.refresh_from_db()
    assert decision.annulled_at and decision.annul_reason == "wrong person"
    assert Source.objects.get(person=dossier.person).status == Source.Status.IN_DOSSIER
    # The decision is due again, at once; and it can be recorded again.
    today = STEP_DATES["committee_resolution"] + dt.timedelta(days=70)
    assert ("admission_decision", "001090000004") in {
        (i["kind"], i["person"].national_id) for i in due_items(town.user("org"), today)
    }
    record(town, dossier, "admission_decision")
    assert Admission.objects.filter(dossier=dossier).count() == 1


def test_only_the_latest_step_can_be_annulled(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "comments")
    first = DossierStep.objects.get(dossier=dossier, step="application")
    with pytest.raises(ValidationError, match="later steps"):
        services.dossier_step_annul(trace=trace_for(town, "org"), step=first, reason="x")


def test_empty_comment_is_refused_naming_the_field(town):
    dossier = open_dossier(town)
    walk_to(town, dossier, "comments")
    with pytest.raises(ValidationError) as refused:
        record(town, dossier, "comments", data={"work_comment": "  ", "residence_comment": "ok"})
    assert "comment where the applicant works" in str(refused.value)
    assert "work_comment" in refused.value.message_dict


def test_an_application_cannot_predate_the_dossier(town):
    dossier = open_dossier(town)
    with refused_by("before_dossier_opened"):
        record(town, dossier, "application", date=dt.date(2024, 9, 10))


# 8. The work list, complete ------------------------------------------------------------------


def test_member_record_and_confirmation_decision_are_on_the_work_list(town):
    dossier = admitted(town)
    decision = STEP_DATES["admission_decision"]
    kinds = {i["kind"] for i in due_items(town.user("org"), decision + dt.timedelta(days=50))}
    assert "member_record" in kinds
    services.admission_member_record(
        trace=trace_for(town, "org"), admission=dossier.admission, completed_on=decision
    )
    kinds = {i["kind"] for i in due_items(town.user("org"), decision + dt.timedelta(days=50))}
    assert "member_record" not in kinds
    services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=dossier.admission,
        cell_vote_date=dt.date(2025, 11, 25),
        present=8,
        in_favour=7,
        against=1,
    )
    items = due_items(town.user("org"), dt.date(2026, 2, 1))
    assert [i["kind"] for i in items if i["person"] == dossier.person] == ["confirmation_decision"]

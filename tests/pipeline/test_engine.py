"""The rule engine, one rule at a time (pure functions: no database)."""

import dataclasses
import datetime as dt

import pytest

from grassroots.pipeline import engine
from grassroots.pipeline.engine import (
    Facts,
    MemberFact,
    Register,
    StepFact,
    check_step,
    due_dates,
)
from grassroots.pipeline.rules import DEFAULT_RULES
from grassroots.workdays import add_months, add_working_days

from .helpers import (
    BIRTH,
    INTRODUCER_1,
    INTRODUCER_2,
    ORDER,
    REGISTER,
    data,
    facts_before,
    next_date,
    steps_before,
)


def codes(facts, step, date=None, step_data=None):
    date = date or next_date(facts)
    found = check_step(
        facts, step, date, data(step) if step_data is None else step_data, overrides={}
    )
    return {v.code for v in found}


@pytest.mark.parametrize("step", ORDER)
def test_every_step_in_order_with_valid_data_is_accepted(step):
    assert codes(facts_before(step), step) == set()


def test_skipping_a_step_breaks_step_order():
    facts = facts_before("history_declaration")
    assert "step_order" in codes(facts, "introduction")


def test_application_must_come_before_personal_history():
    assert "step_order" in codes(facts_before("application"), "history_declaration")


def test_a_step_cannot_be_recorded_twice():
    facts = facts_before("comments")
    assert "step_once" in codes(facts, "introduction")


def test_a_step_cannot_be_dated_before_the_previous_one():
    facts = facts_before("comments")
    earlier = facts.steps[-1].date - dt.timedelta(days=1)
    assert codes(facts, "comments", earlier) == {"step_date_order"}


def test_a_step_cannot_be_dated_in_the_future():
    facts = facts_before("comments", today=dt.date(2024, 5, 1))
    assert "date_in_future" in codes(facts, "comments", dt.date(2024, 5, 2))


def test_closed_dossier_takes_no_step():
    assert codes(facts_before("comments", closed=True), "comments") == {"dossier_closed"}


def test_unknown_step_is_refused():
    assert codes(facts_before("comments"), "coffee", step_data={}) == {"unknown_step"}


def test_missing_required_data_names_the_field():
    found = check_step(
        facts_before("cell_vote"), "cell_vote", dt.date(2024, 6, 3), {"in_favour": 6}, overrides={}
    )
    assert {v.code for v in found} == {"required_data"}
    # The attempt is no field: it is counted from the failed votes recorded.
    assert {v.field for v in found} == {"present", "against"}


def test_invalid_number_is_refused():
    assert codes(
        facts_before("cell_vote"), "cell_vote", step_data=data("cell_vote", in_favour="many")
    ) == {"invalid_data"}


# Introduction ---------------------------------------------------------------------------


def test_two_introducers_needed():
    step_data = data("introduction", introducer_2="")
    assert "two_introducers" in codes(
        facts_before("introduction"), "introduction", step_data=step_data
    )


def test_the_same_introducer_twice_is_one_introducer():
    step_data = data("introduction", introducer_2=INTRODUCER_1.lower())
    assert "two_introducers" in codes(
        facts_before("introduction"), "introduction", step_data=step_data
    )


def test_introducer_must_be_in_the_register():
    step_data = data("introduction", introducer_2="079999999999")
    assert codes(facts_before("introduction"), "introduction", step_data=step_data) == {
        "introducer_not_in_register"
    }


def _register_with(member):
    roll = tuple(m for m in REGISTER.cell_roll if m.national_id != member.national_id)
    members = {m.national_id: (m,) for m in (*roll, member)}
    return Register(cell_roll=(*roll, member), members=members)


def test_introducer_must_be_official_member_on_the_form_date():
    probationary = MemberFact(INTRODUCER_2, "Lê Văn Dũng", dt.date(2023, 10, 1), None, in_cell=True)
    facts = facts_before("introduction", register=_register_with(probationary))
    assert codes(facts, "introduction") == {"introducer_official"}
    confirmed = dataclasses.replace(probationary, official_since=dt.date(2024, 4, 2))
    facts = facts_before("introduction", register=_register_with(confirmed))
    # Official only from the day after the form: still refused, from the data.
    assert codes(facts, "introduction") == {"introducer_official"}


def test_introducer_needs_twelve_months_together():
    newcomer = MemberFact(
        INTRODUCER_2,
        "Lê Văn Dũng",
        dt.date(2010, 1, 1),
        dt.date(2011, 1, 1),
        in_cell=True,
        unit_since=dt.date(2023, 6, 1),
    )
    facts = facts_before("introduction", register=_register_with(newcomer))
    found = check_step(facts, "introduction", next_date(facts), data("introduction"), overrides={})
    assert [(v.code, v.exception_by) for v in found] == [
        ("introducer_months", "superior_committee")
    ]
    elsewhere = dataclasses.replace(newcomer, unit_since=None, in_cell=False)
    facts = facts_before("introduction", register=_register_with(elsewhere))
    assert codes(facts, "introduction") == {"introducer_months"}


def test_the_applicant_cannot_introduce_themselves():
    facts = facts_before("introduction", national_id=INTRODUCER_2)
    assert "introducer_is_applicant" in codes(facts, "introduction")


def test_introduction_form_cannot_postdate_the_introduction():
    facts = facts_before("introduction")
    later = (next_date(facts) + dt.timedelta(days=1)).isoformat()
    step_data = data("introduction", introducer_2_form_date=later)
    assert codes(facts, "introduction", step_data=step_data) == {"introduction_form_date"}


def test_outside_introducer_is_flagged_and_must_be_verified_by_the_committee():
    step_data = data(
        "introduction", introducer_2="", introducer_2_outside="Trần Văn K, Đảng bộ tỉnh khác"
    )
    facts = facts_before("introduction")
    assert codes(facts, "introduction", step_data=step_data) == set()
    steps = tuple(
        StepFact(s.step, s.date, step_data if s.step == "introduction" else s.data)
        for s in steps_before("committee_resolution")
    )
    facts = facts_before("committee_resolution", steps=steps)
    assert codes(facts, "committee_resolution") == {"introducer_unverified"}
    verified = data("committee_resolution", outside_introducers_verified="15-CV/ĐU")
    assert codes(facts, "committee_resolution", step_data=verified) == set()


@pytest.mark.parametrize("kind", ["youth_union", "trade_union"])
def test_union_executive_and_one_member_may_introduce(kind):
    step_data = {
        "introduced_by": kind,
        "introducer_1": INTRODUCER_2,
        "introducer_1_form_date": "2024-04-01",
        "executive_resolution_no": "3-NQ/ĐTN",
        "executive_resolution_date": "2024-04-01",
    }
    assert codes(facts_before("introduction"), "introduction", step_data=step_data) == set()
    del step_data["executive_resolution_no"]
    assert codes(facts_before("introduction"), "introduction", step_data=step_data) == {
        "union_executive"
    }


# Cell vote: majority, attempts, eligibility ------------------------------------------------


def test_cell_vote_needs_two_thirds_of_official_members():
    # Nine official members in the register: six in favour is two thirds, five is not.
    facts = facts_before("cell_vote")
    assert codes(facts, "cell_vote", step_data=data("cell_vote", in_favour=6)) == set()
    assert codes(facts, "cell_vote", step_data=data("cell_vote", in_favour=5)) == {
        "cell_vote_two_thirds"
    }


def test_official_members_come_from_the_register_on_the_vote_day():
    facts = facts_before("cell_vote")
    vote = next_date(facts)
    assert engine.official_members(facts, vote) == 9
    assert engine.official_members(facts, dt.date(2014, 12, 31)) == 0
    left = dataclasses.replace(REGISTER.cell_roll[-1], ended_on=vote)
    assert (
        engine.official_members(facts_before("cell_vote", register=_register_with(left)), vote) == 8
    )


def test_a_cell_without_official_members_cannot_vote():
    facts = facts_before("cell_vote", register=Register())
    assert codes(facts, "cell_vote") == {"no_official_members"}


def test_vote_counts_must_make_sense():
    facts = facts_before("cell_vote")
    assert codes(facts, "cell_vote", step_data=data("cell_vote", present=10, in_favour=10)) == {
        "vote_counts"
    }
    assert codes(facts, "cell_vote", step_data=data("cell_vote", in_favour=7, against=2)) == {
        "vote_counts"
    }


def test_after_three_failed_votes_the_case_goes_higher():
    facts = facts_before("cell_vote")
    failed = max(s.date for s in facts.steps)  # on the day of the step before
    two = dataclasses.replace(facts, failed_cell_votes=(failed,) * 2)
    assert codes(two, "cell_vote", step_data=data("cell_vote")) == set()
    three = dataclasses.replace(facts, failed_cell_votes=(failed,) * 3)
    assert codes(three, "cell_vote", step_data=data("cell_vote")) == {"cell_vote_attempts"}
    # A number typed for the attempt changes nothing.
    assert codes(three, "cell_vote", step_data=data("cell_vote", attempt=1)) == {
        "cell_vote_attempts"
    }


def test_age_limit_18_in_months():
    facts = facts_before("cell_vote")
    eighteen = add_months(BIRTH, 18 * 12)
    young = facts_before("cell_vote", steps=_shift(facts.steps, eighteen))
    found = check_step(
        young, "cell_vote", eighteen - dt.timedelta(days=1), data("cell_vote"), overrides={}
    )
    # Under 18 can never be set aside.
    assert ("age_minimum", False) in [(v.code, v.exceptable) for v in found]
    assert "age_minimum" not in codes(young, "cell_vote", eighteen)


def test_age_in_months_when_the_birthday_month_is_shorter():
    assert engine.age_in_months(dt.date(2004, 2, 29), dt.date(2022, 2, 28)) == 216
    assert engine.age_in_months(dt.date(2004, 2, 29), dt.date(2022, 2, 27)) == 215
    assert engine.age_in_months(dt.date(1978, 4, 29), dt.date(1982, 2, 28)) == 46
    assert engine.age_in_months(dt.date(1978, 4, 30), dt.date(1978, 5, 29)) == 0


def test_over_60_only_by_exception():
    facts = facts_before("cell_vote")
    limit = add_months(BIRTH, 60 * 12 + 1)
    old = facts_before(
        "cell_vote",
        steps=_shift(facts.steps, limit),
        certificate_date=limit - dt.timedelta(days=40),
        today=limit + dt.timedelta(days=400),
    )
    assert "age_maximum" not in codes(old, "cell_vote", limit - dt.timedelta(days=1))
    found = check_step(old, "cell_vote", limit, data("cell_vote"), overrides={})
    assert [(v.code, v.exceptable, v.exception_by) for v in found] == [
        ("age_maximum", True, "provincial_committee")
    ]


def test_education_at_least_lower_secondary():
    assert codes(facts_before("cell_vote", education="lower_secondary"), "cell_vote") == set()
    assert codes(facts_before("cell_vote", education="primary"), "cell_vote") == {
        "education_minimum"
    }
    assert codes(facts_before("cell_vote", education=""), "cell_vote") == {"education_minimum"}


def test_education_exception_only_in_units_marked_as_special_areas():
    facts = facts_before("cell_vote", education="primary")
    [plain] = check_step(facts, "cell_vote", next_date(facts), data("cell_vote"), overrides={})
    assert (plain.code, plain.exceptable) == ("education_minimum", False)
    marked = facts_before("cell_vote", education="primary", special_area=True)
    [found] = check_step(marked, "cell_vote", next_date(marked), data("cell_vote"), overrides={})
    assert (found.code, found.exceptable, found.exception_by) == (
        "education_minimum",
        True,
        "provincial_committee",
    )


def test_certificate_valid_60_months_at_the_cell_vote():
    facts = facts_before("cell_vote")
    vote = next_date(facts)
    valid_from = add_months(vote, -60)
    assert codes(facts_before("cell_vote", certificate_date=valid_from), "cell_vote") == set()
    expired = valid_from - dt.timedelta(days=1)
    assert codes(facts_before("cell_vote", certificate_date=expired), "cell_vote") == {
        "certificate_valid"
    }
    assert codes(facts_before("cell_vote", certificate_date=None), "cell_vote") == {
        "certificate_valid"
    }


def test_certificate_must_exist_before_the_vote():
    facts = facts_before("cell_vote")
    later = next_date(facts) + dt.timedelta(days=1)
    assert codes(facts_before("cell_vote", certificate_date=later), "cell_vote") == {
        "certificate_valid"
    }


# Committee, decision, ceremony ------------------------------------------------------------


def test_committee_resolution_needs_two_thirds_of_members():
    facts = facts_before("committee_resolution")
    step_data = data("committee_resolution", in_favour=3, committee_members=5)
    assert codes(facts, "committee_resolution", step_data=step_data) == {"committee_two_thirds"}


def test_decision_within_60_working_days_of_the_cell_resolution():
    facts = facts_before("admission_decision")
    vote = facts.step("cell_vote").date
    due = add_working_days(vote, 60, {})
    assert codes(facts, "admission_decision", due) == set()
    assert codes(facts, "admission_decision", due + dt.timedelta(days=1)) == {"decision_deadline"}


def test_decision_extension_gives_30_more_working_days():
    facts = facts_before("admission_decision")
    vote = facts.step("cell_vote").date
    due = add_working_days(vote, 90, {})
    extended = data("admission_decision", extended=True)
    assert codes(facts, "admission_decision", due, extended) == set()
    late = due + dt.timedelta(days=1)
    assert codes(facts, "admission_decision", late, extended) == {"decision_deadline"}


def test_ceremony_within_30_working_days_of_the_decision():
    facts = facts_before("ceremony")
    decision = facts.step("admission_decision").date
    due = add_working_days(decision, 30, {})
    assert codes(facts, "ceremony", due) == set()
    found = check_step(facts, "ceremony", due + dt.timedelta(days=1), {}, overrides={})
    assert [(v.code, v.exceptable) for v in found] == [("ceremony_deadline", True)]


# Readmission ---------------------------------------------------------------------------


def readmission(**facts_fields):
    return Facts(
        birth_date=BIRTH,
        education="university",
        readmission=True,
        today=dt.date(2030, 1, 1),
        **facts_fields,
    )


def readmission_data(**changes):
    return {
        "left_on": "2020-01-15",
        "leave_reason": "removed_from_rolls",
        "provincial_consent_no": "5-CV/TU",
        **changes,
    }


def test_readmission_after_36_months():
    assert codes(readmission(), "application", dt.date(2023, 1, 15), readmission_data()) == set()
    assert codes(readmission(), "application", dt.date(2023, 1, 14), readmission_data()) == {
        "readmission_wait"
    }


def test_readmission_60_months_after_a_cleared_record():
    step_data = readmission_data(record_cleared_on="2021-06-01")
    assert codes(readmission(), "application", dt.date(2026, 5, 31), step_data) == {
        "readmission_wait"
    }
    assert codes(readmission(), "application", dt.date(2026, 6, 1), step_data) == set()


def test_readmission_only_once():
    assert codes(
        readmission(previous_readmissions=1), "application", dt.date(2024, 1, 1), readmission_data()
    ) == {"readmission_once"}


@pytest.mark.parametrize("reason", sorted(DEFAULT_RULES.forbidden_leave_reasons))
def test_readmission_never_after_forbidden_reasons(reason):
    assert codes(
        readmission(), "application", dt.date(2024, 1, 1), readmission_data(leave_reason=reason)
    ) == {"readmission_reason"}


def test_resigned_for_family_hardship_may_return():
    assert (
        codes(
            readmission(),
            "application",
            dt.date(2024, 1, 1),
            readmission_data(leave_reason="resigned_family_hardship"),
        )
        == set()
    )


def test_readmission_needs_provincial_consent():
    step_data = readmission_data(provincial_consent_no="")
    assert codes(readmission(), "application", dt.date(2024, 1, 1), step_data) == {"required_data"}


# Confirmation -------------------------------------------------------------------------


def confirmation_codes(**kwargs):
    return {v.code for v in engine.check_confirmation(overrides={}, **kwargs)}


def test_confirmation_vote_within_30_working_days_after_probation():
    ceremony = dt.date(2024, 7, 1)
    ends = add_months(ceremony, 12)
    due = add_working_days(ends, 30, {})
    assert confirmation_codes(ceremony_date=ceremony, cell_vote_date=due, decided_on=due) == set()
    late = due + dt.timedelta(days=1)
    assert confirmation_codes(ceremony_date=ceremony, cell_vote_date=late, decided_on=late) == {
        "confirmation_deadline"
    }
    early = ends - dt.timedelta(days=1)
    assert confirmation_codes(ceremony_date=ceremony, cell_vote_date=early, decided_on=ends) == {
        "confirmation_after_probation"
    }


def test_confirmation_decision_within_30_working_days_extendable():
    ceremony = dt.date(2024, 7, 1)
    vote = add_months(ceremony, 12)
    due = add_working_days(vote, 30, {})
    late = due + dt.timedelta(days=1)
    assert confirmation_codes(ceremony_date=ceremony, cell_vote_date=vote, decided_on=late) == {
        "confirmation_decision_deadline"
    }
    assert (
        confirmation_codes(
            ceremony_date=ceremony, cell_vote_date=vote, decided_on=late, extended=True
        )
        == set()
    )


def test_confirmation_needs_the_ceremony():
    assert confirmation_codes(
        ceremony_date=None, cell_vote_date=None, decided_on=dt.date(2025, 1, 1)
    ) == {"no_ceremony"}


# Due dates ----------------------------------------------------------------------------


def test_due_dates_follow_the_dossier():
    facts = facts_before("admission_decision")
    dues = {d.kind: d for d in due_dates(facts, overrides={})}
    vote = facts.step("cell_vote").date
    assert dues["admission_decision"].due_on == add_working_days(vote, 60, {})
    assert dues["admission_decision"].extendable_to == add_working_days(vote, 90, {})

    facts = facts_before("ceremony")
    decision = facts.step("admission_decision").date
    assert {d.kind: d.due_on for d in due_dates(facts, overrides={})}["ceremony"] == (
        add_working_days(decision, 30, {})
    )

    ceremony_day = next_date(facts)
    done = Facts(birth_date=BIRTH, steps=(*facts.steps, StepFact("ceremony", ceremony_day)))
    dues = {d.kind: d.due_on for d in due_dates(done, overrides={})}
    assert dues["probation_ends"] == add_months(ceremony_day, 12)
    assert dues["confirmation"] == add_working_days(add_months(ceremony_day, 12), 30, {})


def test_due_dates_before_the_vote_warn_of_certificate_expiry():
    facts = facts_before("comments")
    dues = {d.kind: d.due_on for d in due_dates(facts, overrides={})}
    assert dues["certificate_expires"] == add_months(facts.certificate_date, 60)


def test_messages_name_the_rule():
    found = check_step(
        facts_before("cell_vote"),
        "cell_vote",
        next_date(facts_before("cell_vote")),
        data("cell_vote", in_favour=1),
        overrides={},
    )
    assert found[0].code == "cell_vote_two_thirds"
    assert "cell_vote_two_thirds" not in str(found[0])  # people read the message
    assert found[0].title == "two thirds at the cell vote"
    assert "1 of 9" in str(found[0])


def _shift(steps, last_date):
    """The same steps, moved so that the last is a week before `last_date`."""
    delta = last_date - dt.timedelta(days=7) - steps[-1].date
    return tuple(StepFact(s.step, s.date + delta, s.data) for s in steps)

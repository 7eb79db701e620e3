"""Property tests: the engine against an independent reading of domain.md.

The oracle below is written from the text, not from engine.py: ages with dateutil's
relativedelta, working days by walking the calendar with the `holidays` package, the
procedure order as a plain list. For random dates and step sequences the engine must
refuse exactly what the oracle forbids.
"""

import datetime as dt

import holidays
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.pipeline.engine import Facts, MemberFact, Register, StepFact, check_step
from grassroots.pipeline.rules import DEFAULT_RULES

from .helpers import REGISTER, VALID_DATA, data

PROCEDURE = [
    "application",
    "history_declaration",
    "history_verification",
    "introduction",
    "comments",
    "cell_vote",
    "committee_resolution",
    "admission_decision",
    "ceremony",
]
EDUCATION = [
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational",
    "college",
    "university",
    "master",
    "doctorate",
]
VN = holidays.country_holidays("VN", years=range(2015, 2036))
# Saturdays and Sundays the government made working days to bridge a holiday.
VN_WEEKEND_WORKDAYS = frozenset(getattr(VN, "weekend_workdays", ()))


def oracle_working_day(day):
    if day.weekday() >= 5:
        return day in VN_WEEKEND_WORKDAYS
    return day not in VN


def oracle_is_late(start, day, limit):
    """Late when the limit's last working day already lay before `day`.

    Counts the working days (weekdays that are not Vietnamese holidays, and weekend days
    made working days) after `start` and before `day`: if `limit` of them passed, the time
    ran out before `day`, even when `day` itself is a weekend or holiday.
    """
    count, current = 0, start + dt.timedelta(days=1)
    while current < day:
        if oracle_working_day(current):
            count += 1
        current += dt.timedelta(days=1)
    return count >= limit


def oracle_cell_vote(birth, education, special_area, certificate, vote, in_favour, members):
    """Rules domain.md says a cell vote breaks (section 'Eligibility' and step 6). In a
    special area the education minimum still breaks, but may be set aside."""
    broken = set()
    age = relativedelta(vote, birth)
    months = age.years * 12 + age.months
    if months < 18 * 12:
        broken.add("age_minimum")
    elif months > 60 * 12:
        broken.add("age_maximum")
    if EDUCATION.index(education) < EDUCATION.index("lower_secondary"):
        broken.add("education_minimum")
    if certificate is None or certificate > vote or vote > certificate + relativedelta(months=60):
        broken.add("certificate_valid")
    if 3 * in_favour < 2 * members:
        broken.add("cell_vote_two_thirds")
    return broken


dates = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2034, 12, 31))


def month_ends(first_year, last_year):
    """Last days of months (28 February, 30 April, ...): where month counting goes wrong."""
    return st.builds(
        lambda year, month: dt.date(year, month, 1) + relativedelta(months=1, days=-1),
        st.integers(first_year, last_year),
        st.integers(1, 12),
    )


@settings(max_examples=50, deadline=None)
@given(
    birth=st.one_of(
        st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2015, 12, 31)),
        month_ends(1950, 2015),
    ),
    education=st.sampled_from(EDUCATION),
    special_area=st.booleans(),
    certificate=st.one_of(st.none(), dates, month_ends(2016, 2034)),
    vote=st.one_of(dates, month_ends(2016, 2034)),
    members=st.integers(min_value=1, max_value=40),
    share=st.floats(min_value=0, max_value=1),
)
def test_cell_vote_eligibility_matches_the_oracle(
    birth, education, special_area, certificate, vote, members, share
):
    in_favour = round(members * share)
    steps = tuple(
        StepFact(code, vote - dt.timedelta(days=10 - i), VALID_DATA[code])
        for i, code in enumerate(PROCEDURE[:5])
    )
    roll = tuple(
        MemberFact(f"M{n}", f"M{n}", dt.date(1990, 1, 1), dt.date(1991, 1, 1), in_cell=True)
        for n in range(members)
    )
    facts = Facts(
        birth_date=birth,
        education=education,
        certificate_date=certificate,
        steps=steps,
        today=dt.date(2035, 1, 1),
        special_area=special_area,
        register=Register(cell_roll=roll),
    )
    found = check_step(
        facts,
        "cell_vote",
        vote,
        {"present": members, "in_favour": in_favour, "against": 0, "attempt": 1},
        overrides={},
    )
    expected = oracle_cell_vote(
        birth, education, special_area, certificate, vote, in_favour, members
    )
    assert {v.code for v in found} == expected


@settings(max_examples=50, deadline=None)
@given(sequence=st.lists(st.sampled_from(PROCEDURE), min_size=1, max_size=14))
def test_steps_are_accepted_only_in_the_order_of_the_procedure(sequence):
    """Proposing steps at random: accepted exactly when it is the next one not yet done."""
    recorded = []
    day = dt.date(2024, 4, 1)
    for code in sequence:
        facts = Facts(
            birth_date=dt.date(2000, 1, 1),
            education="university",
            certificate_date=dt.date(2024, 1, 1),
            steps=tuple(recorded),
            today=dt.date(2030, 1, 1),
            register=REGISTER,
        )
        accepted = not check_step(facts, code, day, data(code), overrides={})
        allowed = len(recorded) < len(PROCEDURE) and code == PROCEDURE[len(recorded)]
        assert accepted == allowed, (code, [s.step for s in recorded])
        if accepted:
            recorded.append(StepFact(code, day, data(code)))
            day += dt.timedelta(days=1)


@settings(max_examples=50, deadline=None)
@given(
    vote=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2033, 1, 1)),
    gap=st.integers(min_value=0, max_value=160),
    extended=st.booleans(),
    ceremony_gap=st.integers(min_value=0, max_value=60),
)
def test_decision_and_ceremony_deadlines_match_the_oracle(vote, gap, extended, ceremony_gap):
    birth = vote - relativedelta(years=30)
    steps = [
        StepFact(code, vote - dt.timedelta(days=10 - i), VALID_DATA[code])
        for i, code in enumerate(PROCEDURE[:5])
    ]
    steps.append(StepFact("cell_vote", vote, VALID_DATA["cell_vote"]))
    steps.append(StepFact("committee_resolution", vote, VALID_DATA["committee_resolution"]))
    facts = Facts(
        birth_date=birth,
        education="university",
        certificate_date=vote,
        steps=tuple(steps),
        today=dt.date(2035, 1, 1),
        register=REGISTER,
    )
    decision = vote + dt.timedelta(days=gap)
    found = check_step(
        facts,
        "admission_decision",
        decision,
        data("admission_decision", extended=extended),
        overrides={},
    )
    limit = 90 if extended else 60
    late = oracle_is_late(vote, decision, limit)
    assert {v.code for v in found} == ({"decision_deadline"} if late else set())

    steps.append(StepFact("admission_decision", decision, VALID_DATA["admission_decision"]))
    facts = Facts(
        birth_date=birth,
        education="university",
        certificate_date=vote,
        steps=tuple(steps),
        today=dt.date(2035, 1, 1),
    )
    ceremony = decision + dt.timedelta(days=ceremony_gap)
    found = check_step(facts, "ceremony", ceremony, {}, overrides={})
    late = oracle_is_late(decision, ceremony, 30)
    assert {v.code for v in found} == ({"ceremony_deadline"} if late else set())


@settings(max_examples=50, deadline=None)
@given(
    left_on=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 1, 1)),
    cleared=st.one_of(
        st.none(), st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 1, 1))
    ),
    wait_days=st.integers(min_value=0, max_value=365 * 8),
    reason=st.sampled_from([code for code, _label in DEFAULT_RULES.leave_reasons]),
    previous=st.integers(min_value=0, max_value=2),
)
def test_readmission_matches_the_oracle(left_on, cleared, wait_days, reason, previous):
    applied = left_on + dt.timedelta(days=wait_days)
    step_data = {
        "left_on": left_on.isoformat(),
        "leave_reason": reason,
        "provincial_consent_no": "1-CV",
    }
    if cleared:
        step_data["record_cleared_on"] = cleared.isoformat()
    facts = Facts(
        birth_date=dt.date(1980, 1, 1),
        education="university",
        readmission=True,
        previous_readmissions=previous,
        today=dt.date(2040, 1, 1),
    )
    found = {v.code for v in check_step(facts, "application", applied, step_data, overrides={})}
    expected = set()
    earliest = left_on + relativedelta(months=36)
    if cleared:
        earliest = max(earliest, cleared + relativedelta(months=60))
    if applied < earliest:
        expected.add("readmission_wait")
    if previous >= 1:
        expected.add("readmission_once")
    if reason in {
        "abandoned_activity",
        "resigned",
        "serious_disunity",
        "corruption_conviction",
        "serious_crime_conviction",
    }:
        expected.add("readmission_reason")
    assert found == expected

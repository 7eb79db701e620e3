"""Valid step data and ready-made dossier facts for the pipeline tests."""

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from grassroots.pipeline.engine import Facts, MemberFact, Register, StepFact
from grassroots.pipeline.rules import DEFAULT_RULES

ORDER = DEFAULT_RULES.step_codes
BIRTH = dt.date(2000, 5, 10)
CERTIFICATE = dt.date(2024, 3, 1)
START = dt.date(2024, 4, 1)  # a Monday

# The cell's register in the engine tests: nine official members since 2015, the first
# two of them the introducers.
INTRODUCER_1, INTRODUCER_2 = "001090000001", "001090000003"
MEMBER_IDS = [INTRODUCER_1, INTRODUCER_2, *(f"0790000000{n:02d}" for n in range(7))]
REGISTER = Register(
    cell_roll=tuple(
        MemberFact(
            national_id,
            f"Member {national_id}",
            dt.date(2014, 1, 2),
            dt.date(2015, 1, 2),
            in_cell=True,
        )
        for national_id in MEMBER_IDS
    ),
)
REGISTER = Register(
    cell_roll=REGISTER.cell_roll, members={m.national_id: (m,) for m in REGISTER.cell_roll}
)

VALID_DATA = {
    "application": {},
    "history_declaration": {},
    "history_verification": {"verified": "applicant, parents"},
    "introduction": {
        "introduced_by": "members",
        "introducer_1": INTRODUCER_1,
        "introducer_1_form_date": START.isoformat(),
        "introducer_2": INTRODUCER_2,
        "introducer_2_form_date": START.isoformat(),
    },
    "comments": {"work_comment": "good", "residence_comment": "good"},
    "cell_vote": {"present": 8, "in_favour": 6, "against": 2},
    "committee_resolution": {"committee_members": 5, "present": 5, "in_favour": 4, "against": 1},
    "admission_decision": {"decision_no": "12-QĐ/TU"},
    "ceremony": {},
}


def data(step, **changes):
    return {**VALID_DATA[step], **changes}


def steps_before(step, start=START, gap_days=7):
    """StepFacts for every step before `step`, a week apart from `start`."""
    facts = []
    day = start
    for code in ORDER[: ORDER.index(step)]:
        facts.append(StepFact(code, day, dict(VALID_DATA[code])))
        day += dt.timedelta(days=gap_days)
    return tuple(facts)


def facts_before(step, **overrides):
    """Facts of a dossier that has recorded every step before `step`."""
    fields = {
        "birth_date": BIRTH,
        "education": "upper_secondary",
        "certificate_date": CERTIFICATE,
        "steps": steps_before(step),
        "today": dt.date(2030, 1, 1),
        "register": REGISTER,
    }
    fields.update(overrides)
    return Facts(**fields)


def next_date(facts, days=7):
    return max(s.date for s in facts.steps) + dt.timedelta(days=days) if facts.steps else START


@contextlib.contextmanager
def refused_by(code):
    """Expect a ValidationError carrying the rule's code (messages are for people: they
    name the rule in the user's language, never by its code)."""
    with pytest.raises(ValidationError) as refused:
        yield refused
    assert code in rule_codes(refused.value), rule_codes(refused.value)


def rule_codes(error):
    """The codes of every message in a ValidationError, whatever its shape."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}

"""Valid step data and ready-made dossier facts for the pipeline tests."""

import datetime as dt

from grassroots.pipeline.engine import Facts, StepFact
from grassroots.pipeline.rules import DEFAULT_RULES

ORDER = DEFAULT_RULES.step_codes
BIRTH = dt.date(2000, 5, 10)
CERTIFICATE = dt.date(2024, 3, 1)
START = dt.date(2024, 4, 1)  # a Monday

VALID_DATA = {
    "application": {},
    "history_declaration": {},
    "history_verification": {"verified": "applicant, parents"},
    "introduction": {
        "introduced_by": "members",
        "introducer_1": "Đặng Hữu Tú",
        "introducer_1_official": True,
        "introducer_1_months": 14,
        "introducer_2": "Lê Văn Dũng",
        "introducer_2_official": True,
        "introducer_2_months": 12,
    },
    "comments": {"work_comment": "good", "residence_comment": "good"},
    "cell_vote": {"in_favour": 6, "official_members": 9, "attempt": 1},
    "committee_resolution": {"in_favour": 4, "committee_members": 5},
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
    }
    fields.update(overrides)
    return Facts(**fields)


def next_date(facts, days=7):
    return max(s.date for s in facts.steps) + dt.timedelta(days=days) if facts.steps else START

"""Property: no sequence of actions admits anyone under 18 or without two valid
introductions, whatever exceptions are tried.

Random sequences of proposed steps (random dates, random introducers from inside and
outside the register, random exception levels and documents) go through the engine and
the exception check exactly as `services.dossier_record_step` applies them; a second
test drives the services on the database itself (run on SQLite and PostgreSQL).
"""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.pipeline import engine
from grassroots.pipeline.engine import Facts, MemberFact, Register, StepFact
from grassroots.pipeline.models import Admission
from grassroots.pipeline.rules import DEFAULT_RULES

from .helpers import REGISTER, VALID_DATA
from .walk import open_dossier, record, seed_cell

ORDER = DEFAULT_RULES.step_codes
LEVELS = ["", *[code for code, _label in DEFAULT_RULES.approving_levels]]
PROBATIONARY = MemberFact("P1", "P1", dt.date(2023, 1, 1), None, in_cell=True)
NEWCOMER = MemberFact(
    "N1",
    "N1",
    dt.date(2010, 1, 1),
    dt.date(2011, 1, 1),
    in_cell=True,
    unit_since=dt.date(2024, 1, 1),
)
WORLD = Register(
    cell_roll=REGISTER.cell_roll,
    members={**REGISTER.members, "P1": (PROBATIONARY,), "N1": (NEWCOMER,)},
)
INTRODUCERS = ["001090000001", "001090000003", "P1", "N1", "NOBODY", "", "outside"]


def introduction(first, second, form_date):
    values = {"introduced_by": "members"}
    for slot, who in ((1, first), (2, second)):
        if who == "outside":
            values[f"introducer_{slot}_outside"] = f"Someone {slot}, another province"
        elif who:
            values[f"introducer_{slot}"] = who
        values[f"introducer_{slot}_form_date"] = form_date.isoformat()
    return values


def valid_introductions(facts):
    """Two introducers, each an official member of the register on the form's date, or
    outside it and verified by the committee."""
    intro = facts.step("introduction").data
    committee = facts.step("committee_resolution")
    count = 0
    for slot in (1, 2):
        national_id = intro.get(f"introducer_{slot}")
        day = dt.date.fromisoformat(intro[f"introducer_{slot}_form_date"])
        if national_id:
            member = engine.register_introducer(facts, national_id, day)
            count += bool(member and member.official_on(day))
        elif intro.get(f"introducer_{slot}_outside"):
            count += bool(committee and committee.data.get("outside_introducers_verified"))
    return count == 2


actions = st.lists(
    st.tuples(
        st.integers(0, 8),  # which step is proposed
        st.integers(0, 40),  # days after the last step
        st.sampled_from(INTRODUCERS),
        st.sampled_from(INTRODUCERS),
        st.sampled_from(LEVELS),
        st.booleans(),  # a document with the exception
        st.booleans(),  # the committee verifies outside introducers
    ),
    min_size=9,
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(
    birth=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2008, 12, 31)),
    sequence=actions,
)
def test_no_sequence_admits_anyone_under_18_or_without_two_valid_introductions(birth, sequence):
    steps, day = [], dt.date(2024, 1, 2)
    for index, days, first, second, level, document, verify in sequence:
        code = ORDER[index]
        day = day + dt.timedelta(days=days)
        data = dict(VALID_DATA[code])
        if code == "introduction":
            data = introduction(first, second, day)
        if code == "committee_resolution" and verify:
            data["outside_introducers_verified"] = "9-CV"
        facts = Facts(
            birth_date=birth,
            education="upper_secondary",
            certificate_date=dt.date(2023, 12, 1),
            steps=tuple(steps),
            today=dt.date(2030, 1, 1),
            register=WORLD,
        )
        violations = engine.check_step(facts, code, day, data, overrides={})
        exception = {
            "level": level,
            "document_no": "1-CV" if document else "",
            "document_date": day if document else None,
        }
        if violations and engine.check_exception(violations, exception):
            continue  # refused, as the service refuses it
        steps.append(StepFact(code, day, data))
        if code == "admission_decision":
            done = Facts(birth_date=birth, steps=tuple(steps), register=WORLD)
            vote = done.step("cell_vote").date
            assert relativedelta(vote, birth).years >= 18
            assert valid_introductions(done)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    vote_day=st.dates(min_value=dt.date(2024, 8, 20), max_value=dt.date(2024, 9, 10)),
    second=st.sampled_from(["seeded", "outside", "typed"]),
    level=st.sampled_from(LEVELS),
)
def test_the_services_admit_only_18_year_olds_with_two_valid_introductions(
    town, vote_day, second, level
):
    with transaction.atomic():
        dossier = open_dossier(town, national_id="001090000002", unit="HS")
        members = seed_cell(town, "HS")
        steps = {
            "application": dt.date(2024, 8, 1),
            "history_declaration": dt.date(2024, 8, 2),
            "history_verification": dt.date(2024, 8, 5),
            "introduction": dt.date(2024, 8, 8),
            "comments": dt.date(2024, 8, 12),
            "cell_vote": vote_day,
            "committee_resolution": vote_day + dt.timedelta(days=5),
            "admission_decision": vote_day + dt.timedelta(days=12),
        }
        approval = {
            "exception_level": level,
            "exception_document_no": "1-CV",
            "exception_document_date": dt.date(2024, 8, 1),
            "exception_reason": "tried",
        }
        for code, day in steps.items():
            data = dict(VALID_DATA[code])
            if code == "introduction":
                data = introduction(members[0], members[1], day)
                if second == "outside":
                    data = introduction(members[0], "outside", day)
                elif second == "typed":
                    data["introducer_2"] = "Nguyễn Văn Gõ Tay"
            try:
                record(town, dossier, code, date=day, data=data, **approval)
            except ValidationError:
                break
        admission = Admission.objects.filter(dossier=dossier).first()
        if admission is not None:
            # Nguyễn Thị Lan turned 18 on 1 September 2024.
            assert vote_day >= dt.date(2024, 9, 1)
            assert second == "seeded"
        transaction.set_rollback(True)

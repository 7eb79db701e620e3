"""A candidate's whole way through the pipeline, on the real database, via the services."""

import datetime as dt

from grassroots.history.services import Trace
from grassroots.people.models import Membership, Person
from grassroots.pipeline import services

from .helpers import VALID_DATA

CELL_PREFIX = {"W1C1": "07911", "HS": "07922", "W2C1": "07933", "W1C2": "07944"}
CELL_MEMBERS = 9


def seed_cell(town, unit="W1C1", count=CELL_MEMBERS):
    """`count` official members of the cell since 2015 (the register the votes and the
    introducers are checked against); returns their national IDs."""
    ids = []
    for n in range(count):
        national_id = f"{CELL_PREFIX[unit]}{n:07d}"
        person, created = Person.objects.get_or_create(
            national_id=national_id,
            defaults={
                "full_name": f"Đảng viên {unit} {n + 1}",
                "gender": "male" if n % 2 else "female",
                "birth_date": dt.date(1970 + n, 3, 1),
                "unit": town.unit(unit),
            },
        )
        if created:
            Membership.objects.create(
                person=person,
                unit=town.unit(unit),
                status=Membership.Status.OFFICIAL,
                admitted_on=dt.date(2014, 1, 2),
                official_since=dt.date(2015, 1, 2),
            )
        ids.append(national_id)
    return ids


NOMINATED = dt.date(2024, 9, 2)
COURSE_START, COURSE_END = dt.date(2024, 9, 9), dt.date(2024, 9, 13)
OPENED = dt.date(2024, 9, 16)
STEP_DATES = {
    "application": dt.date(2024, 9, 16),
    "history_declaration": dt.date(2024, 9, 18),
    "history_verification": dt.date(2024, 9, 25),
    "introduction": dt.date(2024, 10, 1),
    "comments": dt.date(2024, 10, 8),
    "cell_vote": dt.date(2024, 10, 15),
    "committee_resolution": dt.date(2024, 10, 22),
    "admission_decision": dt.date(2024, 11, 5),
    "ceremony": dt.date(2024, 11, 19),
}
PROBATION_ENDS = dt.date(2025, 11, 19)


def mentor(town, national_id="001090000001"):
    """An official member to mentor sources (Đặng Hữu Tú of Ward 1, official since 2000)."""
    person = town.people[national_id]
    Membership.objects.get_or_create(
        person=person,
        defaults={
            "unit": person.unit,
            "status": Membership.Status.OFFICIAL,
            "admitted_on": dt.date(1999, 1, 4),
            "official_since": dt.date(2000, 1, 4),
        },
    )
    return person


def trace_for(town, username):
    return Trace(user=town.user(username))


def trained_person(town, national_id="001090000004", unit="W1C1", user="org", course="AW-1"):
    """A source of `unit` who completed an awareness course; returns (person, source)."""
    trace = trace_for(town, user)
    person = town.people[national_id]
    source = services.source_nominate(
        trace=trace,
        person=person,
        unit=town.unit(unit),
        nominated_on=NOMINATED,
        category="official",
        mentor=mentor(town),
    )
    course = services.course_create(
        trace=trace,
        code=course,
        organizer=town.unit("TOWN"),
        title="Awareness course",
        start_date=COURSE_START,
        end_date=COURSE_END,
    )
    enrollment = services.enrollment_add(trace=trace, course=course, person=person)
    services.enrollment_record_result(
        trace=trace,
        enrollment=enrollment,
        result="completed",
        certificate_no="C-1",
        certificate_date=COURSE_END,
    )
    return person, source


def open_dossier(town, national_id="001090000004", unit="W1C1", user="org", **kwargs):
    seed_cell(town, unit)
    person, source = trained_person(town, national_id, unit, user, **kwargs)
    return services.dossier_open(
        trace=trace_for(town, user),
        person=person,
        unit=town.unit(unit),
        opened_on=OPENED,
        source=source,
    )


def step_data(town, dossier, step):
    """Valid data for `step` in this dossier's cell: introducers from its register."""
    values = dict(VALID_DATA[step])
    if step == "introduction":
        first, second = seed_cell(town, dossier.unit.code)[:2]
        day = STEP_DATES["introduction"].isoformat()
        values.update(
            introducer_1=first,
            introducer_2=second,
            introducer_1_form_date=day,
            introducer_2_form_date=day,
        )
    return values


def record(town, dossier, step, user="org", **kwargs):
    kwargs.setdefault("date", STEP_DATES[step])
    kwargs.setdefault("data", step_data(town, dossier, step))
    return services.dossier_record_step(
        trace=trace_for(town, user), dossier=dossier, step=step, **kwargs
    )


def walk_until(town, dossier, stop=None, user="org"):
    """Record every step in order up to (not including) `stop`."""
    for step in STEP_DATES:
        if step == stop:
            break
        record(town, dossier, step, user=user)
    return dossier


def admitted(town, **kwargs):
    dossier = open_dossier(town, **kwargs)
    walk_until(town, dossier)
    dossier.refresh_from_db()
    return dossier

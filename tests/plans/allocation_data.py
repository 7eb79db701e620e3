"""A town with a candidate pool and a history, for the allocation tests.

The town's 2026 target (minimum 10, stretch 12, resolution NQ-07) is divided among HS, W1
and W2 (the units directly below TOWN):

- W1 nominated 12 sources in 2023 (in W1C1): 6 were admitted in 2024–2025, 6 dropped out; today it has 4 sources waiting, 2 course
  graduates not yet in a dossier and 1 dossier in progress;
- W2 nominated 2 sources in 2024 (1 admitted in 2025, 1 still waiting) and 3 more in
  2025, still waiting: 4 waiting, and 5 sources seen is too little history, so the
  organisation's rates stand in;
- HS has no pool and no history.
"""

import datetime as dt
import itertools

from django.db import transaction

from grassroots import announcements
from grassroots.history.services import Trace
from grassroots.pipeline.models import Admission, Course, Dossier, Enrollment, Source
from grassroots.plans import services
from tests.reports.data import person

D = dt.date.fromisoformat
_codes = itertools.count(1)


@transaction.atomic
def admit(who, unit, day):
    """Admit `who` the way the admission service records the fact (see tests/reports/data)."""
    admission = Admission(person=who, unit=unit, decision_date=D(day))
    admission.keep_person_attributes(who)
    admission.save()
    announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)
    return admission


def source(unit, day, status=Source.Status.NOMINATED):
    return Source.objects.create(person=person(), unit=unit, nominated_on=D(day), status=status)


def graduate(unit, course, nominated):
    src = source(unit, nominated, status=Source.Status.TRAINED)
    Enrollment.objects.create(course=course, person=src.person, result="completed")
    return src


def build_pool(town):
    w1c1, w2c1 = town.unit("W1C1"), town.unit("W2C1")
    for i in range(12):
        src = source(w1c1, f"2023-0{1 + i % 9}-10", status=Source.Status.DROPPED)
        if i < 6:
            src.status = Source.Status.ADMITTED
            src.save(update_fields=["status"])
            admit(src.person, w1c1, f"{2024 + i % 2}-06-{10 + i}")
    for _ in range(4):
        source(w1c1, "2025-09-01")
    course = Course.objects.create(
        code=f"LOP-{next(_codes)}",
        organizer=town.unit("TOWN"),
        title="Nhận thức về Đảng",
        start_date=D("2025-10-01"),
        end_date=D("2025-10-05"),
    )
    graduate(w1c1, course, "2025-08-01")
    graduate(w1c1, course, "2025-08-02")
    in_dossier = source(w1c1, "2025-05-01", status=Source.Status.IN_DOSSIER)
    Dossier.objects.create(
        person=in_dossier.person, unit=w1c1, source=in_dossier, opened_on=D("2025-11-01")
    )
    admitted = source(w2c1, "2024-03-01", status=Source.Status.ADMITTED)
    admit(admitted.person, w2c1, "2025-04-01")
    source(w2c1, "2024-03-02")
    for _ in range(3):
        source(w2c1, "2025-10-01")


def town_target(town, minimum=10, stretch=12):
    return services.target_set(
        trace=Trace(user=town.user("org")),
        unit=town.unit("TOWN"),
        period_start=D("2026-01-01"),
        period_end=D("2026-12-31"),
        minimum=minimum,
        stretch=stretch,
        resolution_ref="NQ-07",
        resolution_date=D("2025-12-20"),
    )

"""Building admissions for report tests the way the admission service does: the fact
and its tally in one transaction."""

import datetime as dt
import itertools

from django.db import transaction

from grassroots import announcements
from grassroots.pipeline.models import Admission
from grassroots.plans.models import Target
from tests.factories import PersonFactory

_numbers = itertools.count(1)


def person(**fields):
    fields.setdefault("national_id", f"R{next(_numbers):011d}")
    fields.setdefault("education", "upper_secondary")
    fields.setdefault("gender", "male")
    return PersonFactory(**fields)


@transaction.atomic
def admit(unit, day, *, readmission=False, **person_fields):
    who = person(**person_fields)
    admission = Admission(
        person=who,
        unit=unit,
        decision_date=day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
        readmission=readmission,
    )
    admission.keep_person_attributes(who)
    admission.save()
    announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)
    return admission


@transaction.atomic
def unadmit(admission):
    announcements.announce(announcements.ADMISSION_WITHDRAWN, admission=admission)
    admission.delete()


def target(unit, start, end, minimum, stretch=None):
    return Target.objects.create(
        unit=unit,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        minimum=minimum,
        stretch=stretch,
    )

"""Keeping `AdmissionTally` equal to a fresh count of admissions.

Callers (the pipeline's admission service, the importer, the people service) call these
functions inside the transaction that changes the admission or the person, so the tally
can never drift from the facts it counts:

- `admission_added(admission)` after an admission is saved;
- `admission_removed(admission)` before (or after) it is deleted, or with the old values
  before its unit, date, readmission flag or person changes (then `admission_added`);
- `person_changed(person, before=...)` after a person's gender, education, ethnic
  minority or religion changed (`before`: the old values, a dict or an object);
- `refresh(keys)` recounts the tally rows of the given (unit id, month) pairs exactly,
  and `refresh_for_people(person_ids, extra_keys=())` those of these people's admissions:
  for bulk writers (the importer) that change many admissions or people at once; pass the
  old (unit id, decision date) of admissions whose unit or date changed as `extra_keys`;
- `rebuild()` recomputes everything (`grassroots rebuild_rollups`).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from grassroots.people.models import UNIVERSITY_OR_ABOVE, Gender

from .models import AdmissionTally

COUNTS = ("admitted", "female", "university", "ethnic_minority", "religious", "readmitted")
PERSON_FIELDS = ("gender", "education", "ethnic_minority", "religion")


def month_of(day):
    return dt.date(day.year, day.month, 1)


def _value(source, name):
    return source.get(name) if isinstance(source, dict) else getattr(source, name)


def person_flags(person):
    """The person's contribution to each count except `admitted` and `readmitted`."""
    return {
        "female": int(_value(person, "gender") == Gender.FEMALE),
        "university": int(_value(person, "education") in UNIVERSITY_OR_ABOVE),
        "ethnic_minority": int(bool(_value(person, "ethnic_minority"))),
        "religious": int(bool((_value(person, "religion") or "").strip())),
    }


def _flags(admission, person=None):
    if person is None:
        # The stored values, not a possibly stale cached instance: they are what the tally
        # counted when the person last changed.
        from grassroots.people.models import Person

        person = Person.objects.filter(pk=admission.person_id).values(*PERSON_FIELDS).get()
    flags = person_flags(person)
    flags["admitted"] = 1
    flags["readmitted"] = int(bool(admission.readmission))
    return flags


def _apply(unit_id, month, flags, sign):
    tally, _ = AdmissionTally.objects.get_or_create(unit_id=unit_id, month=month)
    AdmissionTally.objects.filter(pk=tally.pk).update(
        **{name: F(name) + sign * value for name, value in flags.items() if value}
    )
    if sign < 0:
        AdmissionTally.objects.filter(pk=tally.pk, admitted__lte=0).delete()


@transaction.atomic
def admission_added(admission, person=None):
    """Count a newly saved admission (call in the same transaction)."""
    _apply(admission.unit_id, month_of(admission.decision_date), _flags(admission, person), +1)


@transaction.atomic
def admission_removed(admission, person=None):
    """Stop counting an admission: deleted, or about to change unit, date or flags."""
    _apply(admission.unit_id, month_of(admission.decision_date), _flags(admission, person), -1)


@transaction.atomic
def person_changed(person, *, before):
    """Move a person's admissions from their old attributes (`before`) to the new ones."""
    old, new = person_flags(before), person_flags(person)
    delta = {name: new[name] - old[name] for name in old if new[name] != old[name]}
    if not delta:
        return
    for unit_id, decision_date in person.admissions.values_list("unit_id", "decision_date"):
        tally, _ = AdmissionTally.objects.get_or_create(
            unit_id=unit_id, month=month_of(decision_date)
        )
        AdmissionTally.objects.filter(pk=tally.pk).update(
            **{name: F(name) + value for name, value in delta.items()}
        )


def fresh_counts(admissions=None):
    """{(unit_id, month): {count: n}} counted directly from admissions (for checks)."""
    from grassroots.pipeline.models import Admission

    queryset = Admission.objects.all() if admissions is None else admissions
    rows = (
        queryset.annotate(tally_month=TruncMonth("decision_date"))
        .values("unit_id", "tally_month")
        .annotate(**count_expressions())
        .order_by()
    )
    result = {}
    for row in rows:
        month = row["tally_month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        result[(row["unit_id"], month)] = {name: row[name] for name in COUNTS}
    return result


def count_expressions():
    """The report's counts as aggregates over a queryset of admissions."""
    return {
        "admitted": Count("id"),
        "female": Count("id", filter=Q(person__gender=Gender.FEMALE)),
        "university": Count("id", filter=Q(person__education__in=list(UNIVERSITY_OR_ABOVE))),
        "ethnic_minority": Count("id", filter=Q(person__ethnic_minority=True)),
        "religious": Count("id", filter=~Q(person__religion="")),
        "readmitted": Count("id", filter=Q(readmission=True)),
    }


def stored_counts():
    """{(unit_id, month): {count: n}} as the tally holds them, zero rows left out."""
    return {
        (row["unit_id"], row["month"]): {name: row[name] for name in COUNTS}
        for row in AdmissionTally.objects.filter(admitted__gt=0).values("unit_id", "month", *COUNTS)
    }


CHUNK = 500


def _month_after(month):
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


@transaction.atomic
def refresh(keys):
    """Recount the tally rows for these (unit id, day or month) pairs from the admissions."""
    from grassroots.pipeline.models import Admission

    by_month = {}
    for unit_id, day in keys:
        by_month.setdefault(month_of(day), set()).add(unit_id)
    written = 0
    for month, unit_ids in by_month.items():
        unit_ids = sorted(unit_ids)
        for start in range(0, len(unit_ids), CHUNK):
            chunk = unit_ids[start : start + CHUNK]
            fresh = fresh_counts(
                Admission.objects.filter(
                    unit_id__in=chunk,
                    decision_date__gte=month,
                    decision_date__lt=_month_after(month),
                )
            )
            AdmissionTally.objects.filter(month=month, unit_id__in=chunk).delete()
            rows = [AdmissionTally(unit_id=u, month=m, **c) for (u, m), c in fresh.items()]
            AdmissionTally.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
    return written


# Above this many people a bulk writer's changes are cheaper to count from scratch.
REBUILD_ABOVE = 20_000


def refresh_for_people(person_ids, extra_keys=()):
    """Recount the tally rows touched by these people's admissions (and `extra_keys`);
    for very many people, rebuild the whole tally instead."""
    from grassroots.pipeline.models import Admission

    keys = set(extra_keys)
    person_ids = list(set(person_ids))
    if len(person_ids) > REBUILD_ABOVE:
        return rebuild()
    for start in range(0, len(person_ids), CHUNK):
        keys.update(
            Admission.objects.filter(person_id__in=person_ids[start : start + CHUNK]).values_list(
                "unit_id", "decision_date"
            )
        )
    return refresh(keys)


@transaction.atomic
def rebuild():
    """Recompute every tally row from the admissions; returns the number of rows."""
    AdmissionTally.objects.all().delete()
    rows = [
        AdmissionTally(unit_id=unit_id, month=month, **counts)
        for (unit_id, month), counts in fresh_counts().items()
    ]
    AdmissionTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

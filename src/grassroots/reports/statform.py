"""The statistical form on newly admitted members (guideline 11-HD/BTCTW, form 2).

`newly_admitted` computes the rows of the contract (docs/exchange-format.md, "Statistical
form for newly admitted members") for a unit and a period, beside the same period a year
earlier. It counts the admissions the achievement report counts (`counting.
counted_admissions`: as it was, or restated on a day), reading of each admission what the
form breaks down: the person's gender, ethnic minority, religion, Youth Union membership
and age on the decision date, and the education and occupation group the admission kept
of the person when it was recorded (as the achievement report's `university` does).
"""

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org import timeline
from grassroots.org.models import Unit, UnitAncestry
from grassroots.people.models import Education, Gender, Occupation
from grassroots.pipeline.models import Admission, Dossier, Source

from . import counting
from .periods import check_period
from .rollups import age_on

COLUMNS = ("indicator", "label", "this_period", "same_period_last_year", "change_pct")

# (indicator, lowest age, highest age): whole years on the decision date; under 18
# (imported historical facts only) counts in the first band.
AGE_BANDS = (
    ("18_30", 18, 30),
    ("31_35", 31, 35),
    ("36_40", 36, 40),
    ("41_45", 41, 45),
    ("46_50", 46, 50),
    ("51_55", 51, 55),
    ("56_60", 56, 60),
    ("over_60", 61, None),
)

HEADLINE = (
    ("total", gettext_lazy("Newly admitted members")),
    ("female", gettext_lazy("Women")),
    ("ethnic_minority", gettext_lazy("Ethnic minorities")),
    ("religious", gettext_lazy("Religious believers")),
    ("youth_union", gettext_lazy("Youth Union members")),
    ("readmitted", gettext_lazy("Readmitted")),
)


def indicators():
    """[(indicator, label)] in the form's order, labels in the active language."""
    rows = [(code, str(label)) for code, label in HEADLINE]
    rows += [
        (f"occupation.{code}", _("Occupation: %(group)s") % {"group": label})
        for code, label in Occupation.choices
    ]
    for code, low, high in AGE_BANDS:
        label = (
            _("Age %(low)d to %(high)d") % {"low": low, "high": high}
            if high is not None
            else _("Age over %(age)d") % {"age": low - 1}
        )
        rows.append((f"age.{code}", label))
    rows.append(("age.average", _("Average age")))
    rows += [
        (f"education.{code}", _("Education: %(level)s") % {"level": label})
        for code, label in Education.choices
    ]
    rows.append(("units_admitting", _("Cells that admitted members")))
    rows.append(("units_without_sources", _("Cells without sources")))
    return rows


def year_earlier(day):
    """The same day a year before; 29 February becomes 28 February."""
    if (day.month, day.day) == (2, 29):
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def one_decimal(value):
    """A Decimal to one decimal, rounded half away from zero (Decimal's ROUND_HALF_UP);
    a change that rounds to nothing is 0.0, not -0.0."""
    rounded = value.quantize(Decimal("0.1"), ROUND_HALF_UP)
    return rounded if rounded else Decimal("0.0")


def change_pct(this, last):
    """100 × (this − last) ÷ last from the values as shown; None when last is 0 or empty."""
    if this is None or not last:
        return None
    return one_decimal(Decimal(100) * (Decimal(this) - Decimal(last)) / Decimal(last))


def age_band(age):
    """The band of an age in whole years (under 18 in the first)."""
    for code, _low, high in AGE_BANDS:
        if high is None or age <= high:
            return code
    raise AssertionError(age)


ADMISSION_FIELDS = (
    "unit_id",
    "person_id",
    "decision_date",
    "readmission",
    "education",
    "occupation",
    "person__gender",
    "person__ethnic_minority",
    "person__religion",
    "person__youth_union",
    "person__birth_date",
)


def period_values(unit, start, end, restate_on=None):
    """{indicator: value} of the form for `unit` over [start, end]."""
    rows = list(
        counting.counted_admissions(unit, start, end, restate_on)
        .order_by()
        .values_list(*ADMISSION_FIELDS)
    )
    values = Counter()
    ages = []
    occupations = set(Occupation.values)
    educations = set(Education.values)
    for (
        _unit_id,
        _person_id,
        day,
        readmission,
        education,
        occupation,
        gender,
        minority,
        religion,
        youth_union,
        birth_date,
    ) in rows:
        values["total"] += 1
        values["female"] += gender == Gender.FEMALE
        values["ethnic_minority"] += bool(minority)
        values["religious"] += bool((religion or "").strip())
        values["youth_union"] += bool(youth_union)
        values["readmitted"] += bool(readmission)
        group = occupation if occupation in occupations else Occupation.OTHER.value
        values[f"occupation.{group}"] += 1
        level = education if education in educations else Education.NONE.value
        values[f"education.{level}"] += 1
        age = age_on(birth_date, day)
        ages.append(age)
        values[f"age.{age_band(age)}"] += 1
    result = {code: values[code] for code, _label in indicators()}
    result["age.average"] = one_decimal(Decimal(sum(ages)) / Decimal(len(ages))) if ages else None
    result["units_admitting"] = len(_admitting_cells(unit, rows, restate_on))
    result["units_without_sources"] = _cells_without_sources(unit, end, restate_on)
    return result


def _admitting_cells(unit, rows, restate_on):
    """The cells at or below `unit` that admitted someone of `rows`, themselves or through
    a group below them: the admitting unit if it is a cell, else the nearest cell above it
    that stands at or below `unit` (on the decision date, or where the admitting unit's
    successor stands on the day of a restatement)."""
    if restate_on is None:
        places = {(unit_id, day): (unit_id, day) for unit_id, _p, day, *_rest in rows}
    else:
        restatement = counting.Restatement(restate_on)
        places = {}
        for unit_id, person_id, day, *_rest in rows:
            default, exceptions = restatement.home(unit_id)
            places[(unit_id, person_id, day)] = (exceptions.get(person_id, default), restate_on)
    wanted = {place for place in places.values() if place[0] is not None}
    unit_ids = sorted({unit_id for unit_id, _day in wanted})
    ancestry = []
    for start in range(0, len(unit_ids), counting.CHUNK):
        ancestry += UnitAncestry.objects.filter(
            unit_id__in=unit_ids[start : start + counting.CHUNK]
        ).values_list("unit_id", "ancestor_id", "distance", "valid_from", "valid_to")
    by_unit = {}
    for unit_id, ancestor, distance, first, last in ancestry:
        by_unit.setdefault(unit_id, []).append((distance, ancestor, first, last))
    kinds = dict(Unit.objects.filter(pk__in={row[1] for row in ancestry}).values_list("pk", "kind"))
    cells = set()
    for unit_id, day in wanted:
        chain = sorted(
            (distance, ancestor)
            for distance, ancestor, first, last in by_unit.get(unit_id, ())
            if first <= day <= last
        )
        for _distance, ancestor in chain:
            if kinds.get(ancestor) == Unit.Kind.CELL:
                cells.add(ancestor)
                break
            if ancestor == unit.pk:
                break  # no cell between the admitting unit and the reported one
    return cells


def _cells_without_sources(unit, day, restate_on):
    """How many cells at or below `unit` (on `day`, or on the day of a restatement), valid
    on `day`, have no open source on `day`: nominated on or before it, not admitted by
    then (an admission decided from the nomination to `day`) and not withdrawn by then
    (the source dropped after a dossier opened by `day` was closed)."""
    structure_day = restate_on or day
    cells = Unit.objects.filter(
        pk__in=timeline.below_on(unit, structure_day),
        kind=Unit.Kind.CELL,
        valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    admitted = Admission.objects.filter(
        person_id=OuterRef("person_id"),
        decision_date__gte=OuterRef("nominated_on"),
        decision_date__lte=day,
    )
    withdrawn = Dossier.objects.filter(
        person_id=OuterRef("person_id"),
        opened_on__gte=OuterRef("nominated_on"),
        opened_on__lte=day,
        status=Dossier.Status.CLOSED,
    )
    open_sources = (
        Source.objects.filter(nominated_on__lte=day)
        .exclude(Exists(admitted))
        .exclude(Q(status=Source.Status.DROPPED) & Exists(withdrawn))
        .annotate(origin=Coalesce("nominated_in", "unit"))
    )
    # A source counts where the unit that nominated it stood on the structure's day: as it
    # was, a restructuring after `day` changes nothing (the successor holds the source
    # today); restated, it counts at that unit's successor. Sources whose nominating unit
    # ended by then are few: they are placed one by one, the others by the database.
    found = dict(
        cells.annotate(held=Exists(open_sources.filter(origin=OuterRef("pk")))).values_list(
            "pk", "held"
        )
    )
    cell_ids = set(found)
    held = {pk for pk, has in found.items() if has}
    elsewhere = list(
        open_sources.filter(
            Q(nominated_in__valid_to__lt=structure_day)
            | Q(nominated_in__isnull=True, unit__valid_to__lt=structure_day)
        ).values_list("person_id", "origin")
    )
    if elsewhere:
        restatement = counting.Restatement(structure_day)
        for person_id, origin in elsewhere:
            default, by_person = restatement.home(origin)
            held.add(by_person.get(person_id, default))
    return len(cell_ids - held)


def newly_admitted(user, *, unit, date_from, date_to, restate_on=None):
    """The form's rows for `unit` over [date_from, date_to] and the same period a year
    earlier: [{indicator, label, this_period, same_period_last_year, change_pct}], labels
    in the active language. Raises Http404 when the unit is outside the user's scope,
    ValueError for bad dates."""
    check_period(date_from, date_to, restate_on)
    scope.require(user, Action.VIEW, unit)
    this = period_values(unit, date_from, date_to, restate_on)
    last = period_values(unit, year_earlier(date_from), year_earlier(date_to), restate_on)
    return [
        {
            "indicator": code,
            "label": label,
            "this_period": this[code],
            "same_period_last_year": last[code],
            "change_pct": change_pct(this[code], last[code]),
        }
        for code, label in indicators()
    ]

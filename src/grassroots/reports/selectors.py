"""Reading reports. Every selector takes the acting user and goes through `accounts.scope`:
a unit or course outside the user's scope raises Http404, as if it did not exist.

The achievement report follows the "Report contract" of docs/exchange-format.md exactly:
its rows are plain dicts whose keys are `ACHIEVEMENT_COLUMNS`, in that order, with whole
numbers for counts, `Decimal` (one place, rounded half up) for percentages and None for
an empty cell.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org import timeline
from grassroots.org.models import Cluster, Sector, Unit
from grassroots.org.pickers import unit_from_filter
from grassroots.paths import under
from grassroots.people.models import Education, Occupation
from grassroots.pipeline.models import (
    Admission,
    Confirmation,
    Course,
    Dossier,
    Enrollment,
    Source,
)
from grassroots.plans.models import Finding, Target
from grassroots.replicas import reads_from_replica
from grassroots.transfers.models import Transfer
from grassroots.vietnamese import fold, sort_key

from . import counting
from .periods import check_period
from .rollups import COUNTS, month_of

ACHIEVEMENT_COLUMNS = (
    "unit_code",
    "unit_name",
    "target_minimum",
    "target_stretch",
    "admitted",
    "achievement_pct",
    "female",
    "female_pct",
    "university",
    "university_pct",
    "ethnic_minority",
    "religious",
    "readmitted",
)
GROUPINGS = ("children", "cluster", "sector")
FUNNEL_COLUMNS = ("enrolled", "completed", "admitted", "confirmed", "transferred_out")

# The acting user of commands run by an operator without --user: sees everything.
SYSTEM = SimpleNamespace(
    is_superuser=True, is_active=True, is_authenticated=False, pk=None, username="system"
)


def percent(part, whole):
    """100 × part ÷ whole with one decimal, rounded half up; None when whole is 0 or None."""
    if not whole or part is None:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def unit_for_report(user, code):
    """The unit with this code (or the one unit of this name) if the user may see it,
    else Http404."""
    return unit_from_filter(user, code)


def language_sort_key(language):
    """How the chosen language orders names alphabetically.

    Vietnamese has its own alphabet (a < ă < â, d < đ); other languages (English, German)
    sort letters with diacritics as their base letter, so "Ấp Bắc" sits among the A's,
    not after Z as code points would put it. Ties fall back to the accented text.
    """
    if (language or "").lower().startswith("vi"):
        return sort_key
    return lambda name: (fold(name), name.casefold())


def choose_target(targets, date_from, date_to):
    """(minimum, stretch) for [date_from, date_to] from one unit's targets, per the contract.

    Targets wholly inside the range: the outermost of them, summed. Otherwise the shortest
    single target containing the range. Otherwise (None, None). A summed stretch is None
    when any of the summed targets has none (the contract's words).
    """
    inside = [t for t in targets if date_from <= t.period_start and t.period_end <= date_to]
    if inside:
        outermost = [
            t
            for t in inside
            if not any(
                o is not t and o.period_start <= t.period_start and t.period_end <= o.period_end
                for o in inside
            )
        ]
        minimum = sum(t.minimum for t in outermost)
        if any(t.stretch is None for t in outermost):
            return minimum, None
        return minimum, sum(t.stretch for t in outermost)
    containing = [t for t in targets if t.period_start <= date_from and date_to <= t.period_end]
    if containing:
        best = min(containing, key=lambda t: (t.period_end - t.period_start, t.period_start))
        return best.minimum, best.stretch
    return None, None


def _targets_by_unit(unit_ids, date_from, date_to):
    found = {}
    overlapping = Target.objects.filter(
        unit_id__in=unit_ids, period_start__lte=date_to, period_end__gte=date_from
    )
    for target in overlapping:
        found.setdefault(target.unit_id, []).append(target)
    return found


def _row(code, name, target, counts):
    counts = counts or dict.fromkeys(COUNTS, 0)
    minimum, stretch = target
    admitted = counts["admitted"]
    return {
        "unit_code": code,
        "unit_name": name,
        "target_minimum": minimum,
        "target_stretch": stretch,
        "admitted": admitted,
        "achievement_pct": percent(admitted, minimum),
        "female": counts["female"],
        "female_pct": percent(counts["female"], admitted),
        "university": counts["university"],
        "university_pct": percent(counts["university"], admitted),
        "ethnic_minority": counts["ethnic_minority"],
        "religious": counts["religious"],
        "readmitted": counts["readmitted"],
    }


def _sum(groups):
    total = dict.fromkeys(COUNTS, 0)
    for counts in groups:
        for name in COUNTS:
            total[name] += counts[name]
    return total


@reads_from_replica
def achievement(user, *, unit, date_from, date_to, by="children", language=None, restate_on=None):
    """The achievement report rows for `unit` (a Unit or a code) over [date_from, date_to].

    First the unit itself, then (`by="children"`) the units below it: as it was, every unit
    that stood directly below it on some day of the period, with what was admitted while it
    stood there; restated on `restate_on`, the children valid that day. Or one row per
    cluster or sector with at least one admission counted, in the language's alphabetical
    order. Names are those of the period's last day (or of `restate_on`). Raises Http404
    when the unit is outside the user's scope, ValueError for a bad grouping or dates.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: use children, cluster or sector")
    check_period(date_from, date_to, restate_on)
    if not isinstance(unit, Unit):
        unit = unit_for_report(user, unit)
    else:
        scope.require(user, Action.VIEW, unit)
    language = language or translation.get_language() or "en"
    name_day = restate_on or date_to

    total = counting.count(unit, date_from, date_to, restate_on)
    if by == "children":
        children = counting.by_children(unit, date_from, date_to, restate_on)
        units = [unit] + [child for child, _counts in children]
        targets = _targets_by_unit([u.pk for u in units], date_from, date_to)
        names = timeline.names_on([u.pk for u in units], name_day)
        rows = [
            _row(
                unit.code,
                names.get(unit.pk, unit.name),
                _target(targets, unit, date_from, date_to),
                total,
            )
        ]
        for child, counts in children:
            rows.append(
                _row(
                    child.code,
                    names.get(child.pk, child.name),
                    _target(targets, child, date_from, date_to),
                    counts,
                )
            )
        return rows

    targets = _targets_by_unit([unit.pk], date_from, date_to)
    rows = [
        _row(
            unit.code,
            timeline.name_on(unit, name_day),
            _target(targets, unit, date_from, date_to),
            total,
        )
    ]
    model = Cluster if by == "cluster" else Sector
    groups = counting.by_grouping(unit, date_from, date_to, by, restate_on)
    present = {pk: counts for pk, counts in groups.items() if pk is not None and counts["admitted"]}
    groupings = list(model.objects.filter(pk__in=present))
    key = language_sort_key(language)
    groupings.sort(key=lambda g: (key(g.name), g.name))
    for grouping in groupings:
        rows.append(_row("", grouping.name, (None, None), present[grouping.pk]))
    return rows


def _target(targets, unit, date_from, date_to):
    return choose_target(targets.get(unit.pk, []), date_from, date_to)


@reads_from_replica
def unit_total(user, *, unit, date_from, date_to, restate_on=None):
    """The first row of `achievement` (the unit itself) without the rows below it."""
    scope.require(user, Action.VIEW, unit)
    total = counting.count(unit, date_from, date_to, restate_on)
    targets = _targets_by_unit([unit.pk], date_from, date_to)
    return _row(
        unit.code,
        timeline.name_on(unit, restate_on or date_to),
        _target(targets, unit, date_from, date_to),
        total,
    )


def behind_plan(row, date_from, date_to, today=None):
    """True when a row with a target has admitted less than the share of the period elapsed."""
    if not row["target_minimum"]:
        return False
    today = today or timezone.localdate()
    if today < date_from:
        return False
    elapsed = (min(today, date_to) - date_from).days + 1
    length = (date_to - date_from).days + 1
    return row["admitted"] * length < row["target_minimum"] * elapsed


# --- composition -------------------------------------------------------------------------

AGE_BANDS = (
    ("18-30", 18, 30),
    ("31-35", 31, 35),
    ("36-40", 36, 40),
    ("41-45", 41, 45),
    ("46-50", 46, 50),
    ("51-55", 51, 55),
    ("56-60", 56, 60),
    ("over 60", 61, 200),
)


def age_at_decision():
    """Whole years between the person's birth date and the decision date, in SQL."""
    before_birthday = Q(decision_date__month__lt=F("person__birth_date__month")) | Q(
        decision_date__month=F("person__birth_date__month"),
        decision_date__day__lt=F("person__birth_date__day"),
    )
    return ExpressionWrapper(
        ExtractYear("decision_date")
        - ExtractYear("person__birth_date")
        - Case(When(before_birthday, then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )


def _occupation_label(code):
    """The group's label; a value kept from before the groups existed, as it was written."""
    if code in Occupation.values:
        return Occupation(code).label
    return code or "—"


def _age_label(label):
    return gettext("over 60") if label == "over 60" else label


def age_band(age):
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return "under 18"


def year_earlier(day):
    """The same day a year before (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def change_percent(now, before):
    """100 × (now − before) ÷ before, one decimal rounded half up; None when before is 0."""
    if not before:
        return None
    return (Decimal(100 * (now - before)) / Decimal(before)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _main_counts(unit, date_from, date_to, restate_on=None):
    counts = counting.count(unit, date_from, date_to, restate_on)
    return {
        "admitted": counts["admitted"],
        "women": counts["female"],
        "university": counts["university"],
        "ethnic_minority": counts["ethnic_minority"],
        "religious": counts["religious"],
        "readmitted": counts["readmitted"],
    }


@reads_from_replica
def composition(user, *, unit, date_from, date_to, restate_on=None):
    """Who was admitted: women, education, ethnic minority, religion, occupation, ages,
    and the main counts beside the same period a year earlier with the change in per cent.

    Everything comes from the roll-ups (`counting.breakdown`: ages in whole years at the
    decision date), plus the admissions of the partial months at the period's ends.
    """
    scope.require(user, Action.VIEW, unit)
    totals = _main_counts(unit, date_from, date_to, restate_on)
    earlier_from, earlier_to = year_earlier(date_from), year_earlier(date_to)
    earlier = _main_counts(unit, earlier_from, earlier_to, restate_on)
    found = counting.breakdown(unit, date_from, date_to, restate_on)
    comparison = [
        (key, totals[key], earlier[key], change_percent(totals[key], earlier[key]))
        for key in ("admitted", "women", "university", "ethnic_minority", "religious", "readmitted")
    ]
    admitted = totals["admitted"]
    education = found["education"]
    education_rows = [
        (label, education.get(value, 0), percent(education.get(value, 0), admitted))
        for value, label in Education.choices
    ]
    if education.get(""):
        education_rows.append(("—", education[""], percent(education[""], admitted)))
    religions = sorted(found["religion"].items(), key=lambda pair: (-pair[1], pair[0]))
    occupations = sorted(found["occupation"].items(), key=lambda pair: (-pair[1], pair[0]))
    bands = {label: 0 for label, _low, _high in AGE_BANDS}
    under_18 = 0
    age_total = 0
    for age, n in found["age"].items():
        age_total += age * n
        band = age_band(age)
        if band == "under 18":
            under_18 += n
        else:
            bands[band] += n
    average_age = (
        (Decimal(age_total) / Decimal(admitted)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if admitted
        else None
    )
    return {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "admitted": admitted,
        "women": totals["women"],
        "women_pct": percent(totals["women"], admitted),
        "university": totals["university"],
        "university_pct": percent(totals["university"], admitted),
        "ethnic_minority": totals["ethnic_minority"],
        "ethnic_minority_pct": percent(totals["ethnic_minority"], admitted),
        "religious": totals["religious"],
        "religious_pct": percent(totals["religious"], admitted),
        "earlier_from": earlier_from,
        "earlier_to": earlier_to,
        "comparison": comparison,
        "readmitted": totals["readmitted"],
        "readmitted_pct": percent(totals["readmitted"], admitted),
        "education": education_rows,
        "religions": [(name, n, percent(n, admitted)) for name, n in religions],
        "occupations": [
            (_occupation_label(code), n, percent(n, admitted)) for code, n in occupations
        ],
        "age_bands": [
            (_age_label(label), bands[label], percent(bands[label], admitted)) for label in bands
        ],
        "under_18": under_18,
        "average_age": average_age,
    }


# --- funnel -------------------------------------------------------------------------------


def course_for_report(user, code):
    return scope.get_scoped(
        user, Course.objects.select_related("organizer"), unit_field="organizer", code=code
    )


@reads_from_replica
def course_funnel(user, *, course, until):
    """One row for a course: its enrolled people and how many of them were completed,
    admitted, confirmed and transferred out on or before `until`, plus one column per
    destination type seen among those transfers (in the order of the vocabulary).
    """
    if not hasattr(course, "pk"):
        course = course_for_report(user, course)
    else:
        scope.require(user, Action.VIEW, course.organizer)
    enrollments = Enrollment.objects.filter(course=course)
    people = enrollments.values("person_id")
    row = {
        "enrolled": enrollments.count(),
        "completed": enrollments.filter(result=Enrollment.Result.COMPLETED).count(),
        "admitted": Admission.objects.filter(person_id__in=people, decision_date__lte=until)
        .values("person_id")
        .distinct()
        .count(),
        "confirmed": Confirmation.objects.filter(
            admission__person_id__in=people,
            outcome=Confirmation.Outcome.CONFIRMED,
            decided_on__lte=until,
        )
        .values("admission__person_id")
        .distinct()
        .count(),
    }
    transfers = Transfer.objects.filter(person_id__in=people, issued_on__lte=until)
    row["transferred_out"] = transfers.values("person_id").distinct().count()
    by_type = dict(
        transfers.exclude(destination_type="")
        .values_list("destination_type")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    for value in Transfer.DestinationType.values:
        if value in by_type:
            row[value] = by_type[value]
    return row


# --- dashboard ----------------------------------------------------------------------------


@reads_from_replica
def admissions_per_month(user, *, unit, date_from, date_to, restate_on=None):
    """[(first day of month, admitted)] for every month touching [date_from, date_to]."""
    scope.require(user, Action.VIEW, unit)
    counts = counting.by_month(unit, date_from, date_to, restate_on)
    result = []
    month = month_of(date_from)
    while month <= date_to:
        result.append((month, (counts.get(month) or {"admitted": 0})["admitted"]))
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return result


@reads_from_replica
def pipeline_funnel(user, *, unit, date_from, date_to):
    """Sources nominated below the unit in the period, and how far they got since:
    [(stage, count, conversion % from the previous stage)].
    """
    scope.require(user, Action.VIEW, unit)
    sources = Source.objects.filter(
        under(unit.path, "unit__path"), nominated_on__gte=date_from, nominated_on__lte=date_to
    )
    people = sources.values("person_id")
    counts = [
        ("sources", sources.values("person_id").distinct().count()),
        (
            "course",
            Enrollment.objects.filter(person_id__in=people).values("person_id").distinct().count(),
        ),
        (
            "dossier",
            Dossier.objects.filter(person_id__in=people).values("person_id").distinct().count(),
        ),
        (
            "admitted",
            Admission.objects.filter(person_id__in=people).values("person_id").distinct().count(),
        ),
        (
            "confirmed",
            Confirmation.objects.filter(
                admission__person_id__in=people, outcome=Confirmation.Outcome.CONFIRMED
            )
            .values("admission__person_id")
            .distinct()
            .count(),
        ),
    ]
    stages = []
    previous = None
    for name, n in counts:
        stages.append((name, n, percent(n, previous) if previous is not None else None))
        previous = n
    return stages


@reads_from_replica
def findings_for(user, *, unit, limit=20):
    """Findings on the unit and the units below it, newest first."""
    scope.require(user, Action.VIEW, unit)
    return list(
        Finding.objects.filter(under(unit.path, "unit__path"))
        .select_related("unit", "by_unit")
        .order_by("-date", "id")[:limit]
    )


TERM_MIN_DAYS = 366


def term_target(unit, day):
    """The longest target of the unit whose period contains `day` and is longer than a
    year (its term plan), or None."""
    targets = [
        t
        for t in Target.objects.filter(unit=unit, period_start__lte=day, period_end__gte=day)
        if (t.period_end - t.period_start).days >= TERM_MIN_DAYS
    ]
    if not targets:
        return None
    return max(targets, key=lambda t: (t.period_end - t.period_start, t.period_start))

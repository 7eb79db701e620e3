"""Counting admissions below a unit over a date range, from the tally where it can.

A date range is split into whole calendar months, read from `AdmissionTally`, and the
partial months at its two ends, counted day by day from the admissions themselves. Both
parts join units by path prefix (`org.paths.under`), so a subtree costs one index range,
never a scan of the whole register.

The whole months of a total, a per-month series or a per-child split come from
`SubtreeTally` (what lies strictly below a unit) plus the unit's own `AdmissionTally`
rows: a few rows per month whatever the size of the subtree. Clusters and sectors are
properties of the admitting unit, so those groupings sum `AdmissionTally` over the
subtree's units.
"""

import datetime as dt

from django.db.models import Count, F, Sum
from django.db.models.functions import Substr, TruncMonth

from grassroots.org.paths import under

from .models import AdmissionTally, SubtreeTally
from .rollups import BREAKDOWNS, COUNTS, count_expressions, month_of


def _next_month(day):
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def split_range(date_from, date_to):
    """(first full month, last full month) or None, and the day ranges left at the ends."""
    first = date_from if date_from.day == 1 else _next_month(date_from)
    # The last full month is date_to's month when date_to is that month's last day.
    if _next_month(date_to) - dt.timedelta(days=1) == date_to:
        last = month_of(date_to)
    else:
        last = month_of(month_of(date_to) - dt.timedelta(days=1))
    if first > last:
        return None, [(date_from, date_to)]
    days = []
    if date_from < first:
        days.append((date_from, first - dt.timedelta(days=1)))
    end_of_last = _next_month(last) - dt.timedelta(days=1)
    if end_of_last < date_to:
        days.append((end_of_last + dt.timedelta(days=1), date_to))
    return (first, last), days


def _group_key(group, unit_path, field, tally):
    """An expression naming the row each admission or tally row belongs to."""
    if group == "month":
        return F("month") if tally else TruncMonth("decision_date")
    if group == "children":
        return Substr(f"{field}path", 1, len(unit_path) + 4)
    if group == "cluster":
        return F(f"{field}effective_cluster_id")
    if group == "sector":
        return F(f"{field}effective_sector_id")
    raise ValueError(group)


def _collect(queryset, group, unit_path, expressions, into, tally=False):
    if group is None:
        row = queryset.aggregate(**expressions)
        _add(into, None, row)
        return
    rows = (
        queryset.annotate(group_key=_group_key(group, unit_path, "unit__", tally))
        .values("group_key")
        .annotate(**expressions)
        .order_by()
    )
    for row in rows:
        key = row["group_key"]
        if isinstance(key, dt.datetime):
            key = key.date()
        _add(into, key, row)


def _add(into, key, row):
    counts = into.setdefault(key, dict.fromkeys(COUNTS, 0))
    for name in COUNTS:
        counts[name] += row[name] or 0


def count_admissions(
    unit_path, date_from, date_to, group=None, use_rollups=True, unit=None, children=None
):
    """{group key: {count: n}} for admissions decided in [date_from, date_to] below the unit.

    `group`: None (one total under key None), "children" (key: the child's path, or the
    unit's own path for admissions of the unit itself), "cluster" or "sector" (key: id),
    "month" (key: the first day of the month). `unit`: the Unit at `unit_path`, and `children`:
    its children, when the caller has them (saves queries).
    """
    from grassroots.pipeline.models import Admission

    result = {}
    if date_to < date_from:
        return result
    admissions = Admission.objects.filter(under(unit_path, "unit__path"))
    if not use_rollups:
        months, days = None, [(date_from, date_to)]
    else:
        months, days = split_range(date_from, date_to)
    if months and group in (None, "children", "month"):
        _collect_subtree(unit_path, months, group, result, unit, children)
    elif months:
        tallies = AdmissionTally.objects.filter(
            under(unit_path, "unit__path"), month__gte=months[0], month__lte=months[1]
        )
        _collect(
            tallies, group, unit_path, {name: Sum(name) for name in COUNTS}, result, tally=True
        )
    for start, end in days:
        _collect(
            admissions.filter(decision_date__gte=start, decision_date__lte=end),
            group,
            unit_path,
            count_expressions(),
            result,
        )
    return result


def _collect_subtree(unit_path, months, group, into, unit=None, children=None):
    """Whole months from the subtree tallies and the units' own tallies."""
    from grassroots.org.models import Unit

    if unit is None or unit.path != unit_path:
        unit = Unit.objects.get(path=unit_path)
    keys = {unit.pk: unit_path}  # for "children": unit id → result key
    if group == "children":
        if children is None:
            from .selectors import children_of

            children = children_of(unit)
        keys.update((child.pk, child.path) for child in children)
    unit = {"pk": unit.pk}
    ids = list(keys)
    in_months = {"month__gte": months[0], "month__lte": months[1]}
    by = ["unit_id", "month"] if group == "month" else ["unit_id"]

    def key(row):
        if group == "month":
            return _as_day(row["month"])
        if group == "children":
            return keys[row["unit_id"]]
        return None

    own = (
        AdmissionTally.objects.filter(unit_id__in=ids, **in_months)
        .values(*by)
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by()
    )
    for row in own:
        _add(into, key(row), row)
    below = (
        SubtreeTally.objects.filter(unit_id__in=ids, dimension="count", **in_months)
        .values(*by, "value")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for row in below:
        if row["unit_id"] == unit["pk"] and group == "children":
            # Below the unit itself: already counted in its children's rows.
            continue
        counts = into.setdefault(key(row), dict.fromkeys(COUNTS, 0))
        counts[row["value"]] += row["total"]


def _as_day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def breakdown(unit, date_from, date_to):
    """{dimension: {value: n}} for the admissions decided in [date_from, date_to] at or
    below `unit`, for the dimensions of `rollups.BREAKDOWNS` (ages as whole years, int)."""
    from grassroots.pipeline.models import Admission

    from .selectors import age_at_decision

    result = {dimension: {} for dimension in BREAKDOWNS}
    if date_to < date_from:
        return result

    def add(dimension, value, n):
        if dimension == "age":
            value = int(value)
        elif dimension == "religion" and not value:
            return
        result[dimension][value] = result[dimension].get(value, 0) + n

    months, days = split_range(date_from, date_to)
    ranges = list(days)
    if months:
        below = (
            SubtreeTally.objects.filter(
                unit=unit,
                dimension__in=BREAKDOWNS,
                month__gte=months[0],
                month__lte=months[1],
            )
            .values_list("dimension", "value")
            .annotate(total=Sum("n"))
            .order_by()
        )
        for dimension, value, n in below:
            add(dimension, value, n)
    own = Admission.objects.none()
    if months:
        own = Admission.objects.filter(
            unit=unit,
            decision_date__gte=months[0],
            decision_date__lt=_next_month(months[1]),
        )
    for start, end in ranges:
        own = own | Admission.objects.filter(
            under(unit.path, "unit__path"), decision_date__gte=start, decision_date__lte=end
        )
    fields = ["person__education", "person__religion", "person__occupation"]
    rows = own.annotate(age=age_at_decision()).values_list(*fields, "age").annotate(n=Count("id"))
    for education, religion, occupation, age, n in rows.order_by():
        add("education", education, n)
        add("religion", religion, n)
        add("occupation", occupation, n)
        add("age", age, n)
    return result

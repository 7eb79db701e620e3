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

The partial months are read by `EdgeCounts`: one query per day range fetches that range's
admissions below the unit with the person's counted attributes, and every count, grouping
and breakdown of the range is then summed in Python. Inside `shared_edges()` (the
dashboard wraps its whole page in it) the fetched ranges are kept, so the totals, the
per-child split, the month series and the composition of one page read each range once.
A partial month mostly inside the period is read as the whole month (roll-ups) less the
few days outside it (`plan_range`). `use_rollups=False` still counts the whole range in
SQL, the independent check the tests compare against.
"""

import contextvars
import datetime as dt
from contextlib import contextmanager

from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.functions import Substr, TruncMonth

from grassroots.paths import under
from grassroots.people.models import UNIVERSITY_OR_ABOVE, Gender

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


def plan_range(date_from, date_to):
    """(whole months or None, day ranges to add, day ranges to take away).

    As `split_range`, except that a partial month at either end whose days outside the
    period are fewer than those inside is read as the whole month (from the roll-ups)
    minus those outside days: 10–31 January is January less 1–9 January. Fewer admissions
    to read from the base tables, the same counts.
    """
    months, days = split_range(date_from, date_to)
    if months is None:
        return None, days, []
    first, last = months
    plus, minus = [], []
    for start, end in days:
        if end < first:  # the partial month before the whole ones
            month = month_of(start)
            if (start - month).days < (end - start).days + 1:
                first = month
                minus.append((month, start - dt.timedelta(days=1)))
                continue
        else:  # the partial month after them
            end_of_month = _next_month(start) - dt.timedelta(days=1)
            if (end_of_month - end).days < (end - start).days + 1:
                last = start
                minus.append((end + dt.timedelta(days=1), end_of_month))
                continue
        plus.append((start, end))
    return (first, last), plus, minus


# What an edge row holds, in this order: the admitting unit's id and path, then these.
EDGE_FIELDS = (
    "decision_date",
    "readmission",
    "person__gender",
    "person__education",
    "person__ethnic_minority",
    "person__religion",
    "person__occupation",
    "person__birth_date",
)
_UNIVERSITY = frozenset(UNIVERSITY_OR_ABOVE)


def age_at(day, birth_date):
    """Whole years between `birth_date` and `day` (as `selectors.age_at_decision`)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class EdgeCounts:
    """The admissions of day ranges below a unit, fetched once per (unit path, from, to).

    `rows(unit_path, start, end, paths)` is a list of (unit id, unit path or None,
    *`EDGE_FIELDS`). One query per range: the admissions on the decision date index, the
    person by primary key, and the unit path (only when asked for, or needed to tell the
    subtree of a root from other roots) by primary key too, as a correlated subquery, so
    PostgreSQL probes the unit table instead of hash-joining all of it. Below a root the
    subtree is kept in Python from those paths (or not filtered at all when the root is
    the only one); below any other unit the subtree's unit ids restrict the read.
    Clusters and sectors are read only when a grouping asks for them.
    """

    def __init__(self):
        self._ranges = {}
        self._groupings = {}
        self._only_root = {}

    def rows(self, unit_path, start, end, paths=False):
        key = (unit_path, start, end)
        found = self._ranges.get(key)
        if found is None or (paths and not found[0]):
            found = self._ranges[key] = self._fetch(unit_path, start, end, paths)
        return found[1]

    def _is_only_root(self, unit_path):
        from grassroots.org.models import Unit

        if unit_path not in self._only_root:
            others = Unit.objects.filter(depth=1).exclude(path=unit_path)
            self._only_root[unit_path] = not others.exists()
        return self._only_root[unit_path]

    def _fetch(self, unit_path, start, end, paths):
        from django.db.models import OuterRef, Subquery, Value

        from grassroots.org.models import Unit
        from grassroots.pipeline.models import Admission

        admissions = Admission.objects.filter(decision_date__gte=start, decision_date__lte=end)
        filter_here = False
        if len(unit_path) > Unit.steplen:
            admissions = admissions.filter(
                unit_id__in=Unit.objects.filter(under(unit_path)).values("pk")
            )
        elif paths or not self._is_only_root(unit_path):
            paths = filter_here = True
        if paths:
            path = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).order_by().values("path"))
        else:
            path = Value(None, output_field=Unit._meta.get_field("path"))
        rows = admissions.annotate(unit_path=path).values_list("unit_id", "unit_path", *EDGE_FIELDS)
        rows = rows.order_by()
        if filter_here:
            return paths, [row for row in rows if row[1].startswith(unit_path)]
        return paths, list(rows)

    def _grouping(self, rows, field):
        """{unit id: effective cluster or sector id} for the units of these rows."""
        from grassroots.org.models import Unit

        known = self._groupings.setdefault(field, {})
        missing = sorted({row[0] for row in rows} - known.keys())
        size = 900 if connection.vendor == "sqlite" else 20000
        for begin in range(0, len(missing), size):
            chunk = missing[begin : begin + size]
            known.update(Unit.objects.filter(pk__in=chunk).values_list("pk", field))
        return known

    def counts(self, unit_path, start, end, group, into, sign=1):
        """Add (`sign` 1) or take away (-1) the range's `COUNTS` in `into`, keyed as
        `count_admissions` keys them."""
        rows = self.rows(unit_path, start, end, paths=group == "children")
        width = len(unit_path) + 4
        if group in ("cluster", "sector"):
            grouping = self._grouping(rows, f"effective_{group}_id")
        elif group not in (None, "month", "children"):
            raise ValueError(group)
        for unit_id, path, day, readmission, gender, education, minority, religion, *_ in rows:
            if group is None:
                key = None
            elif group == "month":
                key = dt.date(day.year, day.month, 1)
            elif group == "children":
                key = path[:width]
            else:
                key = grouping[unit_id]
            counts = into.get(key)
            if counts is None:
                counts = into[key] = dict.fromkeys(COUNTS, 0)
            counts["admitted"] += sign
            counts["female"] += sign * (gender == Gender.FEMALE)
            counts["university"] += sign * (education in _UNIVERSITY)
            counts["ethnic_minority"] += sign * bool(minority)
            counts["religious"] += sign * (religion != "")
            counts["readmitted"] += sign * bool(readmission)

    def breakdown(self, unit_path, start, end, add, sign=1):
        """Call `add(dimension, value, sign × n)` for the range's `BREAKDOWNS`."""
        found = {}
        for _unit, _path, day, _re, _g, education, _m, religion, occupation, birth in self.rows(
            unit_path, start, end
        ):
            key = (education, religion, occupation, age_at(day, birth))
            found[key] = found.get(key, 0) + 1
        for (education, religion, occupation, age), n in found.items():
            add("education", education, sign * n)
            add("religion", religion, sign * n)
            add("occupation", occupation, sign * n)
            add("age", age, sign * n)


_SHARED = contextvars.ContextVar("reports_shared_edges", default=None)


@contextmanager
def shared_edges():
    """Keep the day ranges read inside this block for the other counts in it."""
    if _SHARED.get() is not None:
        yield _SHARED.get()
        return
    edges = EdgeCounts()
    token = _SHARED.set(edges)
    try:
        yield edges
    finally:
        _SHARED.reset(token)


def _edges():
    return _SHARED.get() or EdgeCounts()


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
        months, days, minus = None, [(date_from, date_to)], []
    else:
        months, days, minus = plan_range(date_from, date_to)
    if months and group in (None, "children", "month"):
        _collect_subtree(unit_path, months, group, result, unit, children)
    elif months:
        tallies = AdmissionTally.objects.filter(
            under(unit_path, "unit__path"), month__gte=months[0], month__lte=months[1]
        )
        _collect(
            tallies, group, unit_path, {name: Sum(name) for name in COUNTS}, result, tally=True
        )
    if not use_rollups:
        for start, end in days:
            _collect(
                admissions.filter(decision_date__gte=start, decision_date__lte=end),
                group,
                unit_path,
                count_expressions(),
                result,
            )
        return result
    edges = _edges()
    for start, end in days:
        edges.counts(unit_path, start, end, group, result)
    for start, end in minus:
        edges.counts(unit_path, start, end, group, result, sign=-1)
    if minus:  # a group left with nothing was not in the period: as a count would leave it
        for key in [key for key, counts in result.items() if not any(counts.values())]:
            del result[key]
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

    months, ranges, minus = plan_range(date_from, date_to)
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
    if months:
        own = Admission.objects.filter(
            unit=unit,
            decision_date__gte=months[0],
            decision_date__lt=_next_month(months[1]),
        )
        fields = ["person__education", "person__religion", "person__occupation"]
        rows = (
            own.annotate(age=age_at_decision()).values_list(*fields, "age").annotate(n=Count("id"))
        )
        for education, religion, occupation, age, n in rows.order_by():
            add("education", education, n)
            add("religion", religion, n)
            add("occupation", occupation, n)
            add("age", age, n)
    edges = _edges()
    for start, end in ranges:
        edges.breakdown(unit.path, start, end, add)
    for start, end in minus:
        edges.breakdown(unit.path, start, end, add, sign=-1)
    if minus:
        for values in result.values():
            for value in [value for value, n in values.items() if not n]:
                del values[value]
    return result

"""Counting admissions for reports, as it was or restated on the structure of a day.

**As it was** (the default): an admission counts for its admitting unit and for every unit
that stood above that unit on the decision date. Whole months come from the roll-ups
(`AdmissionTally` for a unit's own admissions, `SubtreeTally` for everything below it as it
stood); the days of partial months at the period's ends from the admissions themselves,
joined to `UnitAncestry` on their decision dates. No restructuring changes any figure for a
period that ends before its date, and a unit's total is unchanged by events below it.

**Restated on D**: each admission counts as if its admitting unit had then stood where its
successor stands on D (`Restatement`): an absorbed unit's admissions count for the unit
that absorbed it, a split unit's for the successor the admitted person went to, a moved
unit's under its new parent; a closed unit stays where it last stood. Own-unit roll-ups
(`AdmissionTally`) give whole months per unit; partial months and split units with people
going different ways come from the admissions.

Every function returns counts as dicts keyed by `rollups.COUNTS`.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef, Q, Sum

from grassroots.org import timeline
from grassroots.org.models import SplitShare, Unit, UnitAncestry, UnitEvent, UnitEventPart
from grassroots.pipeline.models import Admission

from .models import AdmissionTally, SubtreeTally
from .rollups import BREAKDOWNS, COUNTS, Fact, Placement, facts, month_of, next_month

ONE_DAY = dt.timedelta(days=1)
CHUNK = 900


def empty():
    return dict.fromkeys(COUNTS, 0)


def add_counts(into, counts, sign=1):
    for name in COUNTS:
        into[name] += sign * (counts.get(name) or 0)
    return into


def add_fact(into, fact):
    for name, n in fact.flags().items():
        into[name] += n
    return into


def split_range(start, end):
    """((first month, last month) or None, [(start, end)] day ranges outside whole months)."""
    first = month_of(start) if start.day == 1 else next_month(month_of(start))
    last_month = month_of(end)
    last = last_month if next_month(last_month) - ONE_DAY == end else month_of(last_month - ONE_DAY)
    if first > last:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - ONE_DAY))
    if next_month(last) - ONE_DAY < end:
        edges.append((next_month(last), end))
    return (first, last), edges


# --- as it was --------------------------------------------------------------------------------


def _below_then(unit):
    """Exists(): the admission's unit stood at or below `unit` on the decision date."""
    return Exists(
        UnitAncestry.objects.filter(
            unit_id=OuterRef("unit_id"),
            ancestor=unit,
            valid_from__lte=OuterRef("decision_date"),
            valid_to__gte=OuterRef("decision_date"),
        )
    )


def edge_facts(unit, start, end):
    """Facts of the admissions decided in [start, end] at or below `unit` as it was."""
    return facts(
        Admission.objects.filter(decision_date__gte=start, decision_date__lte=end).filter(
            _below_then(unit)
        )
    )


def counted_admissions(unit, start, end, restate_on=None):
    """The admissions decided in [start, end] that count for `unit` (a queryset): as it
    was, those whose admitting unit stood at or below it on the decision date; restated
    on a day, those whose admitting unit's successor stands at or below it that day. The
    same admissions as `count` counts, for reports that read more of each (the statistical
    form)."""
    admissions = Admission.objects.filter(decision_date__gte=start, decision_date__lte=end)
    if restate_on is None:
        return admissions.filter(_below_then(unit))
    units, partial = Restatement(restate_on).members(unit)
    for unit_id, people, include in partial:
        if include:
            units |= Q(unit_id=unit_id, person_id__in=people)
        else:
            units |= Q(unit_id=unit_id) & ~Q(person_id__in=people)
    return admissions.filter(units)


def count(unit, start, end, restate_on=None):
    """Counts for `unit` over [start, end]."""
    if restate_on is not None:
        return Restatement(restate_on).count(unit, start, end)
    total = empty()
    if end < start:
        return total
    months, edges = split_range(start, end)
    if months:
        own = AdmissionTally.objects.filter(
            unit=unit, month__gte=months[0], month__lte=months[1]
        ).aggregate(**{name: Sum(name) for name in COUNTS})
        add_counts(total, own)
        below = (
            SubtreeTally.objects.filter(
                unit=unit, dimension="count", month__gte=months[0], month__lte=months[1]
            )
            .values_list("value")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for name, n in below:
            total[name] += n
    for first, last in edges:
        for fact in edge_facts(unit, first, last):
            add_fact(total, fact)
    return total


def by_children(unit, start, end, restate_on=None):
    """[(child, counts)]: as it was, every unit that stood directly below `unit` on some day
    of the period, with the admissions made while it stood there; restated, the children
    valid on the day of the restatement. In code order."""
    if restate_on is not None:
        restatement = Restatement(restate_on)
        return [
            (child, restatement.count(child, start, end))
            for child in timeline.children_on(unit, restate_on)
        ]
    rows = {}
    whole = []  # children that stood below the unit over the whole period: counted together
    for child, first, last in timeline.children_during(unit, start, end):
        if (first, last) == (start, end):
            whole.append(child)
            continue
        counts = count(child, first, last)
        if child.pk in rows:
            add_counts(rows[child.pk][1], counts)
        else:
            rows[child.pk] = (child, counts)
    for child, counts in _count_many(unit, whole, start, end).items():
        if child.pk in rows:
            add_counts(rows[child.pk][1], counts)
        else:
            rows[child.pk] = (child, counts)
    return sorted(rows.values(), key=lambda row: row[0].code)


def _count_many(parent, children, start, end):
    """{child: counts} for children that stood below `parent` over all of [start, end], in
    a fixed number of queries however many they are."""
    result = {child: empty() for child in children}
    if not children or end < start:
        return result
    by_id = {child.pk: child for child in children}
    ids = sorted(by_id)
    months, edges = split_range(start, end)
    if months:
        in_months = {"month__gte": months[0], "month__lte": months[1]}
        own = (
            AdmissionTally.objects.filter(unit_id__in=ids, **in_months)
            .values("unit_id")
            .annotate(**{name: Sum(name) for name in COUNTS})
            .order_by()
        )
        for row in own:
            add_counts(result[by_id[row["unit_id"]]], row)
        below = (
            SubtreeTally.objects.filter(unit_id__in=ids, dimension="count", **in_months)
            .values_list("unit_id", "value")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for unit_id, name, n in below:
            result[by_id[unit_id]][name] += n
    found = []
    for first, last in edges:
        found += edge_facts(parent, first, last)
    placement = Placement(found)
    for fact in found:
        for ancestor, _distance in placement.above(fact.unit_id, fact.day):
            if ancestor in by_id:
                add_fact(result[by_id[ancestor]], fact)
                break
    return result


def by_month(unit, start, end, restate_on=None):
    """{first day of month: counts} for the months touching [start, end]."""
    if restate_on is not None:
        return Restatement(restate_on).by_month(unit, start, end)
    result = defaultdict(empty)
    months, edges = split_range(start, end)
    if months:
        own = (
            AdmissionTally.objects.filter(unit=unit, month__gte=months[0], month__lte=months[1])
            .values("month")
            .annotate(**{name: Sum(name) for name in COUNTS})
            .order_by()
        )
        for row in own:
            add_counts(result[_day(row["month"])], row)
        below = (
            SubtreeTally.objects.filter(
                unit=unit, dimension="count", month__gte=months[0], month__lte=months[1]
            )
            .values_list("month", "value")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for month, name, n in below:
            result[_day(month)][name] += n
    for first, last in edges:
        for fact in edge_facts(unit, first, last):
            add_fact(result[month_of(fact.day)], fact)
    return dict(result)


def by_grouping(unit, start, end, grouping, restate_on=None):
    """{cluster or sector id (None: none): counts} of the admissions at or below `unit`,
    by the cluster or sector in force at the admitting unit on the decision date (as it
    was) or at its successor on the day of the restatement."""
    if grouping not in ("cluster", "sector"):
        raise ValueError(grouping)
    if restate_on is not None:
        return Restatement(restate_on).by_grouping(unit, start, end, grouping)
    result = defaultdict(empty)
    months, edges = split_range(start, end)
    index = 0 if grouping == "cluster" else 1
    found = []
    if months:
        below = (
            SubtreeTally.objects.filter(
                unit=unit,
                dimension__startswith=f"{grouping}.",
                month__gte=months[0],
                month__lte=months[1],
            )
            .values_list("dimension", "value")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for dimension, value, n in below:
            key = int(value) if value else None
            result[key][dimension.split(".", 1)[1]] += n
        found += facts(
            Admission.objects.filter(
                unit=unit,
                decision_date__gte=months[0],
                decision_date__lt=next_month(months[1]),
            )
        )
    for first, last in edges:
        found += edge_facts(unit, first, last)
    placement = Placement(found)
    for fact in found:
        key = placement.groupings(fact.unit_id, fact.day)[index]
        add_fact(result[key], fact)
    return dict(result)


def breakdown(unit, start, end, restate_on=None):
    """{dimension: {value: n}} for BREAKDOWNS (education, religion, occupation, age in
    whole years at the decision date) of the admissions at or below `unit`."""
    result = {dimension: Counter() for dimension in BREAKDOWNS}
    if restate_on is not None:
        for fact in Restatement(restate_on).facts(unit, start, end):
            _add_breakdown(result, fact)
        return _plain(result)
    months, edges = split_range(start, end)
    found = []
    if months:
        below = (
            SubtreeTally.objects.filter(
                unit=unit, dimension__in=BREAKDOWNS, month__gte=months[0], month__lte=months[1]
            )
            .values_list("dimension", "value")
            .annotate(n=Sum("n"))
            .order_by()
        )
        for dimension, value, n in below:
            result[dimension][int(value) if dimension == "age" else value] += n
        found += facts(
            Admission.objects.filter(
                unit=unit, decision_date__gte=months[0], decision_date__lt=next_month(months[1])
            )
        )
    for first, last in edges:
        found += edge_facts(unit, first, last)
    for fact in found:
        _add_breakdown(result, fact)
    return _plain(result)


def _add_breakdown(result, fact):
    for dimension, value in fact.breakdown():
        result[dimension][int(value) if dimension == "age" else value] += 1


def _plain(result):
    return {
        dimension: {value: n for value, n in values.items() if n}
        for dimension, values in result.items()
    }


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


# --- restated ----------------------------------------------------------------------------------


class Restatement:
    """Where each unit's admissions count on the structure of `day`.

    A unit valid on `day` is its own home. A unit that ended by then has the home of its
    successor (merge), of the successor each admitted person went to (split: the split's
    assignments, else its first new unit), or of the unit it last stood under (close). A
    unit that did not exist yet on `day` has no place in that structure: its admissions are
    left out.
    """

    def __init__(self, day):
        self.day = day
        self._fates = {}
        parts = (
            UnitEventPart.objects.filter(event__effective_date__lte=day)
            .select_related("event")
            .order_by("event__effective_date", "event_id", "position")
        )
        events = defaultdict(lambda: {"kind": None, "from": [], "to": []})
        for part in parts:
            entry = events[part.event_id]
            entry["kind"] = part.event.kind
            if part.role == UnitEventPart.Role.PREDECESSOR:
                entry["from"].append(part.unit_id)
            elif part.role == UnitEventPart.Role.SUCCESSOR:
                entry["to"].append(part.unit_id)
        shares = defaultdict(dict)
        for event_id, person_id, unit_id in SplitShare.objects.filter(
            event__effective_date__lte=day
        ).values_list("event_id", "person_id", "unit_id"):
            shares[event_id][person_id] = unit_id
        for event_id, entry in events.items():
            if entry["kind"] == UnitEvent.Kind.MERGE:
                for unit_id in entry["from"]:
                    self._fates[unit_id] = ("merge", entry["to"][0], {})
            elif entry["kind"] == UnitEvent.Kind.SPLIT:
                for unit_id in entry["from"]:
                    self._fates[unit_id] = ("split", entry["to"][0], shares.get(event_id, {}))
        self._ended = dict(Unit.objects.filter(valid_to__lt=day).values_list("pk", "valid_to"))
        self._not_yet = set(Unit.objects.filter(valid_from__gt=day).values_list("pk", flat=True))
        self._homes = {}

    def home(self, unit_id):
        """(default home, {person id: home}) of a unit's admissions on the day."""
        if unit_id in self._homes:
            return self._homes[unit_id]
        self._homes[unit_id] = (None, {})  # guards against a cycle while resolving
        if unit_id not in self._ended:
            result = (None if unit_id in self._not_yet else unit_id, {})
        else:
            fate = self._fates.get(unit_id)
            if fate is None:  # closed: where it last stood
                parent = timeline.parent_on(unit_id, self._ended[unit_id])
                result = self.home(parent.pk) if parent else (None, {})
            else:
                _kind, first, shares = fate
                default, exceptions = self.home(first)
                exceptions = dict(exceptions)
                for person_id, target in shares.items():
                    target_default, target_exceptions = self.home(target)
                    exceptions[person_id] = target_exceptions.get(person_id, target_default)
                result = (default, exceptions)
        self._homes[unit_id] = result
        return result

    def members(self, unit):
        """What counts for `unit` on the day: (Q on an admission's unit for the units whose
        admissions all count, [(unit id, person ids, include)] for units whose admissions
        count only for some people (include) or all but some (not include))."""
        below = timeline.below_on(unit, self.day)
        ended = sorted(self._ended)
        homes = {unit_id: self.home(unit_id) for unit_id in ended}
        candidates = {h for default, exc in homes.values() for h in (default, *exc.values()) if h}
        inside = (
            set(
                UnitAncestry.objects.filter(
                    timeline.on(self.day), ancestor=unit, unit_id__in=sorted(candidates)
                ).values_list("unit_id", flat=True)
            )
            if candidates
            else set()
        )
        whole, partial = [], []
        for unit_id, (default, exceptions) in homes.items():
            default_in = default in inside
            differing = [p for p, h in exceptions.items() if (h in inside) != default_in]
            if not differing:
                if default_in:
                    whole.append(unit_id)
            else:
                partial.append((unit_id, differing, not default_in))
        return Q(unit_id__in=below) | Q(unit_id__in=whole), partial

    def _partial(self, partial, start, end):
        """[(fact, home)] of the admissions of units whose people went different ways."""
        found = []
        for unit_id, people, include in partial:
            default, exceptions = self.home(unit_id)
            admissions = Admission.objects.filter(
                unit_id=unit_id, decision_date__gte=start, decision_date__lte=end
            )
            if include:
                for person_id in people:
                    for fact in facts(admissions.filter(person_id=person_id)):
                        found.append((fact, exceptions[person_id]))
            else:
                found += [
                    (fact, default) for fact in facts(admissions.exclude(person_id__in=people))
                ]
        return found

    def _partial_facts(self, partial, start, end):
        return [fact for fact, _home in self._partial(partial, start, end)]

    def facts(self, unit, start, end):
        """Every admission fact of [start, end] that counts for `unit` (read from the
        admissions: for breakdowns)."""
        units, partial = self.members(unit)
        found = facts(
            Admission.objects.filter(units, decision_date__gte=start, decision_date__lte=end)
        )
        return found + self._partial_facts(partial, start, end)

    def count(self, unit, start, end):
        total = empty()
        if end < start:
            return total
        units, partial = self.members(unit)
        months, edges = split_range(start, end)
        if months:
            add_counts(
                total,
                AdmissionTally.objects.filter(
                    units, month__gte=months[0], month__lte=months[1]
                ).aggregate(**{name: Sum(name) for name in COUNTS}),
            )
        for first, last in edges:
            for fact in facts(
                Admission.objects.filter(units, decision_date__gte=first, decision_date__lte=last)
            ):
                add_fact(total, fact)
        for fact in self._partial_facts(partial, start, end):
            add_fact(total, fact)
        return total

    def by_month(self, unit, start, end):
        result = defaultdict(empty)
        units, partial = self.members(unit)
        months, edges = split_range(start, end)
        if months:
            rows = (
                AdmissionTally.objects.filter(units, month__gte=months[0], month__lte=months[1])
                .values("month")
                .annotate(**{name: Sum(name) for name in COUNTS})
                .order_by()
            )
            for row in rows:
                add_counts(result[_day(row["month"])], row)
        found = self._partial_facts(partial, start, end)
        for first, last in edges:
            found += facts(
                Admission.objects.filter(units, decision_date__gte=first, decision_date__lte=last)
            )
        for fact in found:
            add_fact(result[month_of(fact.day)], fact)
        return dict(result)

    def by_grouping(self, unit, start, end, grouping):
        """By the cluster or sector in force on the day at each admission's home."""
        index = 0 if grouping == "cluster" else 1
        result = defaultdict(empty)
        units, partial = self.members(unit)
        months, edges = split_range(start, end)
        per_unit = {}
        if months:
            rows = (
                AdmissionTally.objects.filter(units, month__gte=months[0], month__lte=months[1])
                .values("unit_id")
                .annotate(**{name: Sum(name) for name in COUNTS})
                .order_by()
            )
            per_unit = {row["unit_id"]: row for row in rows}
        found = self._partial(partial, start, end)
        for first, last in edges:
            found += [
                (fact, self.home(fact.unit_id)[0])
                for fact in facts(
                    Admission.objects.filter(
                        units, decision_date__gte=first, decision_date__lte=last
                    )
                )
            ]
        home_ids = {self.home(unit_id)[0] for unit_id in per_unit} | {home for _f, home in found}
        home_ids.discard(None)
        placement = Placement([_probe(h, self.day) for h in home_ids])
        grouping_of = {h: placement.groupings(h, self.day)[index] for h in home_ids}
        for unit_id, row in per_unit.items():
            add_counts(result[grouping_of.get(self.home(unit_id)[0])], row)
        for fact, home in found:
            add_fact(result[grouping_of.get(home)], fact)
        return dict(result)


def _probe(unit_id, day):
    """A stand-in fact placing one unit on one day (for `Placement`)."""
    return Fact(unit_id, day, False, "", "", "", False, "", day)

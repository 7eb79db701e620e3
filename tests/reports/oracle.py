"""An independent, slow count of what the reports must say, straight from the facts.

It reads only admissions, people, `UnitVersion` (where each unit stood when), the events'
parts and the split assignments, and walks them in Python: no roll-up, no `UnitAncestry`,
none of the product's counting code. The reports' fast paths are compared with it.
"""

import datetime as dt
from collections import defaultdict

from grassroots.org.models import SplitShare, Unit, UnitEventPart, UnitVersion
from grassroots.people.models import UNIVERSITY_OR_ABOVE
from grassroots.pipeline.models import Admission

COUNTS = ("admitted", "female", "university", "ethnic_minority", "religious", "readmitted")


class Oracle:
    def __init__(self):
        self.versions = defaultdict(list)
        for v in UnitVersion.objects.all():
            self.versions[v.unit_id].append((v.valid_from, v.valid_to, v.parent_id))
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.admissions = list(Admission.objects.select_related("person"))
        self.fates = {}
        events = defaultdict(lambda: {"kind": None, "day": None, "from": [], "to": []})
        for part in UnitEventPart.objects.select_related("event").order_by("position"):
            entry = events[part.event_id]
            entry["kind"], entry["day"] = part.event.kind, part.event.effective_date
            if part.role == "predecessor":
                entry["from"].append(part.unit_id)
            elif part.role == "successor":
                entry["to"].append(part.unit_id)
        shares = defaultdict(dict)
        for share in SplitShare.objects.all():
            shares[share.event_id][share.person_id] = share.unit_id
        for event_id, entry in events.items():
            for unit_id in entry["from"]:
                self.fates[unit_id] = (entry["kind"], entry["day"], entry["to"], shares[event_id])

    def parent_on(self, unit_id, day):
        for first, last, parent in self.versions.get(unit_id, ()):
            if first <= day <= last:
                return parent, True
        return None, False

    def at_or_above(self, unit_id, day):
        """The units at or above `unit_id` on `day` (empty if it did not exist then)."""
        chain = []
        current = unit_id
        while current is not None:
            parent, existed = self.parent_on(current, day)
            if not existed:
                return []
            chain.append(current)
            current = parent
        return chain

    def _counts(self, admissions):
        counts = dict.fromkeys(COUNTS, 0)
        for a in admissions:
            counts["admitted"] += 1
            counts["female"] += a.person.gender == "female"
            counts["university"] += a.education in UNIVERSITY_OR_ABOVE
            counts["ethnic_minority"] += bool(a.person.ethnic_minority)
            counts["religious"] += bool(a.person.religion)
            counts["readmitted"] += bool(a.readmission)
        return counts

    def in_period(self, start, end):
        return [a for a in self.admissions if start <= a.decision_date <= end]

    def as_it_was(self, unit, start, end):
        return self._counts(
            a
            for a in self.in_period(start, end)
            if unit.pk in self.at_or_above(a.unit_id, a.decision_date)
        )

    def by_grouping(self, unit, start, end, grouping):
        """{cluster or sector name: counts} as it was, for groupings with an admission."""
        found = defaultdict(list)
        for a in self.in_period(start, end):
            chain = self.at_or_above(a.unit_id, a.decision_date)
            if unit.pk not in chain:
                continue
            in_force = next(
                (
                    getattr(self.units[u], f"{grouping}_id")
                    for u in chain
                    if getattr(self.units[u], f"{grouping}_id")
                ),
                None,
            )
            if in_force is not None:
                found[in_force].append(a)
        model = Unit._meta.get_field(grouping).related_model
        names = dict(model.objects.values_list("pk", "name"))
        return {names[pk]: self._counts(admissions) for pk, admissions in found.items()}

    def home(self, unit_id, person_id, day):
        """Where the admissions of `unit_id` (of this person) count on `day`'s structure."""
        unit = self.units[unit_id]
        if unit.valid_from > day:
            return None
        if unit.valid_to is None or unit.valid_to >= day:
            return unit_id
        fate = self.fates.get(unit_id)
        if fate is None or fate[1] > day:  # closed: where it last stood
            parent, _existed = self.parent_on(unit_id, unit.valid_to)
            return self.home(parent, person_id, day) if parent else None
        kind, _effective, successors, shares = fate
        if kind == "merge":
            return self.home(successors[0], person_id, day)
        return self.home(shares.get(person_id, successors[0]), person_id, day)

    def restated(self, unit, start, end, day):
        found = []
        for a in self.in_period(start, end):
            home = self.home(a.unit_id, a.person_id, day)
            if home is not None and unit.pk in self.at_or_above(home, day):
                found.append(a)
        return self._counts(found)

    def count(self, unit, start, end, restate_on=None):
        if restate_on is None:
            return self.as_it_was(unit, start, end)
        return self.restated(unit, start, end, restate_on)

    def children_rows(self, unit, start, end, restate_on=None):
        """{child code: counts} as the achievement report's rows below the unit."""
        rows = {}
        if restate_on is not None:
            for child_id, (first, last, parent) in self._versions_flat():
                if parent == unit.pk and first <= restate_on <= last:
                    child = self.units[child_id]
                    rows[child.code] = self.restated(child, start, end, restate_on)
            return rows
        stays = defaultdict(list)
        for child_id, (first, last, parent) in self._versions_flat():
            if parent == unit.pk and first <= end and last >= start:
                stays[child_id].append((max(first, start), min(last, end)))
        for child_id, periods in stays.items():
            counts = dict.fromkeys(COUNTS, 0)
            for first, last in periods:
                for name, n in self.as_it_was(self.units[child_id], first, last).items():
                    counts[name] += n
            rows[self.units[child_id].code] = counts
        return rows

    def _versions_flat(self):
        for unit_id, versions in self.versions.items():
            for version in versions:
                yield unit_id, version


def counts_of(row):
    """The counts of an achievement report row."""
    return {name: row[name] for name in COUNTS}


def day(text):
    return dt.date.fromisoformat(text)

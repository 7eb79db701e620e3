"""Keeping the report roll-ups (`AdmissionTally`, `SubtreeTally`) equal to a fresh count.

The roll-ups subscribe to the facts the services announce (`grassroots.announcements`,
wired in `reports/apps.py`) and change in the announcing transaction:

- an admission recorded or withdrawn: its own unit's month, and every unit that stood
  above that unit on the decision date ("as it was");
- a person's counted attributes changed (gender, ethnic minority, religion, birth date):
  each of their admissions moves from the old values to the new;
- units changing place (an event from a date, or a correction at all times): the
  admissions of those units from that date are taken off the units above them before the
  change and put on the units above them after it. Months before a dated event are not
  touched.

Bulk writers (the importer, the demo, the generator) call `refresh(unit_days)` or
`refresh_for_people(...)` for what they wrote, or `rebuild()`; `check()` compares the
stored roll-ups with a fresh count (`grassroots rebuild_rollups --check`).
"""

import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q

from grassroots.org.models import Unit, UnitAncestry
from grassroots.people.models import UNIVERSITY_OR_ABOVE, Gender, Person
from grassroots.pipeline.models import Admission

from .models import AdmissionTally, SubtreeTally

COUNTS = ("admitted", "female", "university", "ethnic_minority", "religious", "readmitted")
BREAKDOWNS = ("education", "religion", "occupation", "age")
GROUPINGS = ("cluster", "sector")
# Person attributes the roll-ups count (education and occupation are kept on the admission).
PERSON_FIELDS = ("gender", "ethnic_minority", "religion", "birth_date")
CHUNK = 900
# Above this many people changed at once, a bulk writer's changes are cheaper to rebuild.
REBUILD_ABOVE = 20_000


def month_of(day):
    return dt.date(day.year, day.month, 1)


def next_month(month):
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def age_on(birth_date, day):
    """Whole years from `birth_date` to `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Fact(NamedTuple):
    """What the roll-ups count of one admission."""

    unit_id: int
    day: dt.date
    readmission: bool
    education: str
    occupation: str
    gender: str
    ethnic_minority: bool
    religion: str
    birth_date: dt.date

    def flags(self):
        return {
            "admitted": 1,
            "female": int(self.gender == Gender.FEMALE),
            "university": int(self.education in UNIVERSITY_OR_ABOVE),
            "ethnic_minority": int(bool(self.ethnic_minority)),
            "religious": int(bool((self.religion or "").strip())),
            "readmitted": int(bool(self.readmission)),
        }

    def breakdown(self):
        """[(dimension, value)] of BREAKDOWNS."""
        found = [
            ("education", self.education or ""),
            ("occupation", self.occupation or ""),
            ("age", str(age_on(self.birth_date, self.day))),
        ]
        if (self.religion or "").strip():
            found.append(("religion", self.religion))
        return found


FACT_FIELDS = (
    "unit_id",
    "decision_date",
    "readmission",
    "education",
    "occupation",
    "person__gender",
    "person__ethnic_minority",
    "person__religion",
    "person__birth_date",
)


def facts(admissions, person=None):
    """[Fact] of these admissions (a queryset); `person` overrides the person's counted
    attributes (a dict or object with PERSON_FIELDS), e.g. with their values before a
    change."""
    found = []
    for row in admissions.order_by().values_list(*FACT_FIELDS):
        fact = Fact(*row)
        if person is not None:
            fact = fact._replace(**{name: _value(person, name) for name in PERSON_FIELDS})
        found.append(fact)
    return found


def _value(source, name):
    return source.get(name) if isinstance(source, dict) else getattr(source, name)


# --- where a fact counts ---------------------------------------------------------------------


class Placement:
    """Which units stood above the admitting units on the facts' days, and which cluster and
    sector were in force there: read once for a batch of facts."""

    def __init__(self, facts):
        unit_ids = sorted({fact.unit_id for fact in facts})
        self.rows = defaultdict(list)  # unit id → [(ancestor, distance, from, to)]
        for start in range(0, len(unit_ids), CHUNK):
            for unit_id, ancestor, distance, first, last in UnitAncestry.objects.filter(
                unit_id__in=unit_ids[start : start + CHUNK]
            ).values_list("unit_id", "ancestor_id", "distance", "valid_from", "valid_to"):
                self.rows[unit_id].append((ancestor, distance, first, last))
        ancestors = sorted({row[0] for rows in self.rows.values() for row in rows})
        self.own = {}
        for start in range(0, len(ancestors), CHUNK):
            self.own.update(
                (pk, (cluster, sector))
                for pk, cluster, sector in Unit.objects.filter(
                    pk__in=ancestors[start : start + CHUNK]
                ).values_list("pk", "cluster_id", "sector_id")
            )

    def above(self, unit_id, day):
        """[(ancestor, distance)] of the units at or above `unit_id` on `day`, nearest first."""
        return sorted(
            ((a, d) for a, d, first, last in self.rows.get(unit_id, ()) if first <= day <= last),
            key=lambda pair: pair[1],
        )

    def groupings(self, unit_id, day):
        """(cluster id, sector id) in force at the unit on `day`: set on it, or on the
        nearest unit above it then that has one."""
        cluster = sector = None
        for ancestor, _distance in self.above(unit_id, day):
            own_cluster, own_sector = self.own.get(ancestor, (None, None))
            cluster = cluster or own_cluster
            sector = sector or own_sector
            if cluster and sector:
                break
        return cluster, sector


def contributions(facts, placement=None):
    """(own, below): Counters of what these facts add to `AdmissionTally` — keyed
    (unit id, month, count) — and to `SubtreeTally` — keyed (unit id, month, dimension,
    value)."""
    placement = placement or Placement(facts)
    own, below = Counter(), Counter()
    for fact in facts:
        month = month_of(fact.day)
        flags = fact.flags()
        for name, n in flags.items():
            if n:
                own[(fact.unit_id, month, name)] += n
        above = [a for a, distance in placement.above(fact.unit_id, fact.day) if distance > 0]
        if not above:
            continue
        cluster, sector = placement.groupings(fact.unit_id, fact.day)
        keys = [("count", name) for name, n in flags.items() if n]
        keys += fact.breakdown()
        keys += [(f"cluster.{name}", str(cluster or "")) for name, n in flags.items() if n]
        keys += [(f"sector.{name}", str(sector or "")) for name, n in flags.items() if n]
        for ancestor in above:
            for dimension, value in keys:
                below[(ancestor, month, dimension, value)] += 1
    return own, below


# --- writing deltas ------------------------------------------------------------------------------


def apply(facts, sign):
    """Add (`sign` 1) or take away (-1) these facts' contributions, in the caller's
    transaction."""
    own, below = contributions(facts)
    _apply_own(own, sign)
    _apply_below(below, sign)


def _apply_own(own, sign):
    by_key = defaultdict(dict)
    for (unit_id, month, name), n in own.items():
        by_key[(unit_id, month)][name] = n
    if not by_key:
        return
    table = AdmissionTally._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    if sign < 0:
        # The rows exist (they counted these facts); an upsert's insert part would carry
        # negative counts, which the columns' CHECK refuses on SQLite before any conflict.
        sets = ", ".join(f"{name} = {name} - %s" for name in COUNTS)
        sql = f"UPDATE {table} SET {sets} WHERE unit_id = %s AND month = %s"
        params = sorted(
            (*(counts.get(name, 0) for name in COUNTS), unit_id, adapt(month))
            for (unit_id, month), counts in by_key.items()
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        AdmissionTally.objects.filter(admitted__lte=0, unit_id__in={k[0] for k in by_key}).delete()
        return
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTS)
    sql = (
        f"INSERT INTO {table} (unit_id, month, {columns}) "
        f"VALUES (%s, %s, {', '.join(['%s'] * len(COUNTS))}) "
        f"ON CONFLICT (unit_id, month) DO UPDATE SET {updates}"
    )
    params = sorted(
        (unit_id, adapt(month), *(counts.get(name, 0) for name in COUNTS))
        for (unit_id, month), counts in by_key.items()
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _apply_below(below, sign):
    if not below:
        return
    table = SubtreeTally._meta.db_table
    sql = (
        f"INSERT INTO {table} (unit_id, month, dimension, value, n) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT (unit_id, month, dimension, value) DO UPDATE SET n = {table}.n + excluded.n"
    )
    adapt = connection.ops.adapt_datefield_value
    # In key order, so that concurrent writers lock their common ancestors' rows (the
    # root's above all) in the same order and wait for each other instead of deadlocking.
    params = sorted(
        (unit_id, adapt(month), dimension, value, sign * n)
        for (unit_id, month, dimension, value), n in below.items()
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    if sign < 0:
        units = sorted({key[0] for key in below})
        for start in range(0, len(units), CHUNK):
            SubtreeTally.objects.filter(unit_id__in=units[start : start + CHUNK], n=0).delete()


# --- subscribers (reports/apps.py) ------------------------------------------------------------


def on_admission_recorded(admission):
    apply(facts(Admission.objects.filter(pk=admission.pk)), +1)


def on_admission_withdrawn(admission):
    """Called before the admission is deleted or changed: its stored values are counted off."""
    apply(facts(Admission.objects.filter(pk=admission.pk)), -1)


def on_person_changed(person, before):
    if all(_value(before, name) == _value(person, name) for name in PERSON_FIELDS):
        return
    admissions = Admission.objects.filter(person_id=person.pk)
    apply(facts(admissions, person=before), -1)
    apply(facts(admissions, person=person), +1)


def _admissions_of_units(unit_ids, since):
    query = Q(unit_id__in=list(unit_ids))
    if since is not None:
        query &= Q(decision_date__gte=since)
    return Admission.objects.filter(query)


def on_units_changing(unit_ids, since):
    """Before units change place (from `since`; None: at all times): count their
    admissions off the units above them now."""
    apply(facts(_admissions_of_units(unit_ids, since)), -1)


def on_units_changed(unit_ids, since):
    """After the change: count the same admissions on the units above them now."""
    apply(facts(_admissions_of_units(unit_ids, since)), +1)


# --- bulk: refresh, rebuild, check ------------------------------------------------------------


@transaction.atomic
def refresh(unit_days):
    """Recount exactly the roll-up rows that admissions of these (unit id, day) pairs count
    in: the unit's own month, and the month of every unit above it on that day. For bulk
    writers, with the old and the new (unit, decision date) of what they changed."""
    unit_days = {
        (unit_id, day if isinstance(day, dt.date) else dt.date.fromisoformat(day))
        for unit_id, day in unit_days
    }
    if not unit_days:
        return 0
    placement = Placement([Fact(u, d, False, "", "", "", False, "", d) for u, d in unit_days])
    keys = set()  # (unit id, month): rows to recount, own and below
    for unit_id, day in unit_days:
        for ancestor, _distance in placement.above(unit_id, day):
            keys.add((ancestor, month_of(day)))
        keys.add((unit_id, month_of(day)))
    by_month = defaultdict(set)
    for unit_id, month in keys:
        by_month[month].add(unit_id)
    for month, units in by_month.items():
        units = sorted(units)
        for start in range(0, len(units), CHUNK):
            _recount(units[start : start + CHUNK], month)
    return len(keys)


def _recount(unit_ids, month):
    """Recount the own and subtree rows of these units for one month."""
    end = next_month(month) - dt.timedelta(days=1)
    in_month = Q(decision_date__gte=month, decision_date__lte=end)
    AdmissionTally.objects.filter(unit_id__in=unit_ids, month=month).delete()
    SubtreeTally.objects.filter(unit_id__in=unit_ids, month=month).delete()
    own_facts = facts(Admission.objects.filter(in_month, unit_id__in=unit_ids))
    below_units = UnitAncestry.objects.filter(
        ancestor_id__in=unit_ids, distance__gt=0, valid_from__lte=end, valid_to__gte=month
    ).values("unit_id")
    below_facts = facts(Admission.objects.filter(in_month, unit_id__in=below_units))
    own, _below = contributions(own_facts)
    _own_unused, below = contributions(below_facts)
    wanted = set(unit_ids)
    _apply_own(Counter({k: n for k, n in own.items() if k[0] in wanted}), +1)
    _apply_below(Counter({k: n for k, n in below.items() if k[0] in wanted}), +1)


def refresh_for_people(person_ids, extra_keys=()):
    """Recount the roll-up rows of these people's admissions (and of `extra_keys`, the old
    (unit id, decision date) of admissions that changed); for very many, rebuild."""
    person_ids = sorted(set(person_ids))
    if len(person_ids) > REBUILD_ABOVE:
        return rebuild()
    keys = set(extra_keys)
    for start in range(0, len(person_ids), CHUNK):
        keys.update(
            Admission.objects.filter(person_id__in=person_ids[start : start + CHUNK]).values_list(
                "unit_id", "decision_date"
            )
        )
    return refresh(keys)


@transaction.atomic
def rebuild():
    """Recompute every roll-up row from the admissions; returns the number of rows."""
    AdmissionTally.objects.all().delete()
    SubtreeTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_own_sql())
        cursor.execute(_below_sql())
    return AdmissionTally.objects.count() + SubtreeTally.objects.count()


def fresh():
    """(own, below) as a fresh count gives them: {(unit, month): {count: n}} and
    {(unit, month, dimension, value): n}."""
    with connection.cursor() as cursor:
        cursor.execute(_own_select())
        own = {
            (unit_id, _as_date(month)): dict(zip(COUNTS, counts, strict=True))
            for unit_id, month, *counts in cursor.fetchall()
        }
        cursor.execute(_below_select())
        below = {
            (unit_id, _as_date(month), dimension, value): n
            for unit_id, month, dimension, value, n in cursor.fetchall()
        }
    return own, below


def stored():
    own = {
        (row[0], row[1]): dict(zip(COUNTS, row[2:], strict=True))
        for row in AdmissionTally.objects.filter(admitted__gt=0).values_list(
            "unit_id", "month", *COUNTS
        )
    }
    below = {
        (unit_id, month, dimension, value): n
        for unit_id, month, dimension, value, n in SubtreeTally.objects.exclude(n=0).values_list(
            "unit_id", "month", "dimension", "value", "n"
        )
    }
    return own, below


def check():
    """(own rows differing, subtree rows differing) between the stored roll-ups and a fresh
    count: (0, 0) when they agree."""
    fresh_own, fresh_below = fresh()
    stored_own, stored_below = stored()
    own = sum(
        1
        for key in fresh_own.keys() | stored_own.keys()
        if fresh_own.get(key) != stored_own.get(key)
    )
    below = sum(
        1
        for key in fresh_below.keys() | stored_below.keys()
        if fresh_below.get(key) != stored_below.get(key)
    )
    return own, below


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


# --- the fresh count in SQL (rebuild, check) ---------------------------------------------------
# Only code constants are written into these statements (no user input).


def _sql_parts():
    if connection.vendor == "postgresql":
        month = "CAST(date_trunc('month', a.decision_date) AS date)"

        def year(column):
            return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"

        def month_day(column):
            return f"to_char({column}, 'MM-DD')"
    else:
        month = "date(a.decision_date, 'start of month')"

        def year(column):
            return f"CAST(strftime('%Y', {column}) AS INTEGER)"

        def month_day(column):
            return f"strftime('%m-%d', {column})"

    age = (
        f"{year('a.decision_date')} - {year('p.birth_date')} - CASE WHEN "
        f"{month_day('a.decision_date')} < {month_day('p.birth_date')} THEN 1 ELSE 0 END"
    )
    return month, age


def _flag_sql(name):
    degrees = ", ".join(f"'{level}'" for level in sorted(UNIVERSITY_OR_ABOVE))
    return {
        "admitted": "1",
        "female": f"CASE WHEN p.gender = '{Gender.FEMALE}' THEN 1 ELSE 0 END",
        "university": f"CASE WHEN a.education IN ({degrees}) THEN 1 ELSE 0 END",
        "ethnic_minority": "CASE WHEN p.ethnic_minority THEN 1 ELSE 0 END",
        "religious": "CASE WHEN p.religion <> '' THEN 1 ELSE 0 END",
        "readmitted": "CASE WHEN a.readmission THEN 1 ELSE 0 END",
    }[name]


def _tables():
    return {
        "admission": Admission._meta.db_table,
        "person": Person._meta.db_table,
        "unit": Unit._meta.db_table,
        "ancestry": UnitAncestry._meta.db_table,
    }


def _own_select():
    month, _age = _sql_parts()
    t = _tables()
    sums = ", ".join(f"SUM({_flag_sql(name)})" for name in COUNTS)
    return (
        f"SELECT a.unit_id, {month}, {sums} FROM {t['admission']} a "
        f"JOIN {t['person']} p ON p.id = a.person_id GROUP BY a.unit_id, {month}"
    )


def _own_sql():
    table = AdmissionTally._meta.db_table
    return f"INSERT INTO {table} (unit_id, month, {', '.join(COUNTS)}) {_own_select()}"


def _in_force(field):
    """SQL: the id of the `field` (cluster or sector) in force at the admitting unit on the
    decision date: set on the nearest unit at or above it that day."""
    t = _tables()
    return (
        f"(SELECT CAST(u2.{field}_id AS TEXT) FROM {t['ancestry']} a2 "
        f"JOIN {t['unit']} u2 ON u2.id = a2.ancestor_id "
        f"WHERE a2.unit_id = a.unit_id AND a2.valid_from <= a.decision_date "
        f"AND a2.valid_to >= a.decision_date AND u2.{field}_id IS NOT NULL "
        f"ORDER BY a2.distance LIMIT 1)"
    )


def _below_select():
    month, age = _sql_parts()
    t = _tables()
    keys = [("count", name) for name in COUNTS]
    keys += [(dimension, "") for dimension in BREAKDOWNS]
    keys += [(f"{grouping}.{name}", name) for grouping in GROUPINGS for name in COUNTS]
    key_rows = " UNION ALL ".join(
        f"SELECT '{dimension}' AS dimension, '{name}' AS name" for dimension, name in keys
    )
    value = (
        "CASE WHEN k.dimension = 'count' THEN k.name "
        "WHEN k.dimension = 'education' THEN f.education "
        "WHEN k.dimension = 'occupation' THEN f.occupation "
        "WHEN k.dimension = 'religion' THEN f.religion "
        "WHEN k.dimension = 'age' THEN CAST(f.age AS TEXT) "
        "WHEN k.dimension LIKE 'cluster.%' THEN COALESCE(f.cluster_in_force, '') "
        "ELSE COALESCE(f.sector_in_force, '') END"
    )
    flag = " ".join(f"WHEN '{name}' THEN f.flag_{name}" for name in COUNTS)
    keep = (
        f"(k.name = '' OR (CASE k.name {flag} ELSE 0 END) = 1) "
        "AND NOT (k.dimension = 'religion' AND f.religion = '')"
    )
    flags = ", ".join(f"{_flag_sql(name)} AS flag_{name}" for name in COUNTS)
    facts_sql = (
        f"SELECT a.unit_id, a.decision_date, {month} AS month, a.education, a.occupation, "
        f"p.religion, {age} AS age, {flags}, {_in_force('cluster')} AS cluster_in_force, "
        f"{_in_force('sector')} AS sector_in_force "
        f"FROM {t['admission']} a JOIN {t['person']} p ON p.id = a.person_id"
    )
    return (
        f"SELECT anc.ancestor_id, f.month, k.dimension, {value} AS value, COUNT(*) "
        f"FROM ({facts_sql}) f "
        f"JOIN {t['ancestry']} anc ON anc.unit_id = f.unit_id AND anc.distance > 0 "
        f"AND anc.valid_from <= f.decision_date AND anc.valid_to >= f.decision_date "
        f"CROSS JOIN ({key_rows}) k WHERE {keep} "
        f"GROUP BY anc.ancestor_id, f.month, k.dimension, {value}"
    )


def _below_sql():
    table = SubtreeTally._meta.db_table
    return f"INSERT INTO {table} (unit_id, month, dimension, value, n) {_below_select()}"

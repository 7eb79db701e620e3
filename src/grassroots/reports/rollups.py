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

The same calls keep `SubtreeTally` (per unit and month, the admissions of every unit
strictly below it, by count, education, religion, occupation and age), which lets a
report at the root of a national tree read a few rows instead of a year of admissions.
Moving a unit changes which units lie above its admissions: `org.services.unit_move`
wraps the move in `unit_moving(unit)`, which takes the subtree's counts off the old
ancestors and adds them to the new ones. Bulk writers use `write_subtree_tallies()`.
"""

import datetime as dt
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncMonth

from grassroots.people.models import UNIVERSITY_OR_ABOVE, Gender

from .models import AdmissionTally, SubtreeTally

COUNTS = ("admitted", "female", "university", "ethnic_minority", "religious", "readmitted")
PERSON_FIELDS = ("gender", "education", "ethnic_minority", "religion")
# What the subtree tallies count besides PERSON_FIELDS.
SUBTREE_PERSON_FIELDS = (*PERSON_FIELDS, "occupation", "birth_date")
BREAKDOWNS = ("education", "religion", "occupation", "age")


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


def _stored_person(admission, person=None):
    if person is None:
        # The stored values, not a possibly stale cached instance: they are what the tally
        # counted when the person last changed.
        from grassroots.people.models import Person

        person = Person.objects.filter(pk=admission.person_id).values(*SUBTREE_PERSON_FIELDS).get()
    return person


def _flags(admission, person=None):
    person = _stored_person(admission, person)
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
    person = _stored_person(admission, person)
    _apply(admission.unit_id, month_of(admission.decision_date), _flags(admission, person), +1)
    _bump_admission(admission, person, +1)


@transaction.atomic
def admission_removed(admission, person=None):
    """Stop counting an admission: deleted, or about to change unit, date or flags."""
    person = _stored_person(admission, person)
    _apply(admission.unit_id, month_of(admission.decision_date), _flags(admission, person), -1)
    _bump_admission(admission, person, -1)


@transaction.atomic
def person_changed(person, *, before):
    """Move a person's admissions from their old attributes (`before`) to the new ones."""
    old, new = person_flags(before), person_flags(person)
    delta = {name: new[name] - old[name] for name in old if new[name] != old[name]}
    admissions = person.admissions.values_list("unit_id", "decision_date", "readmission")
    for unit_id, decision_date, readmission in admissions:
        if delta:
            tally, _ = AdmissionTally.objects.get_or_create(
                unit_id=unit_id, month=month_of(decision_date)
            )
            AdmissionTally.objects.filter(pk=tally.pk).update(
                **{name: F(name) + value for name, value in delta.items()}
            )
        was = set(contributions(decision_date, readmission, before))
        now = set(contributions(decision_date, readmission, person))
        if was == now:
            continue
        month = month_of(decision_date)
        ancestors = _ancestor_ids(unit_id)
        _bump(ancestors, [(month, d, v, 1) for d, v in sorted(was - now)], -1)
        _bump(ancestors, [(month, d, v, 1) for d, v in sorted(now - was)], +1)


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
    _refresh_subtree(keys)
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
    write_subtree_tallies(replace=True)
    return len(rows)


# --- subtree tallies ---------------------------------------------------------------------

STEP = 4  # org.Unit.steplen: a unit's ancestors are the prefixes of its path


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def age_on(birth_date, day):
    """Whole years from `birth_date` to `day` (as `selectors.age_at_decision` in SQL)."""
    birth = _as_date(birth_date)
    return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))


def contributions(decision_date, readmission, person):
    """[(dimension, value)]: what one admission adds to the subtree tallies above it."""
    flags = person_flags(person)
    flags["admitted"] = 1
    flags["readmitted"] = int(bool(readmission))
    keys = [("count", name) for name in COUNTS if flags[name]]
    keys.append(("education", _value(person, "education") or ""))
    religion = _value(person, "religion") or ""
    if religion:
        keys.append(("religion", religion))
    keys.append(("occupation", _value(person, "occupation") or ""))
    keys.append(("age", str(age_on(_value(person, "birth_date"), _as_date(decision_date)))))
    return keys


def _prefixes(path):
    return [path[:end] for end in range(STEP, len(path), STEP)]


def _ancestor_ids(unit_id):
    """The ids of the units strictly above this one."""
    from grassroots.org.models import Unit

    path = Unit.objects.values_list("path", flat=True).get(pk=unit_id)
    prefixes = _prefixes(path)
    if not prefixes:
        return []
    return list(Unit.objects.filter(path__in=prefixes).values_list("pk", flat=True))


def _bump(unit_ids, rows, sign):
    """Add sign × n to each unit's subtree tally for each (month, dimension, value, n)."""
    rows = [row for row in rows if row[3]]
    if not unit_ids or not rows:
        return
    table = SubtreeTally._meta.db_table
    sql = (
        f"INSERT INTO {table} (unit_id, month, dimension, value, n) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT (unit_id, month, dimension, value) DO UPDATE SET n = {table}.n + excluded.n"
    )
    adapt = connection.ops.adapt_datefield_value
    # In key order, so that concurrent admissions lock their common ancestors' rows (the
    # root's above all) in the same order and wait for each other instead of deadlocking.
    params = sorted(
        (unit_id, adapt(_as_date(month)), dimension, value, sign * n)
        for unit_id in unit_ids
        for month, dimension, value, n in rows
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    if sign < 0:
        months = {_as_date(row[0]) for row in rows}
        SubtreeTally.objects.filter(unit_id__in=unit_ids, month__in=months, n=0).delete()


def _bump_admission(admission, person, sign):
    day = _as_date(admission.decision_date)
    rows = [
        (month_of(day), dimension, value, 1)
        for dimension, value in contributions(day, admission.readmission, person)
    ]
    _bump(_ancestor_ids(admission.unit_id), rows, sign)


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


def _own_select(where):
    """SQL: (unit_id, month, dimension, value, n) of the admissions matching `where`, by
    admitting unit. Only code constants are written into it (no user input)."""
    from grassroots.people.models import Person
    from grassroots.pipeline.models import Admission

    month, age = _sql_parts()
    keys = " UNION ALL ".join(
        [f"SELECT 'count' AS dimension, '{name}' AS name" for name in COUNTS]
        + [f"SELECT '{dimension}', ''" for dimension in BREAKDOWNS]
    )
    degrees = ", ".join(f"'{level}'" for level in sorted(UNIVERSITY_OR_ABOVE))
    value = (
        "CASE k.dimension WHEN 'count' THEN k.name WHEN 'education' THEN p.education "
        "WHEN 'religion' THEN p.religion WHEN 'occupation' THEN p.occupation "
        f"ELSE CAST({age} AS TEXT) END"
    )
    keep = (
        "(CASE k.name "
        f"WHEN 'female' THEN CASE WHEN p.gender = '{Gender.FEMALE}' THEN 1 ELSE 0 END "
        f"WHEN 'university' THEN CASE WHEN p.education IN ({degrees}) THEN 1 ELSE 0 END "
        "WHEN 'ethnic_minority' THEN CASE WHEN p.ethnic_minority THEN 1 ELSE 0 END "
        "WHEN 'religious' THEN CASE WHEN p.religion <> '' THEN 1 ELSE 0 END "
        "WHEN 'readmitted' THEN CASE WHEN a.readmission THEN 1 ELSE 0 END "
        "ELSE 1 END) = 1 AND NOT (k.dimension = 'religion' AND p.religion = '')"
    )
    return (
        f"SELECT a.unit_id AS unit_id, {month} AS month, k.dimension AS dimension, "
        f"{value} AS value, COUNT(*) AS n "
        f"FROM {Admission._meta.db_table} a "
        f"JOIN {Person._meta.db_table} p ON p.id = a.person_id "
        f"CROSS JOIN ({keys}) k "
        f"WHERE {keep} AND ({where}) GROUP BY 1, 2, 3, 4"
    )


OWN = "reports_subtree_own"


def _fill(target, own_where, unit_where="1 = 1", ancestors=None):
    """Insert into `target` the subtree tallies of the ancestors (all, or these ids) of the
    units whose admissions match `own_where` (SQL over `a`, the admissions)."""
    from grassroots.org.models import Unit

    units = Unit._meta.db_table
    deepest = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 1
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OWN}")
        cursor.execute(f"CREATE TEMPORARY TABLE {OWN} AS {_own_select(own_where)}")
        for depth in range(1, deepest):
            chosen = ""
            if ancestors is not None:
                ids = sorted(ancestors.get(depth, ()))
                if not ids:
                    continue
                chosen = f"AND anc.id IN ({', '.join(str(int(i)) for i in ids)})"
            cursor.execute(
                f"INSERT INTO {target} (unit_id, month, dimension, value, n) "
                f"SELECT anc.id, o.month, o.dimension, o.value, SUM(o.n) FROM {OWN} o "
                f"JOIN {units} u ON u.id = o.unit_id "
                f"JOIN {units} anc ON anc.path = substr(u.path, 1, {STEP * depth}) "
                f"WHERE u.depth > {depth} AND ({unit_where}) {chosen} "
                "GROUP BY 1, 2, 3, 4"
            )
        cursor.execute(f"DROP TABLE {OWN}")


def _empty(table):
    """Delete every row: TRUNCATE on PostgreSQL (millions of rows) unless this transaction
    has pending deferred foreign-key checks on the table, which forbid it."""
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
            return
        except OperationalError:
            pass
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def _path_range(root_path, column):
    # Treebeard paths are 0-9A-Z; '~' sorts after them. Code-made paths only.
    if not root_path.isalnum():
        raise ValueError(root_path)
    return f"{column} >= '{root_path}' AND {column} < '{root_path}~'"


@transaction.atomic
def write_subtree_tallies(root_path=None, replace=False):
    """Compute the subtree tallies in SQL: of every unit (`replace` drops the old ones
    first), or of the units at or below `root_path` only (for a freshly generated tree
    that has none yet). Returns the number of rows written."""
    from grassroots.org.models import Unit

    table = SubtreeTally._meta.db_table
    if replace:
        _empty(table)
    own_where = unit_where = "1 = 1"
    if root_path is not None:
        unit_where = _path_range(root_path, "u.path")
        own_where = (
            f"a.unit_id IN (SELECT id FROM {Unit._meta.db_table} u WHERE "
            f"{_path_range(root_path, 'u.path')})"
        )
    before = SubtreeTally.objects.count() if root_path is not None else 0
    _fill(table, own_where, unit_where)
    return SubtreeTally.objects.count() - before


def _refresh_subtree(keys):
    """Recount the subtree tallies above these (unit id, day) pairs for their months."""
    from grassroots.org.models import Unit

    by_month = {}
    for unit_id, day in keys:
        by_month.setdefault(month_of(_as_date(day)), set()).add(unit_id)
    unit_ids = sorted({unit_id for unit_id, _day in keys})
    paths = {}
    for start in range(0, len(unit_ids), CHUNK):
        paths.update(
            Unit.objects.filter(pk__in=unit_ids[start : start + CHUNK]).values_list("pk", "path")
        )
    above = {}  # path → (id, depth) of every unit above a key unit
    prefixes = sorted({p for path in paths.values() for p in _prefixes(path)})
    for start in range(0, len(prefixes), CHUNK):
        for pk, path, depth in Unit.objects.filter(
            path__in=prefixes[start : start + CHUNK]
        ).values_list("pk", "path", "depth"):
            above[path] = (pk, depth)
    adapt = connection.ops.adapt_datefield_value
    for month, units in sorted(by_month.items()):
        ancestors = {}
        for unit_id in units:
            for prefix in _prefixes(paths.get(unit_id, "")):
                if prefix in above:
                    pk, depth = above[prefix]
                    ancestors.setdefault(depth, set()).add(pk)
        if not ancestors:
            continue
        ids = sorted(set().union(*ancestors.values()))
        for start in range(0, len(ids), CHUNK):
            SubtreeTally.objects.filter(
                month=month, unit_id__in=ids[start : start + CHUNK]
            ).delete()
        # Dates written by the adapter of this database (code-made, no user input).
        start, end = adapt(month), adapt(_month_after(month))
        _fill(
            SubtreeTally._meta.db_table,
            f"a.decision_date >= '{start}' AND a.decision_date < '{end}'",
            ancestors=ancestors,
        )


def _subtree_rows(unit_id):
    """{(month, dimension, value): n} of the admissions at or below the unit."""
    rows = {}
    for month, dimension, value, n in SubtreeTally.objects.filter(unit_id=unit_id).values_list(
        "month", "dimension", "value", "n"
    ):
        rows[(month, dimension, value)] = n
    with connection.cursor() as cursor:
        cursor.execute(_own_select(f"a.unit_id = {int(unit_id)}"))
        for _unit, month, dimension, value, n in cursor.fetchall():
            key = (_as_date(month), dimension, value)
            rows[key] = rows.get(key, 0) + n
    return rows


@contextmanager
def unit_moving(unit):
    """Wrap a move of `unit` (and its subtree), in the move's transaction: its counts
    leave the subtree tallies of the old ancestors and join those of the new ones."""
    before = set(_ancestor_ids(unit.pk))
    yield
    after = set(_ancestor_ids(unit.pk))
    if before == after:
        return
    rows = [(month, d, v, n) for (month, d, v), n in _subtree_rows(unit.pk).items()]
    _bump(sorted(before - after), rows, -1)
    _bump(sorted(after - before), rows, +1)


def fresh_subtree_counts():
    """{(unit_id, month, dimension, value): n} counted in Python from the admissions, a
    count independent of the SQL above (for tests on small data)."""
    from grassroots.org.models import Unit
    from grassroots.pipeline.models import Admission

    ids = dict(Unit.objects.values_list("path", "pk"))
    result = {}
    admissions = Admission.objects.values(
        "decision_date",
        "readmission",
        "unit__path",
        *(f"person__{f}" for f in SUBTREE_PERSON_FIELDS),
    )
    for row in admissions:
        person = {f: row[f"person__{f}"] for f in SUBTREE_PERSON_FIELDS}
        month = month_of(row["decision_date"])
        keys = contributions(row["decision_date"], row["readmission"], person)
        for prefix in _prefixes(row["unit__path"]):
            for dimension, value in keys:
                key = (ids[prefix], month, dimension, value)
                result[key] = result.get(key, 0) + 1
    return result


def stored_subtree_counts():
    return {
        (u, m, d, v): n
        for u, m, d, v, n in SubtreeTally.objects.exclude(n=0).values_list(
            "unit_id", "month", "dimension", "value", "n"
        )
    }


def check_subtree():
    """How many subtree tally rows differ from a fresh count in SQL (0 when all agree)."""
    table = SubtreeTally._meta.db_table
    fresh = "reports_subtree_fresh"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {fresh}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {fresh} AS "
            f"SELECT unit_id, month, dimension, value, n FROM {table} WHERE 1 = 0"
        )
        _fill(fresh, "1 = 1")
        differing = 0
        columns = "unit_id, month, dimension, value, n"
        for first, second in ((table, fresh), (fresh, table)):
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT {columns} FROM {first} WHERE n <> 0 "
                f"EXCEPT SELECT {columns} FROM {second}) d"
            )
            differing += cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {fresh}")
    return differing

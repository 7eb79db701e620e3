"""Per-unit counters (org.UnitTally) and the database triggers that keep them.

The triggers are counters, not business rules: they only add and subtract the number of
people and active (probationary or official) members of each unit, directly and in its
subtree, whoever writes the rows (the services, the importer, the generator's COPY, the
demo loader, raw SQL), inside the writer's own transaction.

- A person or membership written, removed or moved between units changes the direct
  figures of its unit and the subtree figures of that unit and every ancestor (found by
  path prefix, one index lookup per level).
- A unit whose path changes (a move) changes the subtree figures of its old and new
  ancestors: those are recomputed from the direct figures.

On PostgreSQL the triggers are statement-level with transition tables, so a COPY of ten
thousand people costs one grouped upsert; on SQLite they are row-level. The price of the
subtree figures is that every write also updates its ancestors' rows (the root's row is
a short hot spot, held until the writer commits).
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from grassroots.history import generation

STEPLEN = 4  # treebeard's step: a unit at depth d has a path of 4*d characters
MAX_DEPTH = 63  # treebeard's path column holds 255 characters
_ACTIVE_SQL = "('probationary', 'official')"


def _active(table):
    return f"(CASE WHEN {table}.status IN {_ACTIVE_SQL} THEN 1 ELSE 0 END)"


def _prefixes(path_sql):
    """SQL list of every ancestor-or-self path of `path_sql` (portable, for SQLite)."""
    return ", ".join(
        f"substr({path_sql}, 1, {STEPLEN * level})" for level in range(1, MAX_DEPTH + 1)
    )


# --- PostgreSQL ----------------------------------------------------------------------

# `{rows}` yields (unit_id, p, m) deltas; they are grouped per unit, spread over the unit
# and its ancestors, and added in one upsert (ordered by unit to avoid deadlocks).
_PG_APPLY = f"""
    INSERT INTO org_unittally AS t (unit_id, direct_people, direct_members, people, active_members)
    SELECT a.id,
           SUM(CASE WHEN a.id = d.unit_id THEN d.p ELSE 0 END),
           SUM(CASE WHEN a.id = d.unit_id THEN d.m ELSE 0 END),
           SUM(d.p), SUM(d.m)
    FROM (SELECT unit_id, SUM(p) AS p, SUM(m) AS m FROM ({{rows}}) AS r
          WHERE unit_id IS NOT NULL GROUP BY unit_id) AS d
    JOIN org_unit u ON u.id = d.unit_id
    CROSS JOIN LATERAL generate_series({STEPLEN}, length(u.path), {STEPLEN}) AS k(len)
    JOIN org_unit a ON a.path = substr(u.path, 1, k.len)
    WHERE d.p <> 0 OR d.m <> 0
    GROUP BY a.id ORDER BY a.id
    ON CONFLICT (unit_id) DO UPDATE
    SET direct_people = t.direct_people + EXCLUDED.direct_people,
        direct_members = t.direct_members + EXCLUDED.direct_members,
        people = t.people + EXCLUDED.people,
        active_members = t.active_members + EXCLUDED.active_members;
"""


def _pg_function(name, *, insert_rows, delete_rows, update_rows):
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_PG_APPLY.format(rows=insert_rows)}
    ELSIF TG_OP = 'DELETE' THEN
        {_PG_APPLY.format(rows=delete_rows)}
    ELSE
        {_PG_APPLY.format(rows=update_rows)}
    END IF;
    RETURN NULL;
END $$;"""


def _pg_triggers(table, function, events=("INSERT", "DELETE", "UPDATE")):
    refs = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    return [
        f"CREATE TRIGGER {function}_{event[:3].lower()} AFTER {event} ON {table} "
        f"REFERENCING {refs[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event in events
    ]


_PERSON_CHANGED = """
    SELECT o.unit_id AS old_unit, n.unit_id AS new_unit
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.unit_id IS DISTINCT FROM n.unit_id"""
_MEMBER_CHANGED = f"""
    SELECT o.unit_id AS old_unit, n.unit_id AS new_unit,
           {_active("o")} AS old_active, {_active("n")} AS new_active
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.unit_id IS DISTINCT FROM n.unit_id OR {_active("o")} <> {_active("n")}"""

# Subtree figures of one unit `a`, from the direct figures below it.
_PG_SUBTREE = """
    SELECT COALESCE(SUM(t2.direct_people), 0) AS p, COALESCE(SUM(t2.direct_members), 0) AS m
    FROM org_unit u2 JOIN org_unittally t2 ON t2.unit_id = u2.id
    WHERE u2.path LIKE a.path || '%'"""

# Units outside the moved branches whose subtree gained or lost one: the strict ancestors
# of every old and new path. The moved units' own subtree figures do not change.
_PG_TOUCHED = f"""
    WITH moved AS (
        SELECT n.id, o.path AS old_path, n.path AS new_path
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.path <> n.path
    ), touched AS (
        SELECT DISTINCT a.id, a.path FROM moved
        CROSS JOIN LATERAL (VALUES (moved.old_path), (moved.new_path)) AS p(path)
        CROSS JOIN LATERAL generate_series({STEPLEN}, length(p.path) - {STEPLEN}, {STEPLEN}) AS k(len)
        JOIN org_unit a ON a.path = substr(p.path, 1, k.len)
        WHERE a.id NOT IN (SELECT id FROM moved)
    )"""

_PG_UNIT_MOVED = f"""
CREATE OR REPLACE FUNCTION org_tally_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_PG_TOUCHED}
    INSERT INTO org_unittally (unit_id, direct_people, direct_members, people, active_members)
    SELECT id, 0, 0, 0, 0 FROM touched ORDER BY id ON CONFLICT (unit_id) DO NOTHING;
    {_PG_TOUCHED}
    UPDATE org_unittally t SET people = sub.p, active_members = sub.m
    FROM touched a CROSS JOIN LATERAL ({_PG_SUBTREE}) AS sub
    WHERE t.unit_id = a.id;
    RETURN NULL;
END $$;"""

PG_INSTALL = [
    _pg_function(
        "org_tally_person",
        insert_rows="SELECT unit_id, 1 AS p, 0 AS m FROM new_rows",
        delete_rows="SELECT unit_id, -1 AS p, 0 AS m FROM old_rows",
        update_rows=f"""SELECT new_unit AS unit_id, 1 AS p, 0 AS m FROM ({_PERSON_CHANGED}) c
            UNION ALL SELECT old_unit, -1, 0 FROM ({_PERSON_CHANGED}) c""",
    ),
    *_pg_triggers("people_person", "org_tally_person"),
    _pg_function(
        "org_tally_membership",
        insert_rows=f"SELECT unit_id, 0 AS p, {_active('new_rows')} AS m FROM new_rows",
        delete_rows=f"SELECT unit_id, 0 AS p, -{_active('old_rows')} AS m FROM old_rows",
        update_rows=f"""SELECT new_unit AS unit_id, 0 AS p, new_active AS m
            FROM ({_MEMBER_CHANGED}) c
            UNION ALL SELECT old_unit, 0, -old_active FROM ({_MEMBER_CHANGED}) c""",
    ),
    *_pg_triggers("people_membership", "org_tally_membership"),
    _PG_UNIT_MOVED,
    *_pg_triggers("org_unit", "org_tally_unit", events=("UPDATE",)),
]
PG_REMOVE = [
    *(
        f"DROP TRIGGER IF EXISTS org_tally_{name}_{op} ON {table}"
        for name, table in (("person", "people_person"), ("membership", "people_membership"))
        for op in ("ins", "del", "upd")
    ),
    "DROP TRIGGER IF EXISTS org_tally_unit_upd ON org_unit",
    "DROP FUNCTION IF EXISTS org_tally_person()",
    "DROP FUNCTION IF EXISTS org_tally_membership()",
    "DROP FUNCTION IF EXISTS org_tally_unit()",
]


# --- SQLite --------------------------------------------------------------------------


def _sqlite_add(unit, people, members):
    """Statements adding (people, members) to `unit`'s direct figures and to the subtree
    figures of the unit and its ancestors; rows are created on first use."""
    ancestors = f"SELECT a.id FROM org_unit u JOIN org_unit a ON a.path IN ({_prefixes('u.path')}) WHERE u.id = {unit}"
    return f"""
    INSERT OR IGNORE INTO org_unittally
        (unit_id, direct_people, direct_members, people, active_members)
        SELECT id, 0, 0, 0, 0 FROM ({ancestors});
    UPDATE org_unittally SET people = people + ({people}),
        active_members = active_members + ({members})
        WHERE unit_id IN ({ancestors});
    UPDATE org_unittally SET direct_people = direct_people + ({people}),
        direct_members = direct_members + ({members}) WHERE unit_id = {unit};"""


# After a unit's path changes, every subtree figure is recomputed from the direct ones:
# row-level triggers see a branch half moved, and the last row's pass sees it whole.
# Moves are rare and SQLite databases small.
_SQLITE_RECOMPUTE = """
    UPDATE org_unittally SET
        people = (SELECT COALESCE(SUM(t2.direct_people), 0)
                  FROM org_unit u JOIN org_unit u2 ON u2.path >= u.path AND u2.path < u.path || '~'
                  JOIN org_unittally t2 ON t2.unit_id = u2.id
                  WHERE u.id = org_unittally.unit_id),
        active_members = (SELECT COALESCE(SUM(t2.direct_members), 0)
                  FROM org_unit u JOIN org_unit u2 ON u2.path >= u.path AND u2.path < u.path || '~'
                  JOIN org_unittally t2 ON t2.unit_id = u2.id
                  WHERE u.id = org_unittally.unit_id);"""

SQLITE_INSTALL = [
    f"""CREATE TRIGGER org_tally_person_ins AFTER INSERT ON people_person
        WHEN NEW.unit_id IS NOT NULL BEGIN {_sqlite_add("NEW.unit_id", 1, 0)} END""",
    f"""CREATE TRIGGER org_tally_person_del AFTER DELETE ON people_person
        WHEN OLD.unit_id IS NOT NULL BEGIN {_sqlite_add("OLD.unit_id", -1, 0)} END""",
    f"""CREATE TRIGGER org_tally_person_upd AFTER UPDATE OF unit_id ON people_person
        WHEN OLD.unit_id IS NOT NEW.unit_id BEGIN
        {_sqlite_add("OLD.unit_id", -1, 0)} {_sqlite_add("NEW.unit_id", 1, 0)} END""",
    f"""CREATE TRIGGER org_tally_membership_ins AFTER INSERT ON people_membership
        WHEN NEW.status IN {_ACTIVE_SQL} BEGIN {_sqlite_add("NEW.unit_id", 0, 1)} END""",
    f"""CREATE TRIGGER org_tally_membership_del AFTER DELETE ON people_membership
        WHEN OLD.status IN {_ACTIVE_SQL} BEGIN {_sqlite_add("OLD.unit_id", 0, -1)} END""",
    f"""CREATE TRIGGER org_tally_membership_upd AFTER UPDATE OF unit_id, status
        ON people_membership BEGIN
        {_sqlite_add("OLD.unit_id", 0, "-" + _active("OLD"))}
        {_sqlite_add("NEW.unit_id", 0, _active("NEW"))} END""",
    f"""CREATE TRIGGER org_tally_unit_upd AFTER UPDATE OF path ON org_unit
        WHEN OLD.path <> NEW.path BEGIN
        INSERT OR IGNORE INTO org_unittally
            (unit_id, direct_people, direct_members, people, active_members)
            SELECT id, 0, 0, 0, 0 FROM org_unit WHERE path IN ({_prefixes("NEW.path")});
        {_SQLITE_RECOMPUTE} END""",
]
SQLITE_REMOVE = [
    *(
        f"DROP TRIGGER IF EXISTS org_tally_{table}_{op}"
        for table in ("person", "membership")
        for op in ("ins", "del", "upd")
    ),
    "DROP TRIGGER IF EXISTS org_tally_unit_upd",
]


# --- Rebuild (both) ------------------------------------------------------------------

_DIRECT = f"""
    SELECT unit_id, SUM(p) AS p, SUM(m) AS m FROM (
        SELECT unit_id, 1 AS p, 0 AS m FROM people_person WHERE unit_id IS NOT NULL
        UNION ALL
        SELECT unit_id, 0, 1 FROM people_membership WHERE status IN {_ACTIVE_SQL}
    ) AS r GROUP BY unit_id"""
_SPREAD = {
    "postgresql": f"""CROSS JOIN LATERAL generate_series({STEPLEN}, length(u.path), {STEPLEN}) AS k(len)
        JOIN org_unit a ON a.path = substr(u.path, 1, k.len)""",
    "sqlite": f"JOIN org_unit a ON a.path IN ({_prefixes('u.path')})",
}


def rebuild_sql(vendor):
    return [
        "DELETE FROM org_unittally",
        f"""INSERT INTO org_unittally
            (unit_id, direct_people, direct_members, people, active_members)
        SELECT a.id,
               SUM(CASE WHEN a.id = d.unit_id THEN d.p ELSE 0 END),
               SUM(CASE WHEN a.id = d.unit_id THEN d.m ELSE 0 END),
               SUM(d.p), SUM(d.m)
        FROM ({_DIRECT}) AS d JOIN org_unit u ON u.id = d.unit_id {_SPREAD[vendor]}
        GROUP BY a.id""",
    ]


def install_sql(vendor):
    return PG_INSTALL if vendor == "postgresql" else SQLITE_INSTALL


def remove_sql(vendor):
    return PG_REMOVE if vendor == "postgresql" else SQLITE_REMOVE


def rebuild(using=DEFAULT_DB_ALIAS):
    """Recompute every counter from the people and membership registers; returns the rows."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # Writers wait while the counters are rebuilt, so no change is lost.
            cursor.execute("LOCK TABLE people_person, people_membership, org_unit IN SHARE MODE")
        for sql in rebuild_sql(conn.vendor):
            cursor.execute(sql)
        generation.data_changed()
        cursor.execute("SELECT COUNT(*) FROM org_unittally")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def people_inserted_in_bulk(unit_counts, using=DEFAULT_DB_ALIAS):
    """Around a bulk insert of people: `unit_counts` is {unit id: people inserted}.

    PostgreSQL's statement trigger already counts a COPY in one grouped upsert. SQLite's
    trigger runs once per row (a join over the unit's ancestors each time): it is set aside
    for the insert, inside the writer's transaction, and the counts are added once per
    unit afterwards, so the counters stay exact and a rollback undoes both."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'org_tally_person_ins'"
        )
        found = cursor.fetchone()
        if found is None:
            yield
            return
        cursor.execute("DROP TRIGGER org_tally_person_ins")
        yield
        cursor.execute(found[0])
        for unit, count in sorted(unit_counts.items()):
            if unit is None or not count:
                continue
            for statement in _sqlite_add(int(unit), int(count), 0).split(";"):
                if statement.strip():
                    cursor.execute(statement)


# --- Migrations that alter people_person or people_membership ------------------------------
# SQLite alters a column by making the table anew, which drops its triggers: such a
# migration sets them aside first (RunPython(remove_triggers, install_triggers)) and
# installs them again last (RunPython(install_triggers, remove_triggers)).


def remove_triggers(apps, schema_editor):
    for sql in remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in remove_sql(vendor) + install_sql(vendor):
        schema_editor.execute(sql, params=None)

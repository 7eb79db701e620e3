"""Writing many rows at once, below the ORM: PostgreSQL's COPY, SQLite's executemany.

For the services' bulk variants (`people.services.person_bulk_create`,
`history.services.insert_changes`), which build the rows, own their rules and their history:
this module only moves tuples of column values into a table, in the current transaction,
without model instances (docs/architecture.md, "Bulk writes"). Values are what the database
takes: dates, datetimes from `adapt_datetime`, booleans, integers, text, None; JSON columns
take JSON text.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


def adapt_datetime(value):
    """A datetime as this database's column takes it (SQLite: naive text in its zone)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model, columns, rows, *, with_ids=False):
    """Insert `rows` (tuples in the order of `columns`, the table's column names) into
    `model`'s table. Returns the new primary keys in the order of `rows` if `with_ids`,
    else how many rows were written."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = model._meta.pk.column
    if with_ids:
        rows = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if with_ids:
                # Taken from the table's own sequence, so no other writer can get them.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, pk, len(rows)],
                )
                ids = [i for (i,) in cursor.fetchall()]
                rows = [(i, *row) for i, row in zip(ids, rows, strict=True)]
                columns = (pk, *columns)
            names = ", ".join(quote(c) for c in columns)
            count = 0
            # psycopg 3: the rows stream to the server as they are formatted.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return ids if with_ids else count
        rows = list(rows)
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        if not with_ids:
            return len(rows)
        if not rows:
            return []
        # One statement's rows hold the write lock throughout and get consecutive
        # rowids (AUTOINCREMENT: one more than the largest ever given).
        cursor.execute("SELECT last_insert_rowid()")
        (last,) = cursor.fetchone()
        return list(range(last - len(rows) + 1, last + 1))


def insert_values(model, columns, rows, *, batch=150):
    """Insert `rows` (tuples in the order of `columns`) into `model`'s table with one
    multi-row INSERT … VALUES statement per `batch` rows, through Django's cursor (counted
    and logged like any query): for the few dozen rows a page writes, where COPY's
    set-up costs more than it saves. Returns how many rows were written."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            marks = ", ".join([row_marks] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {marks}",
                [value for row in chunk for value in row],
            )
    return len(rows)


def set_indexes_aside(model):
    """PostgreSQL: drop `model`'s indexes that no constraint needs (not the primary key nor
    a unique one), inside the current transaction, and return their definitions for
    `restore_indexes`: a table loaded in bulk builds each index once, sorted, instead of
    growing ten of them row by row. Until the transaction ends, other sessions wait for
    the table (the lock DROP INDEX takes); a rollback brings the indexes back. Elsewhere
    (SQLite) nothing is dropped: returns []."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
            ORDER BY c.relname""",
            [model._meta.db_table],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def restore_indexes(definitions):
    """Build again the indexes `set_indexes_aside` dropped, in the same transaction."""
    if not definitions:
        return
    with connection.cursor() as cursor:
        # An index cannot be built while checks of the table's foreign keys wait for the
        # commit (Django makes them deferred): run them now, then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def value_in(model, column, values):
    """A condition for a queryset of `model`: `column` is one of `values` (a list). On
    PostgreSQL one array parameter (`= ANY`), which thousands of values pass far quicker
    than an IN list of as many parameters; elsewhere `__in`."""
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": values})
    quote = connection.ops.quote_name
    return RawSQL(
        f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s)",
        [list(values)],
        output_field=BooleanField(),
    )


def existing_values(model, column, values):
    """The set of `values` found in `model`'s `column` (one query per 900 on SQLite, one
    array parameter on PostgreSQL): a quick look for which keys of a batch exist."""
    values = list(values)
    if not values:
        return set()
    quote = connection.ops.quote_name
    table, name = quote(model._meta.db_table), quote(column)
    found = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {name} FROM {table} WHERE {name} = ANY(%s)", [values])
            found.update(v for (v,) in cursor.fetchall())
            return found
        for start in range(0, len(values), 900):
            chunk = values[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {name} FROM {table} WHERE {name} IN ({marks})", chunk)
            found.update(v for (v,) in cursor.fetchall())
    return found

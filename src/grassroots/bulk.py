"""Writing many rows at once, below the ORM: PostgreSQL's COPY, SQLite's executemany.

For the services' bulk variants (`people.services.person_bulk_create`,
`history.services.insert_changes`), which build the rows, own their rules and their history:
this module only moves tuples of column values into a table, in the current transaction,
without model instances (docs/architecture.md, "Bulk writes"). Values are what the database
takes: dates, datetimes from `adapt_datetime`, booleans, integers, text, None; JSON columns
take JSON text.
"""

from django.db import connection


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

"""The keys a file has given so far, kept by the database instead of in memory.

To name a key that appears twice in a file, the importer must remember every key it has
read: a Python set of them grows with the file (about 100 bytes a row, 100 MB at a
million people). They go instead into a temporary table with the key as its primary key,
a batch at a time (a key repeated within a batch is found before, in the batch's own
dict); a key of the batch that the table already holds is a repeat, reported on its own
row (the table keeps the number of the row that gave it first). It lives in the import's
transaction (PostgreSQL drops it at the end of it; it is dropped when the file is done,
and one left behind by a rolled-back import is dropped before the next), in the
database's temporary space, so the importer's memory stays flat.
"""

import datetime as dt
import json

from django.db import connection


def key_text(key):
    """A row's key (a tuple of typed values) as one text, told apart from any other key of
    the same file: a key of one column is its text, a key of several a JSON list."""
    if len(key) == 1:
        (value,) = key
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in key])


class SeenKeys:
    """The keys of one file's rows, with the number of the row that gave each first."""

    def __init__(self, file):
        self.table = connection.ops.quote_name(f"exchange_seen_{file}")
        self.ready = False

    def _create(self, cursor):
        cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        drop = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
        cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} "
            f"(key text PRIMARY KEY, row_number integer NOT NULL){drop}"
        )
        self.ready = True

    def add(self, first_rows):
        """Record `first_rows` ({key text: row number}, each key once) and return those
        of its keys given before, by an earlier batch, with that earlier row's number; the
        keys returned are not recorded again."""
        if not first_rows:
            return {}
        earlier = {}
        with connection.cursor() as cursor:
            if not self.ready:
                self._create(cursor)
            if connection.vendor == "postgresql":
                # One statement: its SELECT sees the table as it was before its INSERT,
                # so it finds exactly the keys of earlier batches. The batch travels as
                # one JSON text, quicker to send than an array of thousands of texts.
                cursor.execute(
                    f"""WITH given AS (
                        SELECT e->>0 AS key, (e->>1)::integer AS row_number
                        FROM json_array_elements(%s::json) AS e
                    ), added AS (
                        INSERT INTO {self.table} (key, row_number)
                        SELECT key, row_number FROM given ON CONFLICT (key) DO NOTHING
                    )
                    SELECT seen.key, seen.row_number
                    FROM {self.table} AS seen JOIN given USING (key)""",
                    [json.dumps(list(first_rows.items()), ensure_ascii=False)],
                )
                return dict(cursor.fetchall())
            # SQLite: the batch goes in, a key already there left as it was; only when
            # fewer rows went in than were given are the repeats looked for (rows whose
            # number is not this batch's).
            cursor.executemany(
                f"INSERT OR IGNORE INTO {self.table} (key, row_number) VALUES (%s, %s)",
                list(first_rows.items()),
            )
            if cursor.rowcount == len(first_rows):
                return earlier
            keys = list(first_rows)
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT key, row_number FROM {self.table} WHERE key IN ({marks})", chunk
                )
                earlier.update((k, n) for k, n in cursor.fetchall() if n != first_rows[k])
        return earlier

    def close(self):
        """Drop the table (the file is done)."""
        if self.ready:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.ready = False

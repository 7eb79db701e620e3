"""The generation of the data: a counter that every change of what pages show moves on.

The page cache (`core.pagecache`) keeps a page under the generation read before its view
ran, so that a page made while data changed is never given again. What moves it on:

- every history row (`history.services`, which every service writes in its own
  transaction);
- every model saved through the ORM (post_save, connected in `history.apps`), but the
  rows no kept page shows (`UNSHOWN_MODELS`);
- rows written in bulk without history (the rebuilds of derived rows, stored forecasts,
  the importer's tables), which call `data_changed` themselves;
- every POST, PUT, PATCH or DELETE not refused, when nothing above moved it
  (`core.pagecache.PageCacheMiddleware`); and the end of `migrate`.

On PostgreSQL the counter is a sequence: moved on at once (others stop using what they
kept) and again after the commit (a page made between the two, which could not yet see the
change, is not found under the new value); writers never wait for one another. On SQLite
it is a row updated in the writer's own transaction, visible with the data.

It also notes the reads a page logs (`note_reads`), so that a kept page logs them again
when it is given.
"""

import contextvars

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction

from .models import Generation

# Rows that no kept page shows: saving them does not move the generation on.
UNSHOWN_MODELS = frozenset(
    {
        "sessions.session",
        "history.access",
        "history.generation",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accesslog",
        "axes.accessfailurelog",
        "django_tasks_database.dbtaskresult",
        # The import's own record (its changes move the generation on by themselves).
        "exchange.import",
    }
)
SEQUENCE = "history_generation"

_reads = contextvars.ContextVar("page_reads", default=None)
# While a write request runs (core.pagecache): set to [True] once the generation moved.
_moved = contextvars.ContextVar("generation_moved", default=None)


def enabled():
    return bool(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def current_generation():
    """The counter now; None if it cannot be read (no table yet: nothing is kept)."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608
            else:
                cursor.execute("SELECT value FROM history_generation_row WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else 0  # the row emptied (a flush): as at the start


def _move_on():
    moved = _moved.get()
    if moved is not None:
        moved[0] = True
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
        else:
            cursor.execute(
                "INSERT INTO history_generation_row (id, value) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET value = value + 1"
            )


def _after_commit():
    if connection.vendor == "postgresql":
        _move_on()


# While `migrate` runs the counter may not exist yet (the apps' data migrations save
# models before this app's table is made); after it, every kept page goes.
_migrating = False


def migrate_started(**kwargs):
    global _migrating
    _migrating = True


def migrate_finished(using="default", **kwargs):
    global _migrating
    if _migrating:
        _migrating = False
        if Generation._meta.db_table in connections[using].introspection.table_names():
            data_changed()


def data_changed():
    """Data that pages show changed (or is changing in the current transaction): no page
    kept until now is given again. One statement (a sequence's nextval, or an UPDATE of
    one row inside the writer's transaction) the first time in a transaction, and once
    more after its commit."""
    if not enabled() or _migrating:
        return
    if not connection.in_atomic_block or _in_test_case_transaction():
        _move_on()
        return
    if connection.needs_rollback:
        return
    # Django makes a new list of commit hooks for each transaction (and when a savepoint
    # rolls back, which may drop ours): the same list, the same transaction.
    if getattr(connection, "_generation_hooks", None) is connection.run_on_commit:
        return  # moved on already in this transaction; moves again after its commit
    _move_on()
    transaction.on_commit(_after_commit)
    connection._generation_hooks = connection.run_on_commit


def _in_test_case_transaction():
    """Inside a test case's own transaction, which never commits and whose pages read what
    it wrote: every change moves the generation on at once."""
    blocks = connection.atomic_blocks
    return bool(blocks) and getattr(blocks[0], "_from_testcase", False)


def model_changed(sender, **kwargs):
    """post_save of any model but those no kept page shows."""
    if sender._meta.label_lower not in UNSHOWN_MODELS:
        data_changed()


def watching():
    """Start watching whether the generation moves: (a one-item list, True once it did;
    a token for `stop_watching`)."""
    moved = [False]
    return moved, _moved.set(moved)


def stop_watching(token):
    _moved.reset(token)


# --- the log of reads -------------------------------------------------------------------


def note_reads(rows):
    """`history.services` logged reads (kind, what, person id, unit id): kept with the
    page, so that giving it again logs them again."""
    noted = _reads.get()
    if noted is not None:
        noted.extend(rows)


def noting_reads():
    """Start noting the reads logged from here on; returns (the list, a token for
    `stop_noting`)."""
    noted = []
    return noted, _reads.set(noted)


def stop_noting(token):
    _reads.reset(token)

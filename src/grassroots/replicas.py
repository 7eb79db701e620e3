"""Reads that may go to a PostgreSQL replica: the reports.

With DATABASE_REPLICA_URL set, settings add a database alias `replica` and this router.
A report selector runs its reads inside `reads_from_replica()` (or is decorated with it);
every other read, and every write, goes to `default`. Without the alias the context
changes nothing. A report may so lag the primary by the replication delay (usually well
under a second); pages that show what was just recorded read the primary.

It sits beside the apps (no app's models) so that every layer may use it.
"""

import contextlib
import contextvars
import functools

from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("reads_from_replica", default=False)
# While the page cache makes a page: set to [True] once a read went to the replica (a page
# made from data that may lag the primary is not kept, core/pagecache.py).
_sent = contextvars.ContextVar("replica_reads_sent", default=None)


def replica_configured():
    return REPLICA in connections.settings


@contextlib.contextmanager
def _replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class _ReadsFromReplica(contextlib.ContextDecorator):
    def __enter__(self):
        self._context = _replica_reads()
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def reads_from_replica(function=None):
    """`with reads_from_replica():` or `@reads_from_replica`: the reads inside go to the
    replica, if one is configured."""
    if function is None:
        return _ReadsFromReplica()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _replica_reads():
            return function(*args, **kwargs)

    return wrapper


def noting_replica_reads():
    """Start noting whether reads go to the replica: (a one-item list, True once one
    did; a token for `stop_noting`)."""
    sent = [False]
    return sent, _sent.set(sent)


def stop_noting(token):
    _sent.reset(token)


class ReplicaRouter:
    """Reads inside `reads_from_replica()` to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            sent = _sent.get()
            if sent is not None:
                sent[0] = True
            return REPLICA
        return None  # Django's choice: the primary, or where a related instance came from

    def db_for_write(self, model, **hints):
        return "default"  # also for a record read from the replica

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"

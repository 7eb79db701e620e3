"""The demo town loaded once for a module's tests (it takes 15-20 s), in a transaction
rolled back after them; each test's own changes are rolled back by its `db` savepoint."""

import contextlib

from django.db import transaction

from grassroots.demo import loader


@contextlib.contextmanager
def demo_for_module(django_db_blocker, today):
    """Load the demo as of `today`; yields whether it loaded (False: it was there)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield loader.load_demo(today=today)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

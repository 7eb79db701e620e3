"""Fixtures every test shares: the small town (tests/town.py), built once per worker."""

import os
import tempfile
from pathlib import Path

import pytest

from tests.town import build_town, load_town


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, inside the request that starts them (tests that need
    # the database queue and its worker switch to it: tests/tasks/test_worker.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    settings.TASKS_DIR = tempfile.mkdtemp(prefix="grassroots-test-tasks-")


def pytest_unconfigure(config):
    import shutil

    from django.conf import settings

    if "grassroots-test-tasks-" in str(getattr(settings, "TASKS_DIR", "")):
        shutil.rmtree(settings.TASKS_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests use a database file (WAL), not a shared in-memory database: a
    background worker in its own thread then reads and writes beside the live server as
    in the embedded mode. The name is unique per run and per xdist worker."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"grassroots-test-{os.getppid() if worker != 'main' else os.getpid()}-{worker}"
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"{name}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the town once per test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        from grassroots.org.models import Unit

        if not Unit.objects.filter(code="TOWN").exists():
            build_town()


@pytest.fixture
def town(db):
    """The town namespace. Rebuilt only after a transactional test flushed the database."""
    return load_town()


@pytest.fixture
def client_for(client, town):
    """client_for('secretary') gives a test client logged in as that town user."""

    def login(username):
        client.force_login(town.users[username])
        return client

    return login


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request through the test client leaves its language active in this thread (the
    locale middleware activates it and nothing deactivates it after the response): a test
    that asked for a page in German left the next test's messages in German. Each test
    starts, and ends, with none active (the settings' LANGUAGE_CODE)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()

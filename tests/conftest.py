"""Fixtures every test shares: the small town (tests/town.py), built once per worker."""

import pytest

from tests.town import build_town, load_town


def pytest_configure(config):
    import tempfile

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, inside the request that starts them (tests that need
    # the database queue and its worker switch to it: tests/tasks/helpers.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    settings.TASKS_DIR = tempfile.mkdtemp(prefix="grassroots-test-tasks-")


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

"""Fixtures every test shares: the small town (tests/town.py), built once per worker."""

import pytest

from tests.town import build_town, load_town


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

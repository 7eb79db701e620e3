"""Settings that keep an installation safe (issue 15, item 6): no public default secret
key, sessions that end after inactivity, `check --deploy` explained by the README."""

import os
import re
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from grassroots.accounts.middleware import LAST_SEEN, LOGGED_IN_AT

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DATABASE_URL": "postgres://grassroots@db.example.org:5432/grassroots",
    "ALLOWED_HOSTS": "grassroots.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://grassroots.example.org",
    "SECURE_COOKIES": "1",
}


def _python(code, **env):
    """Run `code` in a fresh interpreter with only `env` (and PATH, HOME) set."""
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "grassroots.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def test_the_embedded_mode_generates_a_key_once_and_keeps_it(tmp_path):
    first = _python(KEY, DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and "insecure" not in key
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    again = _python(KEY, DATA_DIR=str(tmp_path))
    assert again.stdout.strip() == key
    other = _python(KEY, DATA_DIR=str(tmp_path / "other"))
    assert other.stdout.strip() != key


def test_production_without_a_key_fails_clearly(tmp_path):
    result = _python(KEY, DATA_DIR=str(tmp_path), **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_key_from_the_environment_is_used(tmp_path):
    key = secrets.token_urlsafe(50)
    result = _python(KEY, DATA_DIR=str(tmp_path), SECRET_KEY=key, **PRODUCTION)
    assert result.stdout.strip() == key


def _deploy_check(**env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "grassroots"), "check", "--deploy"],
        env={**base, **PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return result, set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr))


def test_check_deploy_warns_only_of_what_the_readme_explains():
    result, warnings = _deploy_check()
    assert result.returncode == 0, result.stderr
    readme = (ROOT / "README.md").read_text()
    unexplained = sorted(w for w in warnings if w not in readme)
    assert not unexplained, f"check --deploy warnings the README does not explain: {unexplained}"


def test_check_deploy_is_clean_with_hsts_and_the_redirect_set():
    result, warnings = _deploy_check(
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        SECURE_SSL_REDIRECT="1",
    )
    assert result.returncode == 0, result.stderr
    assert warnings == set()


@pytest.mark.django_db
def test_a_session_lasts_the_idle_time_only(client_for):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = client_for("org")
    assert client.get(reverse("people:list")).status_code == 200
    assert client.session.get_expiry_age() <= 30 * 60


@pytest.mark.django_db
def test_an_idle_session_ends(client_for):
    client = client_for("org")
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_each_use_renews_the_session_at_most_once_a_minute(client_for):
    client = client_for("org")
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    client.get(reverse("people:list"))
    assert Session.objects.get(session_key=key).expire_date == expiry  # just logged in
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 120
    session.save()
    expiry = Session.objects.get(session_key=key).expire_date
    time.sleep(1)
    client.get(reverse("people:list"))
    assert Session.objects.get(session_key=key).expire_date > expiry


@pytest.mark.django_db
def test_a_session_ends_after_the_maximum_time_however_busy(client_for):
    assert settings.SESSION_MAX_SECONDS == 12 * 3600
    client = client_for("org")
    session = client.session
    session[LOGGED_IN_AT] = int(time.time()) - 12 * 3600 - 1
    session[LAST_SEEN] = int(time.time())
    session.save()
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

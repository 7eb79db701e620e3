"""With REDIS_URL set, the cache and the sessions live in Redis, shared by every app
server (docs/scaling.md); without it, the embedded defaults. Needs Redis at
127.0.0.1:6379 (it is skipped, saying so, when none answers); database 15 is used."""

import json
import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")

SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import cache
cache.set("probe", "ok", 30)
print(json.dumps({
    "backend": settings.CACHES["default"]["BACKEND"],
    "session": settings.SESSION_ENGINE,
    "cached": cache.get("probe"),
}))
"""


def _settings_with(environ):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(environ, DJANGO_SETTINGS_MODULE="grassroots.settings")
    out = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@needs_redis
def test_redis_url_puts_the_cache_and_sessions_in_redis():
    found = _settings_with({"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"t{uuid.uuid4().hex}"})
    assert found == {
        "backend": "django.core.cache.backends.redis.RedisCache",
        "session": "django.contrib.sessions.backends.cached_db",
        "cached": "ok",
    }


def test_without_redis_url_the_embedded_defaults_stay():
    found = _settings_with({})
    assert found["backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["session"] == "django.contrib.sessions.backends.db"


@needs_redis
@pytest.mark.django_db
def test_a_session_signed_in_on_one_server_is_found_in_redis(town, client):
    prefix = f"t{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(
        CACHES=redis_cache, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        try:
            response = client.post(reverse("login"), {"username": "secretary", "password": "demo"})
            assert response.status_code == 302
            key = client.cookies["sessionid"].value
            # Another app server has no memory of this one: it finds the session in Redis.
            assert caches["default"].get(KEY_PREFIX + key)["_auth_user_id"] == str(
                town.users["secretary"].pk
            )
            assert client.get(reverse("home"), follow=True).status_code == 200
        finally:
            caches["default"].clear()

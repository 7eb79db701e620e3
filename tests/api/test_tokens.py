"""Bearer tokens: stored as a digest, checked on every call, revocable at once."""

import datetime as dt
import hashlib

from django.utils import timezone

from grassroots.accounts.models import ApiToken
from grassroots.accounts.tokens import token_create, token_revoke, user_for_token


def test_token_is_stored_only_as_its_sha256(town):
    token, plaintext = token_create(town.user("secretary"), "laptop")
    token.refresh_from_db()
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in (token.digest, token.prefix, token.name)
    assert plaintext.startswith(token.prefix)


def test_valid_token_authenticates_and_notes_its_use(api_for):
    api = api_for("secretary")
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "secretary"
    assert body["token"] == api.token.prefix
    assert body["roles"] == [{"role": "secretary", "unit": "HS"}]
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None


def test_no_token_is_401_json(anonymous_api):
    response = anonymous_api.get("/api/v1/units")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": [
            {
                "loc": ["header", "Authorization"],
                "msg": "Authentication required.",
                "type": "not_authenticated",
            }
        ]
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_bad_token_is_401(db):
    from tests.api.conftest import ApiClient

    for bad in ("gr_not-a-real-token", "nonsense", "gr_\x01"):
        assert ApiClient(bad).get("/api/v1/me").status_code == 401


def test_revoked_token_is_401(api_for):
    api = api_for("admin")
    assert api.get("/api/v1/units").status_code == 200
    token_revoke(api.token)
    assert api.get("/api/v1/units").status_code == 401


def test_token_of_deactivated_user_is_401(api_for, town):
    api = api_for("org")
    user = town.user("org")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me").status_code == 401


def test_session_may_read_but_not_write(client_for):
    client = client_for("admin")
    assert client.get("/api/v1/units/HS").status_code == 200
    response = client.patch(
        "/api/v1/units/HS", {"name": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_api_is_not_redirected_to_login(client):
    response = client.get("/api/v1/people")
    assert response.status_code == 401


def test_last_use_is_written_at_most_once_a_minute(town):
    token, plaintext = token_create(town.user("secretary"), "busy script")
    recently = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)
    assert user_for_token(plaintext) == town.user("secretary")
    token.refresh_from_db()
    assert token.last_used_at == recently  # no write for every call
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    user_for_token(plaintext)
    token.refresh_from_db()
    assert token.last_used_at > earlier

import hashlib

import pytest
from django.urls import reverse

from grassroots.accounts import tokens
from grassroots.accounts.models import ApiToken


@pytest.mark.django_db
def test_token_is_stored_as_its_sha256_only(town):
    token, plaintext = tokens.token_create(town.user("secretary"), "script")
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in {token.prefix, token.digest, token.name}
    assert plaintext.startswith(token.prefix)


@pytest.mark.django_db
def test_user_for_token_notes_the_last_use(town):
    token, plaintext = tokens.token_create(town.user("secretary"), "script")
    assert tokens.user_for_token(plaintext) == town.user("secretary")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert tokens.user_for_token(plaintext + "x") is None
    assert tokens.user_for_token("") is None


@pytest.mark.django_db
def test_revoked_token_and_inactive_user_are_refused(town):
    token, plaintext = tokens.token_create(town.user("secretary"), "script")
    tokens.token_revoke(token)
    assert tokens.user_for_token(plaintext) is None
    other, other_plain = tokens.token_create(town.user("w1_clerk"), "script")
    user = town.user("w1_clerk")
    user.is_active = False
    user.save()
    assert tokens.user_for_token(other_plain) is None


@pytest.mark.django_db
def test_token_is_shown_once_on_the_profile(client_for):
    client = client_for("secretary")
    response = client.post(reverse("accounts:token_create"), {"name": "my script"})
    token = ApiToken.objects.get(name="my script")
    page = response.content.decode()
    plaintext = page.split("<code>")[1].split("</code>")[0]
    assert tokens.user_for_token(plaintext) is not None
    assert plaintext not in client.get(reverse("accounts:me")).content.decode()
    assert token.prefix in client.get(reverse("accounts:me")).content.decode()


@pytest.mark.django_db
def test_nobody_revokes_another_users_token(client_for, town):
    token, _plain = tokens.token_create(town.user("secretary"), "script")
    response = client_for("admin").post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

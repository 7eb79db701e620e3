"""`grassroots token create|revoke`: operators make and revoke API tokens."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from grassroots.accounts.models import ApiToken
from grassroots.history.models import Cause, Change


def run(*args):
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def me(plaintext):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"})


@pytest.mark.django_db
def test_create_prints_the_token_alone_on_its_last_line(town):
    output = run("create", "secretary", "--name", "nightly export")
    plaintext = output.splitlines()[-1]
    assert plaintext.startswith("gr_") and " " not in plaintext
    response = me(plaintext)
    assert response.status_code == 200
    assert response.json()["username"] == "secretary"
    token = ApiToken.objects.get(name="nightly export")
    assert token.user == town.user("secretary")
    assert plaintext not in (token.digest, token.prefix)
    change = Change.objects.get(model="accounts.apitoken", action="create")
    assert (change.cause, change.reference, change.actor) == (Cause.COMMAND, "token create", None)


@pytest.mark.django_db
def test_revoke_stops_the_token_at_once(town):
    plaintext = run("create", "secretary", "--name", "laptop").splitlines()[-1]
    other = run("create", "secretary", "--name", "server").splitlines()[-1]
    output = run("revoke", "laptop", "--user", "secretary")
    assert "Revoked 1 token" in output
    assert me(plaintext).status_code == 401
    assert me(other).status_code == 200
    change = Change.objects.filter(model="accounts.apitoken", action="update").get()
    assert (change.cause, change.reference) == (Cause.COMMAND, "token revoke")


@pytest.mark.django_db
def test_revoke_names_only_that_users_tokens(town):
    plaintext = run("create", "secretary", "--name", "laptop").splitlines()[-1]
    with pytest.raises(CommandError, match="org has no active token named laptop"):
        run("revoke", "laptop", "--user", "org")
    assert me(plaintext).status_code == 200
    run("revoke", "laptop", "--user", "secretary")
    with pytest.raises(CommandError, match="no active token"):
        run("revoke", "laptop", "--user", "secretary")


@pytest.mark.django_db
def test_unknown_or_inactive_user_is_refused(town):
    with pytest.raises(CommandError, match="Unknown user nobody"):
        run("create", "nobody", "--name", "x")
    user = town.user("w1_clerk")
    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="not active"):
        run("create", "w1_clerk", "--name", "x")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoke_works_for_a_deactivated_user(town):
    """A leaver's account is deactivated first; their token must still be revocable, or
    reactivating the account would bring it back."""
    plaintext = run("create", "secretary", "--name", "laptop").splitlines()[-1]
    user = town.user("secretary")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert "Revoked 1 token" in run("revoke", "laptop", "--user", "secretary")
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert me(plaintext).status_code == 401


@pytest.mark.django_db
def test_a_name_breaking_the_models_limits_is_refused_naming_the_field(town):
    with pytest.raises(CommandError, match="name: Remove the control character U\\+202E"):
        run("create", "secretary", "--name", "evil\u202ename")
    with pytest.raises(CommandError, match="name: Ensure this value has at most 100"):
        run("create", "secretary", "--name", "x" * 101)
    assert not ApiToken.objects.exists()

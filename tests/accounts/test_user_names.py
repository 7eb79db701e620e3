"""A new account's user name is one the log-in can take: letters, digits and @.+-_ only;
the names hold no control character. The page names the field that is wrong.

The account form created "a b!" followed by U+202E RIGHT-TO-LEFT OVERRIDE as a user name.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

User = get_user_model()

PASSWORD = "a-long-pass-phrase"


def _create(client, **data):
    return client.post(
        reverse("accounts:user_create"),
        {"password": PASSWORD, "unit": "W1C1", "role": "secretary", **data},
    )


@pytest.mark.parametrize("username", ["a b", "a!b", "cell1\u202e", "x/y"])
def test_a_user_name_with_other_characters_is_refused_naming_the_field(client_for, username):
    response = _create(client_for("admin"), username=username)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(username=username).exists()


def test_a_control_character_in_a_name_is_refused_naming_the_field(client_for):
    response = _create(client_for("admin"), username="cell1", last_name="Lê\u202e")
    assert "last_name" in response.context["form"].errors
    assert not User.objects.filter(username="cell1").exists()


def test_a_plain_user_name_is_taken(client_for):
    response = _create(client_for("admin"), username="thu.nguyen-2@w1", first_name="Thu")
    assert response.status_code == 302
    assert User.objects.filter(username="thu.nguyen-2@w1").exists()


def test_every_error_of_a_new_account_shows_in_one_round(client_for):
    """A bad e-mail address used to hide the taken name and the short password until the
    address was put right: the service's checks ran only once the fields were valid."""
    response = _create(
        client_for("admin"), username="secretary", email="not an address", password="short"
    )
    errors = response.context["form"].errors
    assert {"username", "email", "password"} <= set(errors)
    assert any("taken" in message for message in errors["username"])
    assert all(len(messages) >= 1 for messages in errors.values())

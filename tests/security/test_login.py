"""Log-in that resists guessing (issue 15, item 5).

Finding: thirty wrong passwords in a row for `org`, no delay, no lock, and the right one
worked straight after; only the length and common-password validators were on.
"""

import datetime as dt
from collections import Counter

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import LoginFailure, Role, RoleAssignment
from grassroots.history.models import Change

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def _log_in(username, password, address="10.0.0.1", **extra):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password, **extra})
    return client, response


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_and_the_right_one_is_refused(town):
    for _ in range(LIMIT):
        _client, response = _log_in("org", "wrong")
        assert response.status_code in {200, 429}
    client, response = _log_in("org", "demo")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_the_lock_is_per_account_from_any_address(town):
    for number in range(LIMIT):
        _log_in("org", "wrong", address=f"10.0.1.{number}")
    client, response = _log_in("org", "demo", address="10.0.2.1")
    assert response.status_code == 429 and not _logged_in(client)
    client, _response = _log_in("admin", "demo", address="10.0.2.1")
    assert _logged_in(client)


def test_the_lock_is_per_address_across_accounts(town):
    for username in ["u1", "u2", "u3", "u4", "u5", "u6"][:LIMIT]:
        _log_in(username, "wrong", address="10.0.3.1")
    client, response = _log_in("admin", "demo", address="10.0.3.1")
    assert response.status_code == 429 and not _logged_in(client)
    client, _response = _log_in("admin", "demo", address="10.0.3.2")
    assert _logged_in(client)


def test_the_page_says_when_to_try_again(town):
    for _ in range(LIMIT):
        _log_in("org", "wrong")
    _client, response = _log_in("org", "demo")
    page = response.content.decode()
    assert "Try again in 15 minutes" in page
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # Failing again during the lock-out does not make it longer.
    before = AccessAttempt.objects.get(username="org").attempt_time
    _log_in("org", "wrong")
    assert AccessAttempt.objects.get(username="org").attempt_time == before


def test_the_lock_ends_by_itself_after_the_cool_off(town):
    for _ in range(LIMIT):
        _log_in("org", "wrong")
    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    client, _response = _log_in("org", "demo")
    assert _logged_in(client)


def test_the_unlock_command_ends_a_lock_at_once(town, capsys):
    for _ in range(LIMIT):
        _log_in("org", "wrong")
    call_command("unlock", user="org")
    assert "Unlocked" in capsys.readouterr().out
    client, _response = _log_in("org", "demo", address="10.0.9.9")
    assert _logged_in(client)
    change = Change.objects.filter(model="auth.user", object_id=str(town.user("org").pk)).first()
    assert change.after == {"locked_out": False} and change.reference == "unlock"


def test_the_unlock_command_frees_an_address(town):
    for username in ["u1", "u2", "u3", "u4", "u5", "u6"][:LIMIT]:
        _log_in(username, "wrong", address="10.0.4.1")
    call_command("unlock", address="10.0.4.1")
    client, _response = _log_in("admin", "demo", address="10.0.4.1")
    assert _logged_in(client)


def test_a_success_clears_the_count_of_earlier_failures(town):
    for _ in range(LIMIT - 1):
        _log_in("org", "wrong")
    assert _logged_in(_log_in("org", "demo")[0])
    _log_in("org", "wrong")
    assert _logged_in(_log_in("org", "demo")[0])


def test_failed_log_ins_and_lock_outs_are_recorded_for_the_administrators_above(town, client_for):
    for _ in range(LIMIT + 1):
        _log_in("secretary", "wrong")
    _log_in("nobody-of-that-name", "wrong", address="10.0.5.1")
    kinds = Counter(
        LoginFailure.objects.filter(username="secretary").values_list("kind", flat=True)
    )
    assert kinds == {"failed": LIMIT, "locked_out": 1, "refused": 1}
    # The town's administrator sees the secretary's failures and the unknown name.
    page = client_for("admin").get(reverse("accounts:login_failures"))
    seen = {(f.username, f.kind) for f in page.context["page_obj"]}
    assert {("secretary", "locked_out"), ("nobody-of-that-name", "failed")} <= seen
    # An administrator of ward 1 manages no account of the high school: sees none of it.
    RoleAssignment.objects.create(
        user=town.user("w1_viewer"), unit=town.unit("W1"), role=Role.ADMINISTRATOR
    )
    page = client_for("w1_viewer").get(reverse("accounts:login_failures"))
    assert list(page.context["page_obj"]) == []
    # The account's own page lists them too.
    detail = client_for("admin").get(reverse("accounts:user_detail", args=["secretary"]))
    assert len(detail.context["login_failures"]) == LIMIT + 2


def test_only_administrators_read_failed_log_ins(client_for):
    assert client_for("org").get(reverse("accounts:login_failures")).status_code == 403


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("sec2sec2", "too similar to the user name, and too short"),
        ("short-pw1", "shorter than 12 characters"),
        ("password1234", "common"),
        ("203948571029", "only digits"),
    ],
)
def test_weak_passwords_are_refused(django_user_model, password, why):
    user = django_user_model(username="sec2", email="sec2@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_djangos_full_set_of_password_validators_is_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_the_account_form_refuses_a_password_like_the_user_name(client_for):
    response = client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": "sec2", "password": "sec2sec2", "unit": "HS", "role": "secretary"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_a_successful_log_in_is_recorded_too(town):
    from axes.models import AccessLog

    _log_in("org", "demo", address="10.0.6.1")
    entry = AccessLog.objects.get(username="org")
    assert entry.ip_address == "10.0.6.1" and entry.attempt_time is not None


def test_log_in_gives_a_new_session_key(town):
    client = Client(REMOTE_ADDR="10.0.7.1")
    client.get(LOGIN)
    client.cookies["sessionid"] = "an-attackers-fixed-session-key"
    client.post(LOGIN, {"username": "org", "password": "demo"})
    assert client.session.session_key != "an-attackers-fixed-session-key"
    assert _logged_in(client)


def test_log_out_ends_the_session_on_the_server(town):
    client, _response = _log_in("org", "demo", address="10.0.7.2")
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_deactivated_account_loses_its_session(town, client_for):
    from grassroots.accounts import services
    from grassroots.history.services import Trace

    client, _response = _log_in("w1_viewer", "demo", address="10.0.7.3")
    services.user_deactivate(trace=Trace(user=town.user("admin")), user=town.user("w1_viewer"))
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_the_session_cookie_is_http_only_and_same_site(town):
    _client, response = _log_in("org", "demo", address="10.0.7.4")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_passwords_of_any_composition_and_length_are_accepted(django_user_model):
    user = django_user_model(username="sec2")
    validate_password("correct horse battery staple", user)  # no composition rules
    validate_password("a sentence that is long " * 4, user)  # 96 characters


def test_a_password_change_ends_the_accounts_other_sessions(town):
    elsewhere, _response = _log_in("org", "demo", address="10.0.8.1")
    here, _response = _log_in("org", "demo", address="10.0.8.2")
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": "demo",
            "new_password1": "a-new-pass-phrase",
            "new_password2": "a-new-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("people:list")).status_code == 200  # this session stays
    response = elsewhere.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)

"""The optional second factor (TOTP) for administrators and organisation committees."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grassroots.accounts import twofactor
from grassroots.history.models import Change

pytestmark = pytest.mark.django_db

PAGE = "/accounts/me/second-factor/"


def _code(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _enrol(client, username, town):
    client.post(PAGE, {"action": "begin"})
    device = TOTPDevice.objects.get(user=town.user(username))
    response = client.post(PAGE, {"action": "confirm", "token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def _log_in(username, password="demo", code=None, address="10.1.0.1"):
    client = Client(REMOTE_ADDR=address)
    data = {"username": username, "password": password}
    if code is not None:
        data["otp_token"] = code
    response = client.post(reverse("login"), data)
    return client, response


def test_enrolment_shows_a_qr_code_drawn_by_the_app(client_for, town):
    client = client_for("org")
    client.post(PAGE, {"action": "begin"})
    page = client.get(PAGE)
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # inline SVG, no image from elsewhere
    device = TOTPDevice.objects.get(user=town.user("org"), confirmed=False)
    assert twofactor.secret_of(device) in html
    assert "no-store" in page["Cache-Control"]


def test_a_wrong_code_does_not_switch_it_on(client_for, town):
    client = client_for("org")
    client.post(PAGE, {"action": "begin"})
    response = client.post(PAGE, {"action": "confirm", "token": "000000"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_once_on_log_in_needs_the_code(client_for, town):
    device = _enrol(client_for("org"), "org", town)
    change = Change.objects.filter(model="auth.user", object_id=str(town.user("org").pk)).first()
    assert change.after == {"second_factor": "on"}

    client, response = _log_in("org")
    assert "_auth_user_id" not in client.session
    without_code = response.context["form"].non_field_errors()
    client, response = _log_in("org", "wrong-password", code=_code(device))
    assert response.context["form"].non_field_errors() == without_code  # nothing told
    client, _response = _log_in("org", code=_code(device, drift=1))
    assert "_auth_user_id" in client.session


def test_wrong_codes_count_towards_the_lock_out(client_for, town):
    _enrol(client_for("admin"), "admin", town)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in("admin", code="123456")
    _client, response = _log_in("admin", code="654321")
    assert response.status_code == 429


def test_switching_it_off_needs_a_current_code(client_for, town):
    client = client_for("org")
    device = _enrol(client, "org", town)
    assert client.post(PAGE, {"action": "remove", "token": "000000"}).status_code == 400
    assert client.post(PAGE, {"action": "remove", "token": _code(device, 1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=town.user("org")).exists()
    client, _response = _log_in("org")
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("username", ["secretary", "w1_clerk", "w1_viewer"])
def test_only_officers_may_set_one_up(client_for, username):
    client = client_for(username)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "begin"}).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_accounts_without_a_second_factor_log_in_with_the_password(town):
    client, _response = _log_in("secretary")
    assert "_auth_user_id" in client.session


def test_a_code_works_once_and_only_while_it_is_current(client_for, town):
    device = _enrol(client_for("org"), "org", town)
    code = _code(device, drift=1)
    client, _response = _log_in("org", code=code)
    assert "_auth_user_id" in client.session
    client, _response = _log_in("org", code=code)  # used already
    assert "_auth_user_id" not in client.session
    client, _response = _log_in("org", code=_code(device, drift=-3))  # 90 seconds old
    assert "_auth_user_id" not in client.session

"""A password an administrator chose works once; users change their own password and
language; each role says in plain words what it may do."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from grassroots.accounts.models import Profile, RoleAssignment
from grassroots.accounts.roles import ACTION_DESCRIPTIONS, PERMISSIONS, role_descriptions
from grassroots.history.models import Change

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-pass-phrase"


def _create(client_for, username="cell1"):
    response = client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": username, "password": PASSWORD, "unit": "W1C1", "role": "secretary"},
    )
    assert response.status_code == 302
    client_for("admin").logout()
    return User.objects.get(username=username)


def _log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_new_account_must_change_its_password_at_first_log_in(client, client_for):
    user = _create(client_for)
    assert Profile.objects.get(user=user).must_change_password
    _log_in(client, "cell1")
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    assert "works only once" in client.get(reverse("accounts:password_change")).content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "my-own-secret-9",
            "new_password2": "my-own-secret-9",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200
    assert not Profile.objects.get(user=user).must_change_password
    user.refresh_from_db()
    assert user.check_password("my-own-secret-9")


def test_pieces_of_pages_are_empty_until_the_password_is_changed(client, client_for):
    _create(client_for)
    _log_in(client, "cell1")
    badge = reverse("deadlines:notification_badge")
    assert client.get(badge, headers={"HX-Request": "true"}).status_code == 204


def test_the_one_time_password_still_allows_logging_out(client, client_for):
    _create(client_for)
    _log_in(client, "cell1")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("people:list")).url.startswith(reverse("login"))


def test_an_administrator_resets_a_password_to_a_one_time_one(client, client_for, town):
    admin = client_for("admin")
    url = reverse("accounts:user_password_reset", kwargs={"username": "w1_viewer"})
    assert admin.post(url, {"password": "reset-pass-2026"}).status_code == 302
    admin.logout()
    viewer = town.user("w1_viewer")
    viewer.refresh_from_db()
    assert viewer.check_password("reset-pass-2026")
    change = Change.objects.filter(model="auth.user", object_id=str(viewer.pk)).latest("at")
    assert change.after["must_change_password"] is True
    assert "reset-pass-2026" not in str(change.after) + str(change.before)
    _log_in(client, "w1_viewer", "reset-pass-2026")
    assert client.get(reverse("home")).url == reverse("accounts:password_change")


def test_a_weak_password_is_refused_with_the_form_back(client_for):
    url = reverse("accounts:user_password_reset", kwargs={"username": "w1_viewer"})
    response = client_for("admin").post(url, {"password": "123"})
    assert response.status_code == 400
    assert "has-error" in response.content.decode()


def test_an_administrator_of_a_ward_cannot_reset_an_account_with_roles_elsewhere(client, town):
    w1_admin = User.objects.create_user("w1_admin", password="x")
    RoleAssignment.objects.create(user=w1_admin, unit=town.unit("W1"), role="administrator")
    RoleAssignment.objects.create(user=town.user("w1_viewer"), unit=town.unit("HS"), role="viewer")
    client.force_login(w1_admin)
    url = reverse("accounts:user_password_reset", kwargs={"username": "w1_viewer"})
    assert client.post(url, {"password": "reset-pass-2026"}).status_code == 403


def test_password_changes_are_recorded_without_the_password(client_for, town):
    client = client_for("secretary")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "demo",
            "new_password1": "my-own-secret-9",
            "new_password2": "my-own-secret-9",
        },
    )
    user = town.user("secretary")
    change = Change.objects.filter(model="auth.user", object_id=str(user.pk)).latest("at")
    assert "my-own-secret-9" not in str(change.after)
    assert change.after["must_change_password"] is False


def test_a_user_chooses_their_language_and_keeps_it_at_the_next_log_in(client, client_for, town):
    me = client_for("secretary")
    response = me.post(reverse("set_language"), {"language": "vi", "next": reverse("accounts:me")})
    assert response.status_code == 302
    assert Profile.objects.get(user=town.user("secretary")).language == "vi"
    me.logout()
    me.cookies.clear()
    _log_in(me, "secretary", "demo")
    assert me.get(reverse("accounts:me")).headers["Content-Language"] == "vi"


def test_the_me_page_offers_password_and_language(client_for):
    page = client_for("secretary").get(reverse("accounts:me")).content.decode()
    assert reverse("accounts:password_change") in page
    assert 'name="language"' in page


def test_every_action_has_plain_words():
    assert set(ACTION_DESCRIPTIONS) == {a for actions in PERMISSIONS.values() for a in actions}


def test_each_role_is_described_by_exactly_what_it_may_do():
    for role, _label, sentences in role_descriptions():
        assert sentences == [
            ACTION_DESCRIPTIONS[a] for a in ACTION_DESCRIPTIONS if a in PERMISSIONS[role]
        ]


def test_roles_are_explained_where_they_are_assigned(client_for):
    admin = client_for("admin")
    for url in (
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", kwargs={"username": "w1_viewer"}),
    ):
        page = admin.get(url).content.decode()
        assert "What each role may see and do" in page
        assert str(ACTION_DESCRIPTIONS["manage_accounts"]) in page

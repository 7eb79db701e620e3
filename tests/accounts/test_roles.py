import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts import scope
from grassroots.accounts.models import Role, RoleAssignment
from grassroots.history.models import Change

User = get_user_model()


@pytest.fixture
def w1_admin(town):
    user = User.objects.create_user("w1_admin", password="demo")
    RoleAssignment.objects.create(user=user, unit=town.unit("W1"), role=Role.ADMINISTRATOR)
    return user


def _usernames(response):
    return {u.username for u in response.context["page_obj"]}


@pytest.mark.django_db
def test_ward_admin_lists_only_accounts_of_the_ward(client, w1_admin):
    client.force_login(w1_admin)
    assert _usernames(client.get(reverse("accounts:users"))) == {
        "w1_admin",
        "w1_clerk",
        "w1_viewer",
    }


@pytest.mark.django_db
def test_ward_admin_creates_an_account_in_the_ward(client, w1_admin, town):
    client.force_login(w1_admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "cell1",
            "password": "a-long-pass-phrase",
            "unit": "W1C1",
            "role": "secretary",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="cell1")
    assert user.check_password("a-long-pass-phrase")
    assert RoleAssignment.objects.get(user=user).unit == town.unit("W1C1")
    change = Change.objects.get(model="auth.user", object_id=str(user.pk))
    assert change.after["roles"] == ["secretary@W1C1"]


@pytest.mark.django_db
def test_granting_a_role_outside_the_subtree_finds_no_unit(client, w1_admin, town):
    """A unit out of the admin's subtree is not found (the form comes back, input kept)."""
    client.force_login(w1_admin)
    response = client.post(
        reverse("accounts:role_grant", args=["w1_clerk"]), {"unit": "HS", "role": "viewer"}
    )
    assert response.status_code == 400
    assert "No unit" in response.content.decode()
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "x", "password": "a-long-pass-phrase", "unit": "HS", "role": "viewer"},
    )
    assert response.status_code == 200
    assert "No unit" in response.content.decode()
    assert not User.objects.filter(username="x").exists()
    assert not RoleAssignment.objects.filter(unit=town.unit("HS"), user__username="w1_clerk")


@pytest.mark.django_db
def test_grant_and_revoke_are_recorded(client, w1_admin, town):
    client.force_login(w1_admin)
    client.post(
        reverse("accounts:role_grant", args=["w1_viewer"]), {"unit": "W1C1", "role": "clerk"}
    )
    viewer = town.user("w1_viewer")
    granted = RoleAssignment.objects.get(user=viewer, role="clerk")
    client.post(reverse("accounts:role_revoke", args=[granted.pk]))
    # Revoked roles are ended, not deleted: who held what stays known.
    assert not RoleAssignment.objects.get(pk=granted.pk).is_active_on(timezone.localdate())
    revoked = Change.objects.filter(model="auth.user", object_id=str(viewer.pk)).first()
    before, after = revoked.before, revoked.after
    assert "clerk@W1C1" in before["roles"] and "clerk@W1C1" not in after["roles"]


@pytest.mark.django_db
def test_account_without_roles_stays_visible_to_the_admin_who_revoked(client, w1_admin, town):
    client.force_login(w1_admin)
    viewer = town.user("w1_viewer")
    assignment = RoleAssignment.objects.get(user=viewer)
    client.post(reverse("accounts:role_revoke", args=[assignment.pk]))
    assert not viewer.role_assignments.filter(scope.in_force()).exists()
    assert "w1_viewer" in _usernames(client.get(reverse("accounts:users")))
    assert client.get(reverse("accounts:user_detail", args=["w1_viewer"])).status_code == 200
    client.force_login(town.user("outsider"))
    assert client.get(reverse("accounts:user_detail", args=["w1_viewer"])).status_code == 404


@pytest.mark.django_db
def test_admin_deactivates_an_account(client, w1_admin, town):
    client.force_login(w1_admin)
    client.post(reverse("accounts:user_deactivate", args=["w1_clerk"]))
    assert not User.objects.get(username="w1_clerk").is_active


@pytest.mark.django_db
def test_ward_admin_cannot_deactivate_a_town_account(client, w1_admin, town):
    RoleAssignment.objects.create(user=town.user("org"), unit=town.unit("W1"), role=Role.VIEWER)
    client.force_login(w1_admin)
    assert client.post(reverse("accounts:user_deactivate", args=["org"])).status_code == 403
    assert User.objects.get(username="org").is_active


@pytest.mark.django_db
def test_non_admins_get_403_on_the_account_list(client_for):
    assert client_for("secretary").get(reverse("accounts:users")).status_code == 403


@pytest.mark.django_db
def test_password_change(client_for):
    client = client_for("secretary")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "demo",
            "new_password1": "a-new-pass-phrase",
            "new_password2": "a-new-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="secretary").check_password("a-new-pass-phrase")

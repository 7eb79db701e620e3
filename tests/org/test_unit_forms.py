import pytest
from django.urls import reverse

from grassroots.history.models import Cause, Change
from grassroots.org.models import Unit


def _changes(unit):
    return Change.objects.filter(model="org.unit", object_id=str(unit.pk)).order_by("at", "id")


@pytest.mark.django_db
def test_org_creates_a_cell_under_a_ward_with_history(client_for, town):
    response = client_for("org").post(
        reverse("org:create") + "?parent=W1",
        {"parent": "W1", "code": "W1C3", "name": "Market cell", "kind": "cell"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="W1C3")
    assert unit.get_parent().code == "W1"
    assert unit.effective_cluster.name == "Gò Nổi"
    change = _changes(unit).get()
    assert change.cause == Cause.FORM
    assert change.actor == town.user("org")
    assert change.after["parent"] == "W1"


@pytest.mark.django_db
def test_create_form_names_the_bad_field(client_for):
    response = client_for("org").post(
        reverse("org:create"), {"parent": "W1", "code": "HS", "name": "Again", "kind": "cell"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["A unit with code HS already exists."]


@pytest.mark.django_db
def test_nothing_can_be_created_below_a_group(client_for):
    response = client_for("org").post(
        reverse("org:create"), {"parent": "W1C1G1", "code": "X", "name": "X", "kind": "group"}
    )
    assert "A group cannot have units below it." in response.content.decode()
    assert not Unit.objects.filter(code="X").exists()


@pytest.mark.django_db
def test_move_records_old_and_new_parent(client_for, town):
    response = client_for("org").post(reverse("org:move", args=["W1C2"]), {"parent": "W2"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="W1C2")
    assert unit.get_parent().code == "W2"
    last = _changes(unit).last()
    assert (last.before["parent"], last.after["parent"]) == ("W1", "W2")


@pytest.mark.django_db
def test_move_below_itself_is_refused_on_the_field(client_for):
    response = client_for("org").post(reverse("org:move", args=["W1"]), {"parent": "W1C1"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["A unit cannot be moved below itself."]


@pytest.mark.django_db
def test_move_needs_the_right_on_the_new_parent(client_for, town):
    from grassroots.accounts.models import Role, RoleAssignment

    user = town.user("w1_viewer")
    RoleAssignment.objects.create(user=user, unit=town.unit("W1"), role=Role.ORGANISATION_COMMITTEE)
    response = client_for("w1_viewer").post(reverse("org:move", args=["W1C2"]), {"parent": "W2"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Unit.objects.get(code="W1C2").get_parent().code == "W1"


@pytest.mark.django_db
def test_edit_changes_the_name_and_keeps_the_previous_one(client_for):
    client = client_for("org")
    response = client.post(
        reverse("org:edit", args=["W2"]),
        {"code": "W2", "name": "Ward 2 (merged)", "kind": "committee", "valid_from": "1930-02-03"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="W2")
    assert _changes(unit).last().before["name"] == "Ward 2"
    assert "Ward 2 (merged)" in client.get(reverse("org:history", args=["W2"])).content.decode()


@pytest.mark.django_db
def test_viewer_cannot_edit_units(client_for):
    client = client_for("w1_viewer")
    assert client.get(reverse("org:edit", args=["W1C1"])).status_code == 403
    assert client.get(reverse("org:create") + "?parent=W1").status_code == 403


@pytest.mark.django_db
def test_outsider_cannot_create_below_the_high_school(client_for):
    assert client_for("outsider").get(reverse("org:create") + "?parent=HS").status_code == 404

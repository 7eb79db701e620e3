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


def _move(client, code, parent, confirm=False, day="2025-07-01"):
    data = {"parent": parent, "day": day, "reference": "NQ 1"}
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("org:move", args=[code]), data)


@pytest.mark.django_db
def test_move_is_previewed_then_recorded_with_old_and_new_parent(client_for, town):
    client = client_for("admin")
    preview = _move(client, "W1C2", "W2")
    assert preview.status_code == 200 and preview.context["outcome"].dry_run
    assert Unit.objects.get(code="W1C2").get_parent().code == "W1"  # nothing written yet
    response = _move(client, "W1C2", "W2", confirm=True)
    assert response.status_code == 302 and "/restructuring/" in response["Location"]
    unit = Unit.objects.get(code="W1C2")
    assert unit.get_parent().code == "W2"
    last = _changes(unit).last()
    assert (last.before["parent"], last.after["parent"]) == ("W1", "W2")
    assert last.cause == "restructuring"


@pytest.mark.django_db
def test_move_below_itself_is_refused_on_the_field(client_for):
    response = _move(client_for("admin"), "W1", "W1C1")
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["A unit cannot be moved below itself."]


@pytest.mark.django_db
def test_restructuring_is_for_administrators_above_the_unit(client_for, town):
    from grassroots.accounts.models import Role, RoleAssignment

    # The organisation committee changes units but does not restructure them.
    assert _move(client_for("org"), "W1C2", "W2").status_code == 403
    # An administrator of W1 may not move W1C2 under W2, which is not theirs.
    user = town.user("w1_viewer")
    RoleAssignment.objects.create(user=user, unit=town.unit("W1"), role=Role.ADMINISTRATOR)
    response = _move(client_for("w1_viewer"), "W1C2", "W2", confirm=True)
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

"""Roles on a unit that a restructuring ends: they end with it, appear in the work list of
the administrator above to be reassigned, and leave it once followed up (issue 10)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from grassroots.accounts import scope
from grassroots.accounts.models import RoleAssignment
from grassroots.deadlines.selectors import work_list
from grassroots.org import restructure
from grassroots.org.models import Unit


def _merge_wards(town):
    return restructure.unit_merge(
        trace=town.trace,
        units=[Unit.objects.get(code="W1"), Unit.objects.get(code="W2")],
        into="W12",
        name="Ward 1 and 2",
        parent=Unit.objects.get(code="TOWN"),
        day=timezone.localdate(),
    )


def test_ended_roles_wait_in_the_admins_work_list_until_followed_up(town, client_for):
    outcome = _merge_wards(town)
    today = timezone.localdate()
    ended = RoleAssignment.objects.filter(ended_by_event=outcome.event)
    assert {a.user.username for a in ended} == {"w1_clerk", "w1_viewer", "outsider"}
    # Fail closed: the ward's viewer sees nothing of the merged ward.
    viewer = town.user("w1_viewer")
    scope.forget(viewer)
    assert not scope.units_visible_to(viewer).filter(code="W12").exists()

    items = [i for i in work_list(town.user("admin"), today) if i["kind"] == "role"]
    assert sorted(i["label"].split("'s role")[0] for i in items) == [
        "outsider",
        "w1_clerk",
        "w1_viewer",
    ]
    assert all(i["days_late"] == 0 and i["unit"].code in ("W1", "W2") for i in items)
    # A secretary manages no accounts: nothing to reassign in their list.
    assert not [i for i in work_list(town.user("secretary"), today) if i["kind"] == "role"]

    client = client_for("admin")
    page = client.get(reverse("restructuring:event", kwargs={"pk": outcome.event.pk}))
    assert b"Mark followed up" in page.content
    # The summary names roles and the history its cause in the reader's words, not codes.
    text = page.content.decode()
    assert "w1_clerk · clerk · W1" in text and "viewer · W1" in text
    assert "unit-event:" not in text and f"event no. {outcome.event.pk}" in text
    page = client.get(
        reverse("restructuring:event", kwargs={"pk": outcome.event.pk}),
        headers={"accept-language": "vi"},
    )
    assert "w1_clerk · clerk ·" not in page.content.decode()
    clerk = ended.get(user__username="w1_clerk")
    response = client.post(reverse("accounts:assignment_follow_up", kwargs={"pk": clerk.pk}))
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.followed_up_on == today
    left = [i for i in work_list(town.user("admin"), today) if i["kind"] == "role"]
    assert len(left) == 2
    assert today - dt.timedelta(days=1) == clerk.ended_on


def test_a_role_in_force_cannot_be_marked_followed_up(town, client_for):
    assignment = RoleAssignment.objects.get(user=town.user("w1_viewer"))
    response = client_for("admin").post(
        reverse("accounts:assignment_follow_up", kwargs={"pk": assignment.pk})
    )
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.followed_up_on is None

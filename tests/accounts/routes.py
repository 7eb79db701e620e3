import datetime as dt

from django.utils import timezone

from grassroots.accounts import tokens
from grassroots.accounts.models import RoleAssignment
from tests.urlcheck import Route


def _admin_token(town):
    token, _plaintext = tokens.token_create(town.user("admin"), "route check")
    return {"pk": token.pk}


def _viewer_assignment(town):
    return {"pk": RoleAssignment.objects.get(user=town.user("w1_viewer")).pk}


def _ended_assignment(town):
    """The ward viewer's role, ended by a restructuring that closed a new empty cell."""
    from grassroots.org import restructure
    from grassroots.org import services as org_services
    from grassroots.org.models import Unit

    assignment = RoleAssignment.objects.get(user=town.user("w1_viewer"))
    cell = org_services.unit_create(
        trace=town.trace,
        parent=Unit.objects.get(code="W1"),
        code="W1TMP",
        name="Temporary cell",
        kind="cell",
        valid_from=dt.date(2020, 1, 1),
    )
    assignment.unit = cell
    assignment.save()
    restructure.unit_close(trace=town.trace, unit=cell, day=timezone.localdate())
    return {"pk": assignment.pk}


ROUTES = [
    Route("accounts:me"),
    Route("accounts:password_change"),
    Route("accounts:password_change_done"),
    Route("accounts:token_create", method="post", data=lambda town: {"name": "script"}),
    Route("accounts:token_revoke", method="post", kwargs=_admin_token),
    # Administrators and organisation committees only: a secretary may not set one up.
    Route("accounts:two_factor", weak_user="secretary"),
    Route("accounts:login_failures", weak_user="org"),
    Route("accounts:users", weak_user="w1_viewer"),
    Route("accounts:user_create", weak_user="w1_viewer"),
    Route("accounts:user_detail", kwargs=lambda town: {"username": "secretary"}, record_unit="HS"),
    Route(
        "accounts:role_grant",
        method="post",
        kwargs=lambda town: {"username": "w1_viewer"},
        data=lambda town: {"unit": "W1C1", "role": "viewer"},
        record_unit="W1",
    ),
    Route("accounts:role_revoke", method="post", kwargs=_viewer_assignment, record_unit="W1"),
    Route(
        "accounts:assignment_follow_up",
        method="post",
        kwargs=_ended_assignment,
        record_unit="W1",
    ),
    Route(
        "accounts:user_password_reset",
        method="post",
        kwargs=lambda town: {"username": "w1_viewer"},
        data=lambda town: {"password": "a-new-one-time-pass"},
        record_unit="W1",
    ),
    Route(
        "accounts:user_deactivate",
        method="post",
        kwargs=lambda town: {"username": "w1_viewer"},
        record_unit="W1",
    ),
]

"""Accounts and roles. Each function is one transaction and writes history.

Role grants and revocations are recorded as changes of the user account with the unit's
path, so an account stays visible to the administrators of every unit where it was created
or held a role, even after its last role is revoked (see selectors.users_for).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.history.models import Change
from grassroots.history.services import record_change

from .models import Role, RoleAssignment

User = get_user_model()


def _roles_of(user):
    return sorted(
        f"{a.role}@{a.unit.code}"
        for a in RoleAssignment.objects.filter(user=user).select_related("unit")
    )


@transaction.atomic
def user_create(*, trace, username, password, unit, role, first_name="", last_name="", email=""):
    """Create an account with its first role on `unit`; the account's home is that unit."""
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = [_("A user name is required.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("The user name %(name)s is taken.") % {"name": username}]
    if role not in Role.values:
        errors["role"] = [_("Unknown role %(role)s.") % {"role": role}]
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, unit=unit, role=role)
    record_change(
        trace,
        user,
        action=Change.Action.CREATE,
        after={
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "roles": _roles_of(user),
        },
        unit_path=unit.path,
    )
    return user


@transaction.atomic
def role_grant(*, trace, user, unit, role):
    """Give `user` the role on `unit` (no-op if held already)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    before = _roles_of(user)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record_change(
            trace,
            user,
            action=Change.Action.UPDATE,
            before={"roles": before},
            after={"roles": _roles_of(user)},
            unit_path=unit.path,
        )
    return assignment


@transaction.atomic
def role_revoke(*, trace, assignment):
    """Take a role away; the change is recorded on the user with the unit's path."""
    user, unit = assignment.user, assignment.unit
    before = _roles_of(user)
    assignment.delete()
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"roles": before},
        after={"roles": _roles_of(user)},
        unit_path=unit.path,
    )


@transaction.atomic
def user_deactivate(*, trace, user, unit_path=""):
    """Switch an account off: it can no longer log in or use its API tokens."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"is_active": True},
        after={"is_active": False},
        unit_path=unit_path,
    )
    return user

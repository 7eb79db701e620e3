"""Accounts and roles. Each function is one transaction and writes history.

Role grants and revocations are recorded as changes of the user account. A revoked role,
or one whose unit ended in a restructuring, is not deleted but ended (`ended_on`), so an
account stays visible to the administrators of every unit where it held a role, even after
its last role ended (see selectors.users_for), and who held what stays known.
"""

import datetime as dt

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.dates import shown_day
from grassroots.history.models import Change
from grassroots.history.services import record_change
from grassroots.inputs import field_errors, plain_text

from . import scope
from .models import LoginFailure, Profile, Role, RoleAssignment

User = get_user_model()


def _roles_of(user):
    return sorted(
        f"{a.role}@{a.unit.code}"
        for a in RoleAssignment.objects.filter(scope.in_force(), user=user).select_related("unit")
    )


def _require_open(unit):
    if unit.valid_to is not None and unit.valid_to < timezone.localdate():
        raise ValidationError(
            {
                "unit": _("%(unit)s ended on %(day)s: give the role on a unit that exists.")
                % {"unit": unit, "day": shown_day(unit.valid_to)}
            }
        )


@transaction.atomic
def new_account_errors(*, username, password, role, first_name="", last_name="", email=""):
    """Every reason the account cannot be made, by field ({} when it can): the service
    refuses with them, and the form shows them all at once."""
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = [_("A user name is required.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("The user name %(name)s is taken.") % {"name": username}]
    if role not in Role.values:
        errors["role"] = [_("Unknown role %(role)s.") % {"role": role}]
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    # The model's own limits (a user name of letters, digits and @.+-_ only, the lengths,
    # the e-mail address) and no control character in the names, as every text field.
    for name, refusals in field_errors(
        user, ["username", "first_name", "last_name", "email"]
    ).items():
        if name == "username" and not username:
            continue
        errors.setdefault(name, []).extend(m for refusal in refusals for m in refusal.messages)
    for name in ("first_name", "last_name"):
        try:
            plain_text(getattr(user, name))
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    return errors


def user_create(*, trace, username, password, unit, role, first_name="", last_name="", email=""):
    """Create an account with its first role on `unit`; the account's home is that unit."""
    username = (username or "").strip()
    errors = new_account_errors(
        username=username,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if errors:
        raise ValidationError(errors)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    _require_open(unit)
    user.set_password(password)
    user.save()
    # The administrator knows this password: it works once, to log in and choose another.
    Profile.objects.create(user=user, must_change_password=True)
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
            "must_change_password": True,
        },
    )
    return user


def profile_of(user):
    """The account's profile (made on first need: accounts from before it have none)."""
    profile = getattr(user, "_grassroots_profile", None)
    if profile is None:
        profile, _created = Profile.objects.get_or_create(user=user)
        user._grassroots_profile = profile
    return profile


@transaction.atomic
def password_reset(*, trace, user, password):
    """An administrator gives the account a new one-time password: it must be changed at
    the next log-in. The history row says that it was reset, never what to."""
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = profile_of(user)
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"password": ""},
        after={"password": _("reset by an administrator"), "must_change_password": True},
    )
    return user


@transaction.atomic
def password_changed(*, trace, user):
    """The user chose their own password (Django's form has set it): a one-time password
    is used up. Recorded without the password."""
    profile = profile_of(user)
    was_one_time = profile.must_change_password
    if was_one_time:
        profile.must_change_password = False
        profile.save(update_fields=["must_change_password"])
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"must_change_password": was_one_time},
        after={"password": _("changed by its holder"), "must_change_password": False},
    )
    return user


@transaction.atomic
def language_set(*, trace, user, language):
    """The language the account's pages are shown in, wherever it logs in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language %(code)s.") % {"code": language}})
    profile = profile_of(user)
    if profile.language == language:
        return profile
    before = profile.language
    profile.language = language
    profile.save(update_fields=["language"])
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"language": before},
        after={"language": language},
    )
    return profile


@transaction.atomic
def role_grant(*, trace, user, unit, role):
    """Give `user` the role on `unit` (no-op if held already)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    _require_open(unit)
    before = _roles_of(user)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, unit=unit, role=role, ended_on__isnull=True
    )
    if created:
        scope.forget(user)
        record_change(
            trace,
            user,
            action=Change.Action.UPDATE,
            before={"roles": before},
            after={"roles": _roles_of(user)},
        )
    return assignment


@transaction.atomic
def role_revoke(*, trace, assignment):
    """Take a role away: the assignment ends today (it is kept, as who held what)."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        return assignment
    user = assignment.user
    before = _roles_of(user)
    assignment.ended_on = timezone.localdate() - dt.timedelta(days=1)
    assignment.save(update_fields=["ended_on"])
    scope.forget(user)
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"roles": before},
        after={"roles": _roles_of(user)},
    )
    return assignment


def end_assignments_of_units(*, trace, units, last_day, event):
    """End every role assignment in force on these units (their units end on `last_day`
    in a restructuring). Returns the assignments ended, for the event's page. The history
    rows name the event as cause through the trace."""
    ended = list(
        RoleAssignment.objects.select_for_update()
        .filter(scope.in_force(last_day), unit__in=units)
        .select_related("user", "unit")
        .order_by("unit__code", "user__username", "role")
    )
    before = {a.user_id: _roles_of(a.user) for a in ended}
    for assignment in ended:
        assignment.ended_on = last_day
        assignment.ended_by_event = event
    RoleAssignment.objects.bulk_update(ended, ["ended_on", "ended_by_event"])
    for assignment in {a.user_id: a for a in ended}.values():
        scope.forget(assignment.user)
        record_change(
            trace,
            assignment.user,
            action=Change.Action.UPDATE,
            before={"roles": before[assignment.user_id]},
            after={"roles": _roles_of(assignment.user)},
        )
    return ended


@transaction.atomic
def assignment_followed_up(*, trace, assignment):
    """An administrator has dealt with an assignment a restructuring ended."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.followed_up_on is None:
        assignment.followed_up_on = timezone.localdate()
        assignment.save(update_fields=["followed_up_on"])
        record_change(
            trace,
            assignment.user,
            action=Change.Action.UPDATE,
            before={"followed_up": f"{assignment.role}@{assignment.unit.code}"},
            after={"followed_up": assignment.followed_up_on.isoformat()},
        )
    return assignment


@transaction.atomic
def user_deactivate(*, trace, user):
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
    )
    return user


def login_failure_record(*, username, ip_address, kind):
    """Record a failed log-in (or a lock-out) with the account it names, if any: the
    administrators of the account's units read it (selectors.login_failures_for)."""
    username = (username or "")[:150]
    user = User.objects.filter(username=username).first() if username else None
    return LoginFailure.objects.create(
        username=username, user=user, ip_address=ip_address or None, kind=kind
    )


@transaction.atomic
def login_unlock(*, trace, username="", ip_address=""):
    """Lift the lock-out of an account and/or an address (django-axes' failure records);
    an unlocked account gets a history row. Returns the number of records removed."""
    if not username and not ip_address:
        raise ValidationError(_("Name an account or an address to unlock."))
    removed = 0
    if username:
        removed += axes_reset(username=username)
    if ip_address:
        removed += axes_reset(ip=ip_address)
    user = User.objects.filter(username=username).first() if username else None
    if user is not None and removed:
        record_change(
            trace,
            user,
            action=Change.Action.UPDATE,
            before={"locked_out": True},
            after={"locked_out": False},
        )
    return removed

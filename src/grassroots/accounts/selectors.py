"""Reading accounts: an administrator sees the accounts of their subtree only."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404

from grassroots.history.selectors import changes_about
from grassroots.paths import under

from . import scope
from .models import ApiToken, LoginFailure, RoleAssignment
from .roles import Action

User = get_user_model()


def users_for(admin):
    """Accounts an administrator manages: those holding, or having held, a role in the
    admin's subtree (ended assignments are kept, so an account without roles is not lost)."""
    users = User.objects.all()
    if not scope.is_everywhere(admin):
        in_subtree = RoleAssignment.objects.filter(
            scope.unit_q(admin, Action.MANAGE_ACCOUNTS, "unit__path")
        ).values("user_id")
        users = users.filter(pk__in=in_subtree)
    assignments = (
        RoleAssignment.objects.filter(scope.in_force())
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    return users.prefetch_related(Prefetch("role_assignments", queryset=assignments)).order_by(
        "username"
    )


def user_for(admin, username):
    user = users_for(admin).filter(username=username).first()
    if user is None:
        raise Http404
    return user


def may_manage_accounts(user):
    return scope.is_everywhere(user) or bool(scope.paths_for(user, Action.MANAGE_ACCOUNTS))


def account_history(user):
    return changes_about("auth.user", user.pk)


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def login_failures_for(admin, *, account=None):
    """Failed log-ins and lock-outs of the accounts the administrator manages (users_for);
    user names that belong to no account only for administrators of a root unit."""
    failures = LoginFailure.objects.select_related("user")
    if not scope.is_everywhere(admin):
        query = Q(user__in=users_for(admin).values("pk"))
        if scope.holds_root(admin, Action.MANAGE_ACCOUNTS):
            query |= Q(user__isnull=True)
        failures = failures.filter(query)
    if account is not None:
        failures = failures.filter(user=account)
    return failures


def assignments_to_follow_up(admin, unit=None):
    """Role assignments a restructuring ended and nobody has followed up yet, on units
    the admin manages accounts for (an ended unit stays in the tree below its successor,
    or where it last stood, so the administrator above finds it there)."""
    assignments = RoleAssignment.objects.filter(
        ended_by_event__isnull=False, followed_up_on__isnull=True
    ).select_related("user", "unit", "ended_by_event")
    if unit is not None:
        assignments = assignments.filter(under(unit.path, "unit__path"))
    return scope.scoped(
        admin, assignments, unit_field="unit", action=Action.MANAGE_ACCOUNTS
    ).order_by("ended_on", "unit__path", "user__username")

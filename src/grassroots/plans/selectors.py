"""Reading targets and findings, always through the user's scope."""

from django.db.models import Q

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org.models import Unit
from grassroots.org.pickers import unit_from_filter
from grassroots.paths import under, under_any

from .models import Finding, Target


def start_unit(user, code=None):
    """The unit a page is about: `code` (or a name only one unit matches) if given (404
    when out of scope), else the user's first top unit, else None."""
    if code:
        return unit_from_filter(user, code)
    tops = scope.top_units(user)
    return tops[0] if tops else None


def targets_under(user, unit):
    """Targets of the unit and every unit below it, in tree and period order."""
    scope.require(user, Action.VIEW, unit)
    return scope.scoped(
        user,
        Target.objects.filter(under(unit.path, "unit__path")).select_related("unit"),
    ).order_by("unit__path", "period_start", "-period_end", "id")


def target_for(user, pk, action=Action.VIEW):
    return scope.get_scoped(user, Target.objects.select_related("unit"), pk=pk)


def findings_under(user, unit, open_only=False):
    """Findings about the unit and the units below it, newest first."""
    scope.require(user, Action.VIEW, unit)
    findings = scope.scoped(
        user,
        Finding.objects.filter(under(unit.path, "unit__path")).select_related("unit", "by_unit"),
    )
    if open_only:
        findings = findings.filter(follow_up_done_on__isnull=True)
    return findings.order_by("-date", "-id")


def finding_for(user, pk):
    return scope.get_scoped(user, Finding.objects.select_related("unit", "by_unit"), pk=pk)


def units_user_may_plan_for(user):
    """Units whose superior the user may decide for: everything strictly below a unit where
    the user holds DECIDE, and the roots themselves for those who hold a root."""
    units = Unit.objects.all()
    if scope.is_everywhere(user):
        return units
    paths = scope.paths_for(user, Action.DECIDE)
    if not paths:
        return units.none()
    strictly_below = Q(pk__in=[])
    for path in paths:
        strictly_below |= under(path) & ~Q(path=path)
    roots = Q(depth=1) & under_any(paths)
    return units.filter(strictly_below | roots)

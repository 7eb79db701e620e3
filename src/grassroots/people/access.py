"""Logging views of lists that show national IDs: one Access row per page viewed.

A list page is logged once, naming the list and its filter (not once per person on it), so
an officer reading `history:accesses` sees who browsed which part of the register.
"""

from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.history.models import Access
from grassroots.history.services import record_access


def _path_for(user, unit):
    """The unit the row is filed under: the filtered unit, else the user's own top unit
    when there is exactly one (so that unit's administrators see it), else '' (roots)."""
    if unit is not None:
        return unit.path
    if scope.is_everywhere(user):
        return ""
    paths = scope.paths_for(user)
    tops = {path for path in paths if not any(p != path and path.startswith(p) for p in paths)}
    return tops.pop() if len(tops) == 1 else ""


def log_list_view(request, *, name, filters, unit=None):
    """Record one view of the list `name` with `filters` [(label, value)] and the page."""
    shown = [(label, value) for label, value in filters if value]
    shown.append((_("page"), request.GET.get("page") or "1"))
    described = ", ".join(f"{label}: {value}" for label, value in shown)
    record_access(
        request.user,
        kind=Access.Kind.VIEW,
        what=f"{name} ({described})",
        unit_path=_path_for(request.user, unit),
    )

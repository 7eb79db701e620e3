"""Logging the pages that show personal data (history.Access), for every app's views.

- A page about one person logs one row naming the person (`log_person`).
- A list logs one row per person it showed, naming the list, its filter and the page, all
  written in one statement (`log_list_view`): an officer who filters the access log by a
  person sees every list that showed that person, not only the pages about them.
- An export logs one row per unit exported: the filtered unit, or each of the user's top
  units for an unfiltered export (`log_export`).

Rows name the person and the unit, never a copied path: who may review them is decided
when the log is read (`history.selectors.accesses_for`).
"""

from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.history.models import Access
from grassroots.history.services import record_access, record_reads


def describe(name, filters, request=None):
    """'People list (search: nguyen, unit: W1, page: 1)': the list and the filter shown."""
    shown = [(label, value) for label, value in filters if value]
    if request is not None:
        shown.append((_("page"), request.GET.get("page") or "1"))
    described = ", ".join(f"{label}: {value}" for label, value in shown)
    return f"{name} ({described})" if described else str(name)


def log_list_view(request, *, name, filters, shown):
    """Record the people a list page showed. `shown`: people or (person, unit) pairs,
    the unit being the record's when it is not the person's own (a source, a transfer)."""
    record_reads(request.user, what=describe(name, filters, request), shown=shown)


def log_person(request, person, *, what, unit=None):
    """Record a page or an API answer about one person."""
    record_access(request.user, kind=Access.Kind.VIEW, what=what, person=person, unit=unit)


def log_export(user, *, what, unit=None, person=None):
    """Record an export: of one person, of the subtree of `unit`, or, unfiltered, of
    everything the user sees (one row per top unit, so each unit's officers see it)."""
    if person is not None:
        return [record_access(user, kind=Access.Kind.EXPORT, what=what, person=person)]
    units = [unit] if unit is not None else scope.top_units(user)
    if not units:
        return [record_access(user, kind=Access.Kind.EXPORT, what=what)]
    return [record_access(user, kind=Access.Kind.EXPORT, what=what, unit=u) for u in units]

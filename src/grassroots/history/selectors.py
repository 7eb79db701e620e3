"""Reading history: changes are scoped like the records they describe (by unit path)."""

from django.db.models import Q

from grassroots.accounts import scope

from .models import Access, Change


def changes_for(user, *, model="", cause=""):
    """Changes to records in the user's units, newest first. Records kept outside any unit
    (clusters, sectors, tokens) are shown only to users holding a root unit."""
    changes = Change.objects.select_related("actor")
    if not scope.is_everywhere(user):
        query = scope.unit_q(user, field="unit_path")
        if scope.holds_root(user):
            query |= Q(unit_path="")
        changes = changes.filter(query)
    if model:
        changes = changes.filter(model=model)
    if cause:
        changes = changes.filter(cause=cause)
    return changes


def models_for(user):
    """The record types that occur in the user's history, for the filter."""
    return sorted(changes_for(user).order_by().values_list("model", flat=True).distinct())


def may_read_access_log(user):
    return scope.is_everywhere(user) or bool(scope.paths_for(user, scope.Action.MANAGE_ACCOUNTS))


def accesses_for(user, *, kind=""):
    """Reads and exports of personal data in the units where the user manages accounts.
    Exports of lists that span no single unit (unit_path '') only for root holders."""
    accesses = Access.objects.select_related("actor")
    if not scope.is_everywhere(user):
        query = scope.unit_q(user, scope.Action.MANAGE_ACCOUNTS, "unit_path")
        if scope.holds_root(user, scope.Action.MANAGE_ACCOUNTS):
            query |= Q(unit_path="")
        accesses = accesses.filter(query)
    if kind:
        accesses = accesses.filter(kind=kind)
    return accesses

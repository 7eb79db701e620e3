"""The record of changes in the user's units."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.paging import paginate

from . import display, selectors
from .models import Access, Cause
from .services import record_reads


@require_GET
def change_list(request):
    model = request.GET.get("model", "")
    cause = request.GET.get("cause", "")
    changes = selectors.changes_for(request.user, model=model, cause=cause)
    context = {
        "models": sorted(
            ((m, display.model_name(m)) for m in selectors.models_for(request.user)),
            key=lambda pair: str(pair[1]),
        ),
        "causes": Cause.choices,
        "model": model,
        "cause": cause,
        "may_read_access_log": selectors.may_read_access_log(request.user),
        **paginate(request, changes),
    }
    context["changes"] = context["page_obj"]
    # Changes show the values of people's records, national IDs among them.
    shown = selectors.people_named(context["page_obj"].object_list)
    record_reads(request.user, what=_("History"), shown=shown)
    return render(request, "history/list.html", context)


@require_GET
def access_list(request):
    """Who read or exported personal data (Law 91/2025, GDPR art. 9), below the units
    where the user is an officer; filtered by kind, person (national ID) and user."""
    if not selectors.may_read_access_log(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    if kind not in Access.Kind.values:
        kind = ""
    person = request.GET.get("person", "").strip()[:40]
    actor = request.GET.get("user", "").strip()[:150]
    accesses = selectors.accesses_for(request.user, kind=kind, person=person, actor=actor)
    context = {
        "kinds": Access.Kind.choices,
        "kind": kind,
        "person": person,
        "actor": actor,
        **paginate(request, accesses),
    }
    # The log names the people read: reading it is a read of their data too.
    shown = [access.person for access in context["page_obj"] if access.person_id]
    record_reads(request.user, what=_("Access log"), shown=shown)
    return render(request, "history/accesses.html", context)

"""The record of changes in the user's units."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.paging import paginate

from . import selectors
from .models import Access, Cause


@require_GET
def change_list(request):
    model = request.GET.get("model", "")
    cause = request.GET.get("cause", "")
    changes = selectors.changes_for(request.user, model=model, cause=cause)
    context = {
        "models": selectors.models_for(request.user),
        "causes": Cause.choices,
        "model": model,
        "cause": cause,
        "may_read_access_log": selectors.may_read_access_log(request.user),
        **paginate(request, changes),
    }
    context["changes"] = context["page_obj"]
    return render(request, "history/list.html", context)


@require_GET
def access_list(request):
    """Who read or exported personal data (Law 91/2025, GDPR art. 9): for administrators."""
    if not selectors.may_read_access_log(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    context = {
        "kinds": Access.Kind.choices,
        "kind": kind,
        **paginate(request, selectors.accesses_for(request.user, kind=kind)),
    }
    return render(request, "history/accesses.html", context)

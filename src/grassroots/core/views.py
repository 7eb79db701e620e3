"""Pages that belong to no single app: home and health."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from grassroots.accounts import scope


@require_GET
def home(request):
    """Start where the user's responsibility starts: their top unit, or the tree."""
    tops = scope.top_units(request.user)
    if len(tops) == 1:
        return redirect("org:unit", code=tops[0].code)
    return render(request, "core/home.html", {"tops": tops})


@login_not_required
@require_GET
def health(request):
    return HttpResponse("ok", content_type="text/plain")

"""My tasks: the list, one run with its progress bar (an htmx partial polled while the
run is going), its result file, and "run again"."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.history.models import Access
from grassroots.history.services import record_access

from . import kinds, selectors, services

LIST_LIMIT = 100


def _item(run):
    kind = None
    try:
        kind = kinds.get(run.kind)
    except KeyError:
        pass
    return {
        "run": run,
        "title": kinds.title_of(run),
        "state": selectors.state(run),
        "template": kind.template if kind else "",
    }


@require_GET
def index(request):
    items = [_item(run) for run in selectors.runs_for(request.user)[:LIST_LIMIT]]
    context = {"items": items, "going": any(item["state"]["going"] for item in items)}
    if request.headers.get("HX-Request"):
        return render(request, "tasks/partials/table.html", context)
    return render(request, "tasks/index.html", context)


@require_GET
def detail(request, pk):
    item = _item(selectors.run_for(request.user, pk))
    return render(request, "tasks/detail.html", {"item": item})


@require_GET
def progress(request, pk):
    """The run's status block alone: polled every second while the run is going."""
    item = _item(selectors.run_for(request.user, pk))
    return render(request, "tasks/partials/run.html", {"item": item})


@require_GET
def download(request, pk):
    """The result file, to its owner only, never cached; every download is logged."""
    run, path = selectors.result_for(request.user, pk)
    record_access(
        request.user,
        kind=Access.Kind.EXPORT,
        what=f"{kinds.title_of(run)} ({run.result_file})",
        unit=run.unit,
    )
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=run.result_file)  # noqa: SIM115
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def again(request, pk):
    run = selectors.run_for(request.user, pk)
    try:
        services.run_again(owner=request.user, run=run)
    except services.CannotRunAgain:
        messages.error(request, _("This task cannot be run again."))
    return redirect("tasks:detail", pk=run.pk)


__all__ = ["again", "detail", "download", "index", "progress"]

"""Import and export pages. The work runs in the background (exchange/tasks.py):
upload → a check task shows what importing would do → "Import now" starts the import
task; an export starts an export task. Each redirects to the task's page."""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.accounts import scope
from grassroots.org.models import Unit
from grassroots.org.pickers import UnitPickerField
from grassroots.tasks import selectors as task_selectors
from grassroots.tasks import services as task_services
from grassroots.tasks.models import TaskRun

from . import template as workbook
from .downloads import XLSX
from .forms import ExportForm, UploadForm
from .models import Import


def _page(request, *, upload_form=None, export_form=None, status=200):
    context = {
        "upload_form": upload_form or UploadForm(),
        "export_form": export_form or ExportForm(),
        "imports": Import.objects.filter(actor=request.user)[:10],
        "top_units": scope.top_units(request.user),
    }
    return render(request, "exchange/index.html", context, status=status)


@require_GET
def index(request):
    return _page(request)


@require_GET
def template(request):
    """The Excel template, in the user's language (no data: anyone logged in)."""
    buffer = io.BytesIO()
    workbook.build(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="grassroots-template.xlsx"'
    return response


@require_POST
def preview(request):
    """Keep the upload with a new check task; its page shows what importing would do."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    run = task_services.run_start(
        owner=request.user,
        kind="import_check",
        params={"name": upload.name.rsplit("/", 1)[-1][:200]},
        upload=upload,
    )
    return redirect("tasks:detail", pk=run.pk)


@require_POST
def apply(request):
    """Import the file of one of the user's checks that found no problems."""
    pk = request.POST.get("run") or ""
    if not pk.isdigit():
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("exchange:index")
    check = task_selectors.run_for(request.user, int(pk))
    if check.kind != "import_check" or check.status != TaskRun.Status.DONE:
        messages.error(request, _("Only a file checked without problems can be imported."))
        return redirect("tasks:detail", pk=check.pk)
    try:
        run = task_services.run_start(
            owner=request.user,
            kind="import_apply",
            params={"name": check.params["name"], "check": check.pk},
            input_from=check,
        )
    except OSError:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("exchange:index")
    return redirect("tasks:detail", pk=run.pk)


def _export_root(user, code):
    """The unit to export: one the user sees, or their only top unit; None = everything."""
    if code:
        return scope.get_scoped(user, Unit.objects.all(), unit_field="", code=code)
    if scope.is_everywhere(user):
        return None
    tops = scope.top_units(user)
    if len(tops) != 1:
        raise Http404
    return tops[0]


@require_POST
def export(request):
    """Start an export of the unit's subtree (a workbook or a zip of CSV files)."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    code = form.cleaned_data["unit"].strip()
    if (
        not code
        and not scope.is_everywhere(request.user)
        and len(scope.top_units(request.user)) > 1
    ):
        form.add_error("unit", _("Give the code of the unit to export."))
        return _page(request, export_form=form, status=400)
    try:
        root = _export_root(request.user, code)
    except Http404:
        # Out of sight or unknown alike: named on the field, the form kept as it was.
        form.add_error("unit", UnitPickerField.default_error_messages["none"] % {"text": code})
        return _page(request, export_form=form, status=400)
    run = task_services.run_start(
        owner=request.user,
        kind="export",
        params={
            "unit": root.code if root else "",
            "format": form.cleaned_data["format"],
            "only": form.cleaned_data["only"] or [],
        },
        unit=root,
    )
    return redirect("tasks:detail", pk=run.pk)

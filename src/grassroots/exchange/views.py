"""Import and export pages: upload → dry run shown → confirm applies; scoped export."""

import secrets
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.accounts import scope
from grassroots.history.models import Access
from grassroots.history.services import record_access
from grassroots.org.models import Unit

from . import exporter
from .forms import ExportForm, UploadForm
from .importer import run_import
from .models import Import

SESSION_KEY = "exchange_upload"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "grassroots-uploads"


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


def _upload_path(info):
    # The token comes from the session only, so nobody can name another user's upload.
    return UPLOAD_DIR / f"{info['token']}{info['suffix']}"


def _forget_upload(request):
    info = request.session.pop(SESSION_KEY, None)
    if info:
        _upload_path(info).unlink(missing_ok=True)


@require_POST
def preview(request):
    """Store the upload in a temporary file and show what importing it would do."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    _forget_upload(request)
    upload = form.cleaned_data["file"]
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    info = {
        "token": secrets.token_hex(16),
        "suffix": Path(upload.name).suffix.lower(),
        "name": Path(upload.name).name[:200],
    }
    # A single CSV is recognised by its name (people.csv): keep the name in the file.
    if info["suffix"] == ".csv":
        info["token"] = f"{info['token']}/{Path(upload.name).stem.lower()}"
    path = _upload_path(info)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    request.session[SESSION_KEY] = info
    result = run_import(
        path, user=request.user, scope_user=request.user, dry_run=True, source_name=info["name"]
    )
    return render(
        request,
        "exchange/preview.html",
        {"result": result, "name": info["name"]},
        status=200 if result.ok else 400,
    )


@require_POST
def apply(request):
    """Import the upload previewed in this session, under the user's scope."""
    info = request.session.get(SESSION_KEY)
    if not info or not _upload_path(info).exists():
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("exchange:index")
    result = run_import(
        _upload_path(info),
        user=request.user,
        scope_user=request.user,
        source_name=info["name"],
    )
    if not result.ok:
        return render(
            request, "exchange/preview.html", {"result": result, "name": info["name"]}, status=400
        )
    _forget_upload(request)
    messages.success(
        request,
        _("%(name)s was imported (import %(id)s).")
        % {"name": info["name"], "id": result.import_id},
    )
    for line in result.summary_lines():
        messages.info(request, line)
    return redirect("exchange:index")


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


@require_GET
def export(request):
    """Download the unit's subtree as a workbook or a zip of CSV files; logged as an export."""
    form = ExportForm(request.GET)
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
    root = _export_root(request.user, code)
    fmt = form.cleaned_data["format"]
    only = form.cleaned_data["only"] or None
    handle = tempfile.NamedTemporaryFile(prefix="grassroots-export-", delete=False)
    handle.close()
    try:
        if fmt == "xlsx":
            exporter.write_xlsx(handle.name, unit=root, only=only)
        else:
            exporter.write_csv_zip(handle.name, unit=root, only=only)
        stream = open(handle.name, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        Path(handle.name).unlink(missing_ok=True)
    label = root.code if root else "all"
    record_access(
        request.user,
        kind=Access.Kind.EXPORT,
        what=_("Data export %(unit)s (%(format)s)") % {"unit": label, "format": fmt},
        unit_path=root.path if root else "",
    )
    filename = f"grassroots-{label}.{'xlsx' if fmt == 'xlsx' else 'zip'}"
    return FileResponse(stream, as_attachment=True, filename=filename)

"""Imports and exports as background tasks (see grassroots/tasks/kinds.py).

- `import_check`: the uploaded file read and checked in a transaction that is rolled
  back (a dry run): what importing it would create, update, and every problem.
- `import_apply`: the same file imported, one transaction with the run's "done".
- `export`: the user's unit (or everything) written as a workbook or a zip of CSV files.

Each runs as the user who started it, under that user's scope at the time it runs.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.org.models import Unit
from grassroots.tasks import kinds

from . import exporter
from .importer import run_import

WARNINGS_SHOWN = 100


def _import(work, *, dry_run):
    if not work.input_path.exists():
        raise kinds.Refused(_("The uploaded file is gone: upload it again."))
    result = run_import(
        work.input_path,
        user=work.user,
        scope_user=work.user,
        dry_run=dry_run,
        source_name=work.params.get("name"),
        progress=work.progress,
    )
    work.summary = {
        "files": result.summary,
        "import_id": result.import_id,
        # The first warnings, shown on the page (an older file's free-text occupations).
        "warnings": [str(w) for w in result.warnings[:WARNINGS_SHOWN]],
        "warning_count": len(result.warnings),
    }
    work.problems = result.problems


def check_run(work):
    _import(work, dry_run=True)


def apply_run(work):
    _import(work, dry_run=False)


def export_run(work):
    code = work.params.get("unit") or ""
    unit = None
    if code:
        try:
            unit = scope.get_scoped(work.user, Unit.objects.all(), unit_field="", code=code)
        except Http404 as exc:
            raise kinds.Refused(
                _("The unit %(code)s is not in your sight any more.") % {"code": code}
            ) from exc
    elif not scope.is_everywhere(work.user):
        raise kinds.Refused(_("Only an administrator of the whole tree exports everything."))
    fmt = work.params.get("format") or "xlsx"
    only = work.params.get("only") or None
    write = exporter.write_xlsx if fmt == "xlsx" else exporter.write_csv_zip
    counts = {}

    def save(path):
        counts.update(write(path, unit=unit, only=only, progress=work.progress))

    label = unit.code if unit else "all"
    work.save_result(f"grassroots-{label}.{'xlsx' if fmt == 'xlsx' else 'zip'}", save)
    work.summary = {"counts": counts}

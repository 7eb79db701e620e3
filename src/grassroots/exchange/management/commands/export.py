"""`grassroots export PATH [--unit CODE] [--format csv|xlsx] [--only people,units,...]`."""

import errno
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.exchange import exporter
from grassroots.exchange.format import FILES
from grassroots.org.models import Unit
from grassroots.people.access import log_export


class Command(TranslatedHelp, BaseCommand):
    # Imports of a million rows run in scripts: skip the system checks' start-up cost.
    requires_system_checks = []
    help = gettext_lazy(
        "Export data in the exchange format: a folder of CSV files or one .xlsx workbook."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help=gettext_lazy("The folder (csv) or the workbook file (xlsx) to write.")
        )
        parser.add_argument(
            "--unit", help=gettext_lazy("Only this unit and everything below it (its code).")
        )
        parser.add_argument(
            "--format",
            choices=exporter.FORMATS,
            help=gettext_lazy("csv (a folder) or xlsx; by default from the path's suffix."),
        )
        parser.add_argument(
            "--only",
            help=gettext_lazy("Comma-separated tables to write (default all: %(names)s).")
            % {"names": ", ".join(FILES)},
        )

    def handle(self, *args, path, unit, format, only, **options):
        fmt = format or ("xlsx" if path.lower().endswith(".xlsx") else "csv")
        if fmt == "xlsx" and not path.lower().endswith(".xlsx"):
            # The importer knows a workbook by its suffix: a file without it would not
            # import back.
            path += ".xlsx"
        root = None
        if unit:
            root = Unit.objects.filter(code=unit).first()
            if root is None:
                raise CommandError(_("Unknown unit %(code)s.") % {"code": unit})
        names = [n.strip().lower() for n in only.split(",") if n.strip()] if only else None
        if fmt == "xlsx":
            # Checked before the workbook is built: saving it there would fail only at the
            # end, after the whole export, and leave openpyxl's unfinished sheets behind.
            target = Path(path)
            problem = None
            if target.is_dir():
                problem = errno.EISDIR
            elif not target.parent.is_dir():
                problem = errno.ENOENT
            if problem:
                raise CommandError(
                    _("Cannot write %(path)s: %(reason)s.")
                    % {"path": path, "reason": os.strerror(problem)}
                )
        try:
            # One snapshot of the data (repeatable on PostgreSQL inside the transaction).
            with transaction.atomic():
                if fmt == "xlsx":
                    counts = exporter.write_xlsx(path, unit=root, only=names)
                else:
                    counts = exporter.write_csv_folder(path, unit=root, only=names)
        except ValueError as exc:
            raise CommandError(_("Unknown table: %(names)s.") % {"names": exc}) from exc
        except OSError as exc:
            # A path that names a file where a folder is wanted, a folder that cannot be
            # made: one line, not a traceback.
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s.")
                % {"path": path, "reason": exc.strerror or exc}
            ) from exc
        except exporter.FolderNotEmpty as exc:
            raise CommandError(
                _(
                    "%(path)s already holds CSV files this export does not write (%(files)s): "
                    "the folder would not import as exported. Choose an empty folder or "
                    "remove them."
                )
                % {"path": path, "files": ", ".join(exc.files)}
            ) from exc
        log_export(None, what=f"export {fmt} {unit or '*'} {','.join(counts)}", unit=root)
        for name, count in counts.items():
            self.stdout.write(_("%(file)s: %(count)d exported") % {"file": name, "count": count})
        self.stdout.write(_("Written to %(path)s.") % {"path": Path(path)})

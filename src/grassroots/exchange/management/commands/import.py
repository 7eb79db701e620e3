"""`grassroots import PATH [--dry-run]`: take in a data set in the exchange format."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grassroots.commands import TranslatedHelp
from grassroots.exchange.importer import run_import


class Command(TranslatedHelp, BaseCommand):
    # Imports of a million rows run in scripts: skip the system checks' start-up cost.
    requires_system_checks = []
    help = gettext_lazy(
        "Import a folder of CSV files or an .xlsx workbook in the exchange format. "
        "All or nothing: any problem and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help=gettext_lazy("A folder of CSV files, a .zip of them or an .xlsx workbook.")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Check everything and print the summary, writing nothing."),
        )

    def handle(self, *args, path, dry_run, **options):
        result = run_import(path, dry_run=dry_run)
        # With problems nothing was written: a "created" count would only mislead.
        if not result.problems:
            for line in result.summary_lines():
                self.stdout.write(line)
        # Warnings are not problems (the import goes ahead): standard output, after the
        # summary, so that standard error lists the problems and nothing else.
        for warning in result.warnings:
            self.stdout.write(str(warning))
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.problems:
            count = len(result.problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem: nothing was imported.",
                    "%(count)d problems: nothing was imported.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(_("Imported (import %(id)s).") % {"id": result.import_id})

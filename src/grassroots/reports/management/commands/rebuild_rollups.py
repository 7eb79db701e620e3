"""`grassroots rebuild_rollups [--check]`: recompute (or compare) the report roll-ups."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.reports import rollups


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Recompute the admission tallies the reports read from the admissions themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only compare the tallies with a fresh count"
        )

    def handle(self, *args, **options):
        if options["check"]:
            own, below = rollups.check()
            if own or below:
                raise CommandError(
                    f"{own} own and {below} subtree tally rows differ from a fresh count: "
                    "run grassroots rebuild_rollups"
                )
            self.stdout.write("tallies match a fresh count")
            return
        count = rollups.rebuild()
        self.stdout.write(f"rebuilt {count} tally rows")

"""`grassroots rebuild_rollups`: recompute the report tallies from the admissions."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from grassroots.reports import rollups


class Command(BaseCommand):
    help = gettext_lazy(
        "Recompute the admission tallies the reports read from the admissions themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only compare the tallies with a fresh count"
        )

    def handle(self, *args, **options):
        if options["check"]:
            stored, fresh = rollups.stored_counts(), rollups.fresh_counts()
            differing = {
                key for key in stored.keys() | fresh.keys() if stored.get(key) != fresh.get(key)
            }
            if differing:
                raise CommandError(
                    f"{len(differing)} tally rows differ from a fresh count: "
                    "run grassroots rebuild_rollups"
                )
            subtree = rollups.check_subtree()
            if subtree:
                raise CommandError(
                    f"{subtree} subtree tally rows differ from a fresh count: "
                    "run grassroots rebuild_rollups"
                )
            self.stdout.write(f"tallies match a fresh count ({len(fresh)} rows)")
            return
        count = rollups.rebuild()
        self.stdout.write(f"rebuilt {count} tally rows")

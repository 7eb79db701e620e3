"""`grassroots rebuild_ancestry [--check]`: derive (or compare) the units' ancestry over time."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.org import timeline


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Derive the table of which units stood above which, and when, from the units' versions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=gettext_lazy("only compare the stored ancestry with a fresh derivation"),
        )

    def handle(self, *args, **options):
        if options["check"]:
            missing, surplus = timeline.rebuild_ancestry(check=True)
            if missing or surplus:
                raise CommandError(
                    f"{len(missing)} ancestry rows missing and {len(surplus)} surplus: "
                    "run grassroots rebuild_ancestry"
                )
            self.stdout.write("ancestry matches the versions")
            return
        with transaction.atomic():
            count = timeline.rebuild_ancestry()
        self.stdout.write(f"derived {count} ancestry rows")

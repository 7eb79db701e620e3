"""`grassroots rebuild_dues [--check]`: work out (or compare) the dossiers' stored time limits."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.pipeline import dues


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Work out again the time limits of the dossiers the work list follows, from their facts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=gettext_lazy("only compare the stored time limits with a fresh computation"),
        )

    def handle(self, *args, **options):
        if options["check"]:
            differing = dues.check()
            if differing:
                raise CommandError(
                    f"{differing} stored time limits differ from a fresh computation: "
                    "run grassroots rebuild_dues"
                )
            self.stdout.write("stored time limits match a fresh computation")
            return
        count = dues.rebuild()
        self.stdout.write(f"rebuilt {count} time limits")

"""`grassroots cleanup_tasks`: remove expired task results (also run daily by the worker)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy, ngettext

from grassroots.commands import TranslatedHelp
from grassroots.tasks import services


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Remove the results of background tasks older than TASK_RESULT_HOURS, mark tasks "
        "whose worker stopped as interrupted, and delete stray task folders."
    )

    def handle(self, *args, **options):
        counts = services.runs_cleanup()
        lines = [
            ngettext(
                "%(removed)d expired task removed.",
                "%(removed)d expired tasks removed.",
                counts["removed"],
            ),
            ngettext(
                "%(interrupted)d task marked interrupted.",
                "%(interrupted)d tasks marked interrupted.",
                counts["interrupted"],
            ),
            ngettext(
                "%(folders)d stray folder deleted.",
                "%(folders)d stray folders deleted.",
                counts["folders"],
            ),
        ]
        for line in lines:
            self.stdout.write(line % counts)

"""`grassroots cleanup_tasks`: remove expired task results (also run daily by the worker)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.tasks import services


class Command(BaseCommand):
    help = gettext_lazy(
        "Remove the results of background tasks older than TASK_RESULT_HOURS, mark tasks "
        "whose worker stopped as interrupted, and delete stray task folders."
    )

    def handle(self, *args, **options):
        counts = services.runs_cleanup()
        self.stdout.write(
            _(
                "%(removed)d expired task(s) removed, %(interrupted)d marked interrupted, "
                "%(folders)d stray folder(s) deleted."
            )
            % counts
        )

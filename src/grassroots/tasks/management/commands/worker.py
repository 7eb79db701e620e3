"""`grassroots worker`: run the background tasks queued in the database.

django-tasks-db's `db_worker` (same options: --interval, --batch, --max-tasks, --queue-name,
...), preceded by two things of ours: runs whose worker stopped while running them are
marked interrupted (so that they can be run again), and the recurring tasks (the daily
clean-up, any other app's daily job) are queued if they are not already.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from grassroots.commands import TranslatedHelp
from grassroots.tasks import schedule, services


class Command(TranslatedHelp, DatabaseWorkerCommand):
    help = gettext_lazy(
        "Run the background tasks (imports, exports, report packs, daily jobs) queued in "
        "the database. Stop with Ctrl-C: the task running finishes first; a second Ctrl-C "
        "stops it, and nothing it was writing is kept."
    )

    def handle(self, *args, **options):
        interrupted = services.runs_mark_interrupted()
        if interrupted:
            self.stdout.write(
                ngettext(
                    "%(count)d interrupted task can be run again.",
                    "%(count)d interrupted tasks can be run again.",
                    interrupted,
                )
                % {"count": interrupted}
            )
        queued = schedule.ensure()
        if queued and options.get("verbosity", 1) > 0:
            self.stdout.write(
                _("Recurring tasks queued: %(names)s.") % {"names": ", ".join(queued)}
            )
        return super().handle(*args, **options)

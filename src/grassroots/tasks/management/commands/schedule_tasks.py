"""`grassroots schedule_tasks`: queue the recurring tasks that are not queued yet.

`grassroots worker` does this when it starts; with another backend (a queue server and
its own workers) run this once after each deployment, or from cron now and then.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.tasks import schedule


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy("Queue the next occurrence of each recurring task not queued yet.")

    def handle(self, *args, **options):
        queued = schedule.ensure()
        for name in sorted(schedule.jobs()):
            state = _("queued now") if name in queued else _("already queued")
            self.stdout.write(f"{name}: {state}")

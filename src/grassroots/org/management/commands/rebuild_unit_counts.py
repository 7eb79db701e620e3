"""grassroots rebuild_unit_counts: recompute the per-unit counters (org.UnitTally)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grassroots.org import tally


class Command(BaseCommand):
    help = "Recompute the people and active-member counters of every unit from the registers."

    def handle(self, *args, **options):
        rows = tally.rebuild()
        self.stdout.write(_("%(n)d unit counters rebuilt.") % {"n": rows})

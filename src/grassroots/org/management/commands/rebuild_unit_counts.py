"""grassroots rebuild_unit_counts: recompute the per-unit counters (org.UnitTally)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy, ngettext

from grassroots.commands import TranslatedHelp
from grassroots.org import tally


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Recompute the people and active-member counters of every unit from the registers."
    )

    def handle(self, *args, **options):
        rows = tally.rebuild()
        self.stdout.write(
            ngettext("%(n)d unit counter rebuilt.", "%(n)d unit counters rebuilt.", rows)
            % {"n": rows}
        )

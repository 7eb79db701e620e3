"""`grassroots forecasts [--on DATE]`: store the forecast of every running target (what the
worker's nightly job `plans.forecasts` does), so that the pages of large committees show it."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grassroots.commands import TranslatedHelp
from grassroots.plans import services


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Forecast every running target and store the forecasts, as the worker does each "
        "night; the pages of committees too large to forecast on the spot show them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", metavar="DATE", help=gettext_lazy("forecast as of this day (default today)")
        )

    def handle(self, *args, **options):
        as_of = None
        if options["on"]:
            try:
                as_of = dt.date.fromisoformat(options["on"])
            except ValueError as error:
                raise CommandError(
                    _("--on: %(value)s is not a date (YYYY-MM-DD).") % {"value": options["on"]}
                ) from error
        stored = services.record_forecasts(as_of)
        self.stdout.write(
            ngettext("%(n)d forecast stored.", "%(n)d forecasts stored.", stored) % {"n": stored}
        )

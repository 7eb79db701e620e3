"""`grassroots calendar YEAR`: the year's weekdays off and worked weekend days, one a line."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from grassroots.workdays.listing import year_days

LANGUAGES = ("vi", "en", "de")


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Print the year's days off that fall on weekdays and the weekend days worked in "
            "exchange, one a line: the ISO date, then the day's name."
        )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=None,
            help=_("Language of the names (default: the settings' language)."),
        )

    def handle(self, *args, year, lang=None, **options):
        if not 1900 <= year <= 2100:
            raise CommandError(_("Give a year between 1900 and 2100."))
        language = lang or settings.LANGUAGE_CODE[:2]
        with translation.override(language):
            worked = _("worked")
            for day in year_days(year, language):
                line = f"{day.day.isoformat()}  {day.name}"
                if day.worked:
                    line += f"  [{worked}]"
                self.stdout.write(line)

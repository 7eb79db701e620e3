"""A year's exceptions to the working week, named: the `grassroots calendar` command and
the calendar page list them.

Only days that differ from the plain week are listed: weekdays that are not worked
(public holidays, days off of a swap, administrators' days off) and weekend days that are
worked (the other half of a swap, administrators' working days).
"""

import dataclasses
import datetime as dt

import holidays
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import _overrides, is_working_day
from .swaps import official_swaps

# The package's English names of Vietnam's days off, for the languages it has no
# translation of (German): they go through the project's own catalogues.
HOLIDAY_NAMES = (
    gettext_noop("New Year's Day"),
    gettext_noop("29 of Lunar New Year"),
    gettext_noop("Lunar New Year's Eve"),
    gettext_noop("Lunar New Year"),
    gettext_noop("Second Day of Lunar New Year"),
    gettext_noop("Third Day of Lunar New Year"),
    gettext_noop("Fourth Day of Lunar New Year"),
    gettext_noop("Fifth Day of Lunar New Year"),
    gettext_noop("Sixth Day of Lunar New Year"),
    gettext_noop("Hung Kings' Commemoration Day"),
    gettext_noop("Liberation Day/Reunification Day"),
    gettext_noop("International Labor Day"),
    gettext_noop("National Day"),
    gettext_noop("Vietnam Cultural Day"),
)
OBSERVED_SUFFIX = " (observed)"
# Our language codes → the package's, where it has a translation of its own.
PACKAGE_LANGUAGES = {"vi": "vi", "en": "en_US"}


@dataclasses.dataclass(frozen=True)
class Day:
    day: dt.date
    name: str
    worked: bool  # a weekend day that is worked
    source: str  # "holiday", "swap" or "administrator"


def _package_names(country, year, language):
    """{date: name} of the package's days off, in `language` where the package has it."""
    package_language = PACKAGE_LANGUAGES.get(language)
    calendar_ = holidays.country_holidays(country, years=year)
    if package_language and package_language in getattr(calendar_, "supported_languages", ()):
        return dict(holidays.country_holidays(country, years=year, language=package_language))
    english = holidays.country_holidays(country, years=year, language="en_US")
    names = {}
    for day, name in english.items():
        parts = []
        for part in name.split("; "):
            observed = part.endswith(OBSERVED_SUFFIX)
            base = part.removesuffix(OBSERVED_SUFFIX)
            text = _(base)
            parts.append(_("%(name)s (observed)") % {"name": text} if observed else text)
        names[day] = "; ".join(parts)
    return names


def _long(day):
    return day.strftime("%d/%m/%Y")


def year_days(year, language=None, overrides=None, country=None):
    """The year's weekdays off and worked weekend days, in date order, as `Day`s named in
    `language` (default: the active language)."""
    country = country or settings.HOLIDAY_COUNTRY
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    overrides = _overrides() if overrides is None else overrides
    with translation.override(language):
        named = {}
        for day, name in _package_names(country, year, language).items():
            named[day] = (name, "holiday")
        for swap in official_swaps(country):
            if swap.day_off.year == year:
                text = _("Day off in exchange for %(day)s") % {"day": _long(swap.worked)}
                named[swap.day_off] = (text, "swap")
            if swap.worked.year == year:
                text = _("Working day in exchange for %(day)s") % {"day": _long(swap.day_off)}
                named[swap.worked] = (text, "swap")
        marked = {day: working for day, working in overrides.items() if day.year == year}
        if marked:
            calendar_day = django_apps.get_model("workdays", "CalendarDay")
            notes = dict(
                calendar_day.objects.filter(day__in=list(marked)).values_list("day", "note")
            )
            for day, working in marked.items():
                default = (
                    _("working day set by an administrator")
                    if working
                    else _("day off set by an administrator")
                )
                named[day] = (notes.get(day) or default, "administrator")
        days = []
        current = dt.date(year, 1, 1)
        while current.year == year:
            weekend = current.weekday() >= 5
            working = is_working_day(current, overrides)
            if weekend and working:
                name, source = named.get(
                    current, (_("Working day in exchange for a day off"), "holiday")
                )
                days.append(Day(current, name, True, source))
            elif not weekend and not working:
                name, source = named.get(current, (_("day off"), "holiday"))
                days.append(Day(current, name, False, source))
            current += dt.timedelta(days=1)
    return days

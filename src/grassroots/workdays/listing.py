"""A year's exceptions to the working week, named: the `grassroots calendar` command and
the calendar page list them.

Only days that differ from the plain week are listed: weekdays that are not worked
(public holidays, days off of a swap, administrators' days off) and weekend days that are
worked (the other half of a swap, administrators' working days).
"""

import dataclasses
import datetime as dt
import re

import holidays
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import _overrides, is_working_day
from .swaps import official_swaps

# The package's English names of Vietnam's days off: every language takes them from the
# project's own catalogues (Vietnamese too), so that one catalogue names each day.
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
# The package's name of a day off moved by a swap it knows: "Day off (substituted from
# 04/26/2025)", US order.
SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d\d)/(\d\d)/(\d{4})\)$")


@dataclasses.dataclass(frozen=True)
class Day:
    day: dt.date
    name: str
    worked: bool  # a weekend day that is worked
    source: str  # "holiday", "swap" or "administrator"


def _name(part):
    """One of the package's English names, in the active language (from the catalogues)."""
    substituted = SUBSTITUTED.match(part)
    if substituted:
        month, day, year = (int(n) for n in substituted.groups())
        return _("Day off in exchange for %(day)s") % {"day": _long(dt.date(year, month, day))}
    observed = part.endswith(OBSERVED_SUFFIX)
    text = _(part.removesuffix(OBSERVED_SUFFIX))
    return _("%(name)s (observed)") % {"name": text} if observed else text


def _package_names(country, year):
    """{date: name} of the package's days off, named from the project's catalogues."""
    english = holidays.country_holidays(country, years=year, language="en_US")
    return {
        day: "; ".join(_name(part) for part in name.split("; ")) for day, name in english.items()
    }


def _long(day):
    # In the language active here (year_days sets it): 10.01.2026 in German.
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def year_days(year, language=None, overrides=None, country=None):
    """The year's weekdays off and worked weekend days, in date order, as `Day`s named in
    `language` (default: the active language)."""
    country = country or settings.HOLIDAY_COUNTRY
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    overrides = _overrides() if overrides is None else overrides
    with translation.override(language):
        named = {}
        for day, name in _package_names(country, year).items():
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

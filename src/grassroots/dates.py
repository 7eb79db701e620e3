"""Dates in sentences people read: in the active language's short format (15/12/2026 in
Vietnamese and English, 15.12.2026 in German: `grassroots/formats/`), as the templates show
them (`|date:"SHORT_DATE_FORMAT"`). Files and URLs keep ISO dates."""

from django.utils.formats import date_format


def shown_day(day):
    """`day` as a message shows it."""
    return date_format(day, "SHORT_DATE_FORMAT")

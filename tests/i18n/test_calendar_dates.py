"""The working-day calendar writes its days as the reader writes dates: 01.01.2026 in
German, 01/01/2026 in Vietnamese and English, the swapped days in its names too.

It wrote "Do 1 Jan 2026" (an English pattern with German day and month names) and named
the other day of a swap "10/01/2026" in every language.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from grassroots.workdays.listing import year_days

SWAPPED = {
    "de": "Freier Tag im Ausgleich für 10.01.2026",
    "vi": "Nghỉ bù cho ngày 10/01/2026",
    "en": "Day off in exchange for 10/01/2026",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(SWAPPED))
def test_a_swapped_day_names_its_other_day_in_the_readers_format(language):
    names = {d.day: d.name for d in year_days(2026, language, overrides={}, country="VN")}
    assert names[dt.date(2026, 1, 2)] == SWAPPED[language]


@pytest.mark.parametrize(
    ("language", "shown"),
    [("de", "Do 01.01.2026"), ("vi", "01/01/2026"), ("en", "Thu 01/01/2026")],
)
def test_the_calendar_page_writes_days_in_the_readers_format(client_for, language, shown):
    client = client_for("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("deadlines:calendar") + "?year=2026").content.decode()
    assert shown in page
    assert SWAPPED[language] in page
    assert " Jan 2026" not in page

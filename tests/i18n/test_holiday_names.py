"""Holiday names come from the project's catalogues, in every language."""

import holidays
import pytest
from django.conf import settings
from django.utils import translation

from grassroots.workdays.listing import HOLIDAY_NAMES, OBSERVED_SUFFIX, SUBSTITUTED, year_days

YEARS = range(2020, 2036)


def test_every_name_the_package_gives_is_in_the_catalogues():
    known = set(HOLIDAY_NAMES)
    unknown = set()
    for year in YEARS:
        english = holidays.country_holidays(settings.HOLIDAY_COUNTRY, years=year, language="en_US")
        for name in english.values():
            for part in name.split("; "):
                if not SUBSTITUTED.match(part) and part.removesuffix(OBSERVED_SUFFIX) not in known:
                    unknown.add(part)
    assert not unknown, f"add these to workdays.listing.HOLIDAY_NAMES: {sorted(unknown)}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "de"])
def test_no_english_name_is_left(language):
    english = {
        d.day: d.name for year in range(2024, 2031) for d in year_days(year, "en", overrides={})
    }
    with translation.override(language):
        local = {
            d.day: d.name
            for year in range(2024, 2031)
            for d in year_days(year, language, overrides={})
        }
    assert local.keys() == english.keys()
    same = sorted({name for day, name in local.items() if name == english[day]})
    assert not same, f"untranslated in {language}: {same}"


@pytest.mark.django_db
def test_vietnamese_names_are_the_official_ones():
    names = {d.day.isoformat(): d.name for d in year_days(2024, "vi", overrides={})}
    assert names["2024-02-09"] == "Giao thừa Tết Nguyên Đán"
    assert names["2024-04-29"] == "Nghỉ bù cho ngày 04/05/2024"
    assert names["2024-09-02"] == "Quốc khánh"

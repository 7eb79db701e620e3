"""Vietnam's calendar for 2024–2026, day by day, as the government announced it.

The `holidays` package is pinned (pyproject.toml); these tests say what "right" means, so
an upgrade that moves a day fails here. Official swaps the package misses (New Year 2026)
come from `grassroots.workdays.swaps`.
"""

import datetime as dt

import holidays
import pytest

from grassroots.workdays import add_working_days, is_working_day
from grassroots.workdays.swaps import official_swaps

NONE = {}
D = dt.date

# Weekdays that are not worked, per year (civil servants' calendar).
WEEKDAYS_OFF = {
    2024: [
        D(2024, 1, 1),
        *(D(2024, 2, d) for d in (8, 9, 12, 13, 14)),  # Tết: Thursday 8 to Wednesday 14
        D(2024, 4, 18),  # Hùng Kings
        D(2024, 4, 29),  # swapped with Saturday 4 May
        D(2024, 4, 30),
        D(2024, 5, 1),
        D(2024, 9, 2),
        D(2024, 9, 3),
    ],
    2025: [
        D(2025, 1, 1),
        *(D(2025, 1, d) for d in range(27, 32)),  # Tết: Monday 27 to Friday 31 January
        D(2025, 4, 7),  # Hùng Kings
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 5, 2),  # swapped with Saturday 26 April
        D(2025, 9, 1),
        D(2025, 9, 2),
    ],
    2026: [
        D(2026, 1, 1),
        D(2026, 1, 2),  # swapped with Saturday 10 January (not in the package)
        *(D(2026, 2, d) for d in range(16, 21)),  # Tết: Monday 16 to Friday 20 February
        D(2026, 4, 27),  # Hùng Kings (Sunday 26 April), observed
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),  # swapped with Saturday 22 August
        D(2026, 9, 1),
        D(2026, 9, 2),
        D(2026, 11, 24),  # Vietnam Cultural Day, from 2026
    ],
}
WEEKENDS_WORKED = {
    2024: [D(2024, 5, 4)],
    2025: [D(2025, 4, 26)],
    2026: [D(2026, 1, 10), D(2026, 8, 22)],
}


def test_the_pinned_package_is_the_checked_release():
    assert holidays.__version__ == "0.109"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_weekday_off_and_every_weekend_day_worked(year):
    day, off, worked = D(year, 1, 1), [], []
    while day.year == year:
        working = is_working_day(day, NONE)
        if day.weekday() < 5 and not working:
            off.append(day)
        if day.weekday() >= 5 and working:
            worked.append(day)
        day += dt.timedelta(days=1)
    assert off == sorted(WEEKDAYS_OFF[year])
    assert worked == WEEKENDS_WORKED[year]


def test_new_year_2026_swap_of_2_and_10_january():
    assert not is_working_day(D(2026, 1, 2), NONE)
    assert is_working_day(D(2026, 1, 10), NONE)
    # A letter of 31 December 2025: the first working days are 5 January, then 10 January
    # (a Saturday) counts.
    assert add_working_days(D(2025, 12, 31), 1, NONE) == D(2026, 1, 5)
    assert add_working_days(D(2026, 1, 9), 1, NONE) == D(2026, 1, 10)


def test_the_package_misses_only_the_swaps_the_project_adds():
    """Every official swap of the table, the package either knows or the table adds it."""
    missing = []
    for swap in official_swaps("VN"):
        package = holidays.country_holidays("VN", years=swap.day_off.year)
        knows_off = swap.day_off in package
        knows_worked = swap.worked in getattr(package, "weekend_workdays", ())
        if not (knows_off and knows_worked):
            missing.append(swap.day_off)
    assert missing == [D(2026, 1, 2)]

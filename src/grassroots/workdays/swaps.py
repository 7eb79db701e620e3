"""The government's official day swaps: a weekday off in exchange for a weekend day worked.

Each year the government moves working days around some holidays (for civil servants and
public employees; most employers follow). The `holidays` package knows many of them but
not always in time: the swap of New Year 2026 (Friday 2 January off, Saturday 10 January
worked) is missing from every release so far. This table is the project's own record of
the swaps of 2024–2026, checked against the announcements named in `reference`; the tests
(`tests/workdays/test_official_calendar.py`) compare it with the pinned package, so an
upgrade that drops or moves a day fails loudly. Swaps of other years come from the package;
administrators add any others in the app (`CalendarDay`).
"""

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Swap:
    day_off: dt.date  # a weekday that is not worked
    worked: dt.date  # the Saturday or Sunday worked in exchange
    reference: str  # the announcement, as published


OFFICIAL_SWAPS = {
    "VN": (
        Swap(
            dt.date(2024, 4, 29),
            dt.date(2024, 5, 4),
            "Công văn 2450/VPCP-KGVX năm 2024",
        ),
        Swap(
            dt.date(2025, 5, 2),
            dt.date(2025, 4, 26),
            "Thông báo 6150/TB-BLĐTBXH năm 2024",
        ),
        Swap(
            dt.date(2026, 1, 2),
            dt.date(2026, 1, 10),
            "Phó Thủ tướng đồng ý đề xuất của Bộ Nội vụ ngày 25/12/2025",
        ),
        Swap(
            dt.date(2026, 8, 31),
            dt.date(2026, 8, 22),
            "Bộ Nội vụ, lịch nghỉ Tết Nguyên đán và Quốc khánh năm 2026",
        ),
    ),
}


def official_swaps(country):
    """The official swaps known for `country` (a `holidays` country code)."""
    return OFFICIAL_SWAPS.get(country, ())

"""The achievement report keeps the contract of docs/exchange-format.md."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from grassroots.reports.selectors import ACHIEVEMENT_COLUMNS, SYSTEM, achievement, percent
from tests.reports.data import admit, target
from tests.reports.oracle import Oracle, counts_of

D = dt.date.fromisoformat


def report(town, code="TOWN", start="2024-01-01", end="2024-12-31", **kwargs):
    return achievement(SYSTEM, unit=town.unit(code), date_from=D(start), date_to=D(end), **kwargs)


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


def test_columns_are_in_contract_order(town):
    rows = report(town)
    assert tuple(rows[0]) == ACHIEVEMENT_COLUMNS == (
        "unit_code", "unit_name", "target_minimum", "target_stretch", "admitted",
        "achievement_pct", "female", "female_pct", "university", "university_pct",
        "ethnic_minority", "religious", "readmitted",
    )  # fmt: skip


def test_first_row_is_the_unit_then_children_in_code_order(town):
    rows = report(town)
    assert [r["unit_code"] for r in rows] == ["TOWN", "HS", "W1", "W2"]
    assert [r["unit_code"] for r in report(town, "W1")] == ["W1", "W1C1", "W1C2"]


def test_admissions_count_in_subtree_with_both_ends_included(town):
    admit(town.unit("W1C1G1"), "2024-01-01")
    admit(town.unit("W1C2"), "2024-12-31")
    admit(town.unit("W1"), "2024-06-15")
    admit(town.unit("W1C1"), "2023-12-31")  # before the range
    admit(town.unit("W2C1"), "2025-01-01")  # after it
    rows = by_code(report(town))
    assert rows["TOWN"]["admitted"] == 3
    assert rows["W1"]["admitted"] == 3
    assert rows["W2"]["admitted"] == 0
    w1 = by_code(report(town, "W1"))
    assert (w1["W1"]["admitted"], w1["W1C1"]["admitted"], w1["W1C2"]["admitted"]) == (3, 1, 1)


def test_day_precision_inside_partial_months(town):
    admit(town.unit("HS"), "2024-03-09")
    admit(town.unit("HS"), "2024-03-10")
    admit(town.unit("HS"), "2024-05-20")
    admit(town.unit("HS"), "2024-05-21")
    admit(town.unit("HS"), "2024-04-30")
    rows = report(town, start="2024-03-10", end="2024-05-20")
    assert rows[0]["admitted"] == 3
    rows = report(town, start="2024-03-10", end="2024-03-10")
    assert rows[0]["admitted"] == 1


def test_counts_and_percentages(town):
    hs = town.unit("HS")
    admit(hs, "2024-02-01", gender="female", education="university", religion="Buddhism")
    admit(hs, "2024-02-02", gender="female", education="doctorate", ethnic_minority=True)
    admit(hs, "2024-02-03", education="master", readmission=True)
    admit(hs, "2024-02-04", education="college")
    admit(hs, "2024-02-05", gender="female", education="")
    admit(hs, "2024-02-06")
    admit(hs, "2024-02-07")
    admit(hs, "2024-02-08")
    target(hs, "2024-01-01", "2024-12-31", 3, 5)
    row = by_code(report(town))["HS"]
    assert row["admitted"] == 8
    assert row["female"] == 3 and row["female_pct"] == Decimal("37.5")
    assert row["university"] == 3 and row["university_pct"] == Decimal("37.5")
    assert (row["ethnic_minority"], row["religious"], row["readmitted"]) == (1, 1, 1)
    assert row["achievement_pct"] == Decimal("266.7")
    assert (row["target_minimum"], row["target_stretch"]) == (3, 5)


def test_percentages_round_half_up():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, not banker's 6.2
    assert percent(5, 16) == Decimal("31.3")  # 31.25 → 31.3
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 0) is None
    assert percent(0, None) is None


def test_empty_values_without_target_or_admissions(town):
    row = report(town)[0]
    assert row["target_minimum"] is None and row["target_stretch"] is None
    assert row["achievement_pct"] is None
    assert row["female_pct"] is None and row["university_pct"] is None
    assert row["admitted"] == 0 and row["female"] == 0


def test_zero_minimum_gives_empty_achievement(town):
    target(town.unit("W2"), "2024-01-01", "2024-12-31", 0)
    admit(town.unit("W2C1"), "2024-05-05")
    row = by_code(report(town))["W2"]
    assert row["target_minimum"] == 0 and row["achievement_pct"] is None


def test_parent_target_is_its_own_not_the_sum_of_children(town):
    target(town.unit("W1C1"), "2024-01-01", "2024-12-31", 4)
    target(town.unit("W1C2"), "2024-01-01", "2024-12-31", 6)
    rows = by_code(report(town, "W1"))
    assert rows["W1"]["target_minimum"] is None
    assert rows["W1C1"]["target_minimum"] == 4


def test_outermost_targets_inside_the_range_are_summed(town):
    w1 = town.unit("W1")
    target(w1, "2020-01-01", "2024-12-31", 50, 60)  # the term
    for year, minimum in ((2020, 8), (2021, 9), (2022, 10), (2023, 11), (2024, 12)):
        target(w1, f"{year}-01-01", f"{year}-12-31", minimum)
    target(w1, "2025-01-01", "2025-12-31", 7, 9)
    # The term stands for its years; 2025 is added beside it.
    row = report(town, "W1", "2020-01-01", "2025-12-31")[0]
    assert (row["target_minimum"], row["target_stretch"]) == (57, 69)
    # Only yearly targets inside: summed, the stretch of one without falls back to minimum.
    row = report(town, "W1", "2021-01-01", "2022-12-31")[0]
    assert (row["target_minimum"], row["target_stretch"]) == (19, None)


def test_shortest_containing_target_is_used_for_part_of_a_period(town):
    w1 = town.unit("W1")
    target(w1, "2020-01-01", "2024-12-31", 50)
    target(w1, "2024-01-01", "2024-12-31", 12, 14)
    row = report(town, "W1", "2024-01-01", "2024-06-30")[0]
    assert (row["target_minimum"], row["target_stretch"]) == (12, 14)
    row = report(town, "W1", "2023-07-01", "2024-06-30")[0]
    assert (row["target_minimum"], row["target_stretch"]) == (50, None)


def test_no_target_when_nothing_inside_or_containing(town):
    target(town.unit("W1"), "2024-01-01", "2024-12-31", 12)
    row = report(town, "W1", "2024-06-01", "2025-03-31")[0]
    assert row["target_minimum"] is None


def test_cluster_rows_count_below_the_unit_in_alphabetical_order(town):
    from grassroots.history.services import Trace
    from grassroots.org import services as org_services

    trace = Trace.system("test")
    bac = org_services.cluster_get_or_create(trace=trace, name="Bắc")
    zen = org_services.cluster_get_or_create(trace=trace, name="Ấp Zen")
    org_services.unit_update(trace=trace, unit=town.unit("W2"), cluster=bac)
    org_services.unit_update(trace=trace, unit=town.unit("W1C2"), cluster=zen)
    admit(town.unit("W2C1"), "2024-03-01", gender="female")
    admit(town.unit("W1C2"), "2024-03-01")
    admit(town.unit("W1C1"), "2024-03-01")
    admit(town.unit("HS"), "2024-03-01")
    rows = report(town, by="cluster", language="en")
    assert rows[0]["unit_code"] == "TOWN" and rows[0]["admitted"] == 4
    # English: letters with diacritics sort as their base letter, so "Ấp" among the A's.
    assert [(r["unit_code"], r["unit_name"], r["admitted"]) for r in rows[1:]] == [
        ("", "Ấp Zen", 1),
        ("", "Bắc", 1),
        ("", "Gò Nổi", 2),
    ]
    assert rows[1]["target_minimum"] is None
    # Vietnamese: a < ă < â < b < … < g, so Ấp comes first.
    vi = [r["unit_name"] for r in report(town, by="cluster", language="vi")[1:]]
    assert vi == ["Ấp Zen", "Bắc", "Gò Nổi"]


def test_sector_rows(town):
    admit(town.unit("HS"), "2024-03-01", gender="female")
    admit(town.unit("W1C1"), "2024-03-01")
    rows = report(town, by="sector")
    assert [(r["unit_name"], r["admitted"], r["female_pct"]) for r in rows] == [
        ("Town committee", 2, Decimal("50.0")),
        ("Education", 1, Decimal("100.0")),
    ]


def test_unknown_grouping_is_refused(town):
    with pytest.raises(ValueError):
        report(town, by="ward")


def test_outsider_cannot_report_on_another_ward(town):
    with pytest.raises(Http404):
        achievement(
            town.user("outsider"), unit="W1", date_from=D("2024-01-01"), date_to=D("2024-12-31")
        )
    rows = achievement(
        town.user("outsider"), unit="W2", date_from=D("2024-01-01"), date_to=D("2024-12-31")
    )
    assert [r["unit_code"] for r in rows] == ["W2", "W2C1"]


def test_rollups_and_an_independent_count_give_the_same_rows(town):
    for day in ("2024-01-31", "2024-02-01", "2024-02-29", "2024-03-15", "2024-07-01"):
        admit(town.unit("W1C1"), day, gender="female")
        admit(town.unit("HS"), day, religion="Catholic")
    for start, end in (
        ("2024-01-15", "2024-07-01"),
        ("2024-02-01", "2024-02-29"),
        ("2024-02-02", "2024-02-28"),
    ):
        for by in ("children", "cluster", "sector"):
            fast = report(town, start=start, end=end, by=by)
            slow = oracle_rows(town, start, end, by)
            assert fast == slow


def test_admissions_per_month_has_every_month_with_day_precision(town):
    from grassroots.reports.selectors import admissions_per_month

    admit(town.unit("W1C1"), "2024-01-14")
    admit(town.unit("W1C1"), "2024-01-15")
    admit(town.unit("W1C2"), "2024-03-31")
    admit(town.unit("W1C2"), "2024-04-01")
    months = admissions_per_month(
        SYSTEM, unit=town.unit("W1"), date_from=D("2024-01-15"), date_to=D("2024-03-31")
    )
    assert months == [(D("2024-01-01"), 1), (D("2024-02-01"), 0), (D("2024-03-01"), 1)]


def test_composition_counts_ages_at_the_decision_date(town):
    from grassroots.reports.selectors import composition

    hs = town.unit("HS")
    admit(hs, "2024-06-15", birth_date=D("1994-06-15"))  # 30 on the day
    admit(hs, "2024-06-14", birth_date=D("1993-06-15"))  # 30, a day before turning 31
    admit(hs, "2024-06-15", birth_date=D("1993-06-15"), education="university")  # 31
    admit(hs, "2024-03-01", birth_date=D("1960-02-29"), religion="Catholic")  # 64
    admit(hs, "2024-02-01", birth_date=D("2007-02-02"), gender="female")  # 16
    data = composition(SYSTEM, unit=hs, date_from=D("2024-01-01"), date_to=D("2024-12-31"))
    bands = {label: n for label, n, _pct in data["age_bands"]}
    assert bands["18-30"] == 2 and bands["31-35"] == 1 and bands["over 60"] == 1
    assert data["under_18"] == 1
    assert data["average_age"] == Decimal("34.2")  # (30 + 30 + 31 + 64 + 16) / 5
    assert data["women"] == 1 and data["women_pct"] == Decimal("20.0")
    assert data["religions"] == [("Catholic", 1, Decimal("20.0"))]


def test_composition_compares_with_a_year_earlier(town):
    from grassroots.reports.selectors import composition

    w1 = town.unit("W1")
    for day in ("2023-02-28", "2023-03-01", "2023-12-31", "2024-01-01"):
        admit(town.unit("W1C1"), day, gender="female")
    admit(town.unit("W1C2"), "2024-02-29")
    data = composition(SYSTEM, unit=w1, date_from=D("2024-01-01"), date_to=D("2024-02-29"))
    assert (data["earlier_from"], data["earlier_to"]) == (D("2023-01-01"), D("2023-02-28"))
    rows = {key: (now, then, change) for key, now, then, change in data["comparison"]}
    assert rows["admitted"] == (2, 1, Decimal("100.0"))
    assert rows["women"] == (1, 1, Decimal("0.0"))
    assert rows["readmitted"] == (0, 0, None)


def oracle_rows(town, start, end, by):
    """The same rows' counts from the independent count (tests/reports/oracle.py)."""
    oracle = Oracle()
    rows = report(town, start=start, end=end, by=by)
    expected = [
        {**rows[0], **oracle.as_it_was(town.unit("TOWN"), D(start), D(end))},
    ]
    if by == "children":
        children = oracle.children_rows(town.unit("TOWN"), D(start), D(end))
        for row in rows[1:]:
            expected.append({**row, **children[row["unit_code"]]})
    else:
        groups = oracle.by_grouping(town.unit("TOWN"), D(start), D(end), by)
        assert sorted(r["unit_name"] for r in rows[1:]) == sorted(groups)
        for row in rows[1:]:
            expected.append({**row, **groups[row["unit_name"]]})
    return [{**row, **counts_of(row)} for row in expected]

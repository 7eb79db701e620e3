"""The partial months at a period's ends are read once per range (`counting.EdgeCounts`)
and summed in Python: every grouping and breakdown equals a count over the admissions."""

import datetime as dt

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from grassroots.org import services as org_services
from grassroots.reports import counting, selectors, views
from grassroots.reports.counting import age_at, count_admissions, plan_range, shared_edges
from tests.reports.data import admit

UNITS = ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2", "W2", "W2C1", "HS"]
GROUPS = (None, "children", "month", "cluster", "sector")


def _fill(town):
    # A second root (after TOWN in code order, so the paths of the town stay): a root's
    # partial months are kept to its own subtree in Python.
    other = org_services.unit_create(trace=town.trace, code="ZZ", name="Other", kind="cell")
    days = ["2024-01-09", "2024-01-10", "2024-01-31", "2024-02-15", "2024-03-01", "2024-03-20"]
    for index, day in enumerate(days):
        for number, code in enumerate(UNITS):
            admit(
                town.unit(code),
                day,
                gender="female" if (index + number) % 2 else "male",
                education=["master", "college", ""][(index + number) % 3],
                ethnic_minority=number % 3 == 0,
                religion=["", "Buddhism", "Catholic"][(index + number) % 3],
                occupation=["farmer", "", "teacher"][index % 3],
                # Born on 20 March: the decision of 2024-03-20 falls on the birthday.
                birth_date=dt.date(1970 + index * 5, 3, 20),
                readmission=code == "HS",
            )
        admit(other, day, religion="Buddhism", birth_date=dt.date(1980, 1, 1))
    return other


def test_every_grouping_of_partial_months_equals_a_count_of_the_admissions(town):
    other = _fill(town)
    for unit in [*(town.unit(code) for code in ("TOWN", "W1", "W1C1G1", "HS")), other]:
        code = unit.code
        for date_from, date_to in (
            (dt.date(2024, 1, 10), dt.date(2024, 3, 15)),  # partial at both ends
            (dt.date(2024, 1, 1), dt.date(2024, 3, 20)),  # partial at the end only
            (dt.date(2024, 1, 10), dt.date(2024, 1, 31)),  # inside one month
        ):
            for group in GROUPS:
                fast = count_admissions(unit.path, date_from, date_to, group, unit=unit)
                slow = count_admissions(unit.path, date_from, date_to, group, use_rollups=False)
                assert fast == slow, (code, date_from, date_to, group)


def test_ages_count_whole_years_at_the_decision_date():
    assert age_at(dt.date(2024, 3, 19), dt.date(1990, 3, 20)) == 33
    assert age_at(dt.date(2024, 3, 20), dt.date(1990, 3, 20)) == 34
    assert age_at(dt.date(2024, 2, 28), dt.date(2000, 2, 29)) == 23
    assert age_at(dt.date(2024, 3, 1), dt.date(2000, 2, 29)) == 24


def test_shared_edges_read_each_range_once(town):
    _fill(town)
    unit = town.unit("TOWN")
    start, end = dt.date(2024, 1, 10), dt.date(2024, 1, 31)  # no whole month: only an edge
    with shared_edges() as edges:
        with CaptureQueriesContext(connection) as first:
            total = count_admissions(unit.path, start, end, unit=unit)
        # Whether TOWN is the only root (it is not: ZZ), then the range itself.
        assert len(first.captured_queries) == 2
        with CaptureQueriesContext(connection) as again:
            by_child = count_admissions(unit.path, start, end, "children", unit=unit, children=[])
            by_month = count_admissions(unit.path, start, end, "month", unit=unit)
            found = counting.breakdown(unit, start, end)
        assert again.captured_queries == []
        with shared_edges() as inner:  # nested blocks share the outer cache
            assert inner is edges
    assert total[None]["admitted"] == sum(c["admitted"] for c in by_child.values()) == 16
    assert by_month[dt.date(2024, 1, 1)] == total[None]
    assert sum(found["age"].values()) == 16
    # Outside the block nothing is kept: a new admission is counted at once.
    admit(town.unit("W2C1"), "2024-01-20")
    assert count_admissions(unit.path, start, end, unit=unit)[None]["admitted"] == 17


def test_dashboard_reads_each_partial_month_once(town):
    _fill(town)
    request = RequestFactory().get("/")
    request.user = town.users["admin"]
    unit = town.unit("TOWN")
    date_from, date_to = dt.date(2024, 1, 10), dt.date(2024, 3, 15)
    with CaptureQueriesContext(connection) as queries:
        context = views.dashboard_context(request, unit, date_from, date_to)
    edge_reads = [
        q["sql"]
        for q in queries.captured_queries
        if "pipeline_admission" in q["sql"] and "people_person" in q["sql"]
    ]
    # 10–31 January and 1–15 March, and the same days a year earlier for the comparison;
    # the unit's own whole months for the composition breakdown.
    assert len([sql for sql in edge_reads if '"birth_date"' in sql and "SELECT" in sql]) <= 5
    expected = selectors.achievement(
        selectors.SYSTEM, unit=unit, date_from=date_from, date_to=date_to, use_rollups=False
    )
    assert context["rows"] == expected
    assert context["composition"]["admitted"] == expected[0]["admitted"]


def test_a_mostly_covered_edge_month_is_read_as_the_month_less_the_days_outside():
    day = dt.date
    # 10–31 January: January less 1–9 January; 1–15 March stays as it is (16 days outside).
    assert plan_range(day(2024, 1, 10), day(2024, 3, 15)) == (
        (day(2024, 1, 1), day(2024, 2, 1)),
        [(day(2024, 3, 1), day(2024, 3, 15))],
        [(day(2024, 1, 1), day(2024, 1, 9))],
    )
    # 1–20 March: March less 21–31 March; 17–31 January stays (16 days outside).
    assert plan_range(day(2024, 1, 17), day(2024, 3, 20)) == (
        (day(2024, 2, 1), day(2024, 3, 1)),
        [(day(2024, 1, 17), day(2024, 1, 31))],
        [(day(2024, 3, 21), day(2024, 3, 31))],
    )
    # Whole months, and a period inside one month, are left alone.
    assert plan_range(day(2024, 1, 1), day(2024, 2, 29)) == (
        (day(2024, 1, 1), day(2024, 2, 1)),
        [],
        [],
    )
    assert plan_range(day(2024, 1, 2), day(2024, 1, 30)) == (
        None,
        [(day(2024, 1, 2), day(2024, 1, 30))],
        [],
    )


def test_a_range_read_without_unit_paths_is_read_again_for_a_split_by_child(town):
    # TOWN is the only root here: a total needs no unit paths, a split by child does.
    for day in ("2024-01-10", "2024-01-20"):
        for code in UNITS:
            admit(town.unit(code), day)
    unit = town.unit("TOWN")
    start, end = dt.date(2024, 1, 10), dt.date(2024, 1, 25)
    with shared_edges():
        total = count_admissions(unit.path, start, end, unit=unit)
        by_child = count_admissions(unit.path, start, end, "children", unit=unit)
    assert total == count_admissions(unit.path, start, end, use_rollups=False)
    assert by_child == count_admissions(unit.path, start, end, "children", use_rollups=False)
    assert set(by_child) == {unit.path, *(town.unit(c).path for c in ("W1", "W2", "HS"))}

"""The `report` command prints, byte for byte, the rows worked out by hand in dataset.py."""

import io
import json

import pytest
from django.core.management import call_command

from grassroots.exchange.importer import run_import

from . import dataset


@pytest.fixture
def imported(town, tmp_path):
    result = run_import(dataset.write_folder(tmp_path / "set"))
    assert result.ok, [str(p) for p in result.problems]
    return result


def report(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def achievement(unit, start, end, by, fmt="csv", *extra):
    return report(
        "achievement", "--unit", unit, "--from", start, "--to", end, "--by", by, "--format", fmt,
        *extra,
    )  # fmt: skip


@pytest.mark.parametrize("key", list(dataset.EXPECTED), ids="-".join)
def test_csv_rows_are_the_hand_computed_ones(imported, key):
    assert achievement(*key) == dataset.expected_csv(key)


def test_json_has_the_same_keys_numbers_as_numbers_and_empty_as_null(imported):
    rows = json.loads(achievement("R", "2024-01-01", "2024-12-31", "cluster", "json"))
    header = dataset.HEADER.split(",")
    assert [list(row) for row in rows] == [header] * 4
    assert rows[0] == {
        "unit_code": "R", "unit_name": "Root Town", "target_minimum": 8, "target_stretch": 10,
        "admitted": 9, "achievement_pct": 112.5, "female": 5, "female_pct": 55.6,
        "university": 5, "university_pct": 55.6, "ethnic_minority": 2, "religious": 3,
        "readmitted": 2,
    }  # fmt: skip
    assert rows[1] == {
        "unit_code": None, "unit_name": "Ấp Bắc", "target_minimum": None,
        "target_stretch": None, "admitted": 1, "achievement_pct": None, "female": 0,
        "female_pct": 0.0, "university": 1, "university_pct": 100.0, "ethnic_minority": 0,
        "religious": 1, "readmitted": 1,
    }  # fmt: skip


def test_json_of_a_unit_without_target_or_admissions(imported):
    rows = json.loads(achievement("A", "2026-01-01", "2026-12-31", "children", "json"))
    assert rows[0]["target_minimum"] is None and rows[0]["achievement_pct"] is None
    assert rows[0]["admitted"] == 0 and rows[0]["female_pct"] is None
    assert isinstance(rows[0]["admitted"], int)


def test_json_keeps_a_zero_minimum_apart_from_no_target(imported):
    rows = json.loads(achievement("R", "2024-01-01", "2024-12-31", "children", "json"))
    assert rows[1]["unit_code"] == "A"
    assert (rows[1]["target_minimum"], rows[1]["achievement_pct"]) == (0, None)


def test_table_lists_the_same_rows_in_the_same_order(imported):
    lines = achievement("A", "2024-01-01", "2024-12-31", "children", "table").splitlines()
    assert lines[0].split()[:3] == ["unit_code", "unit_name", "target_minimum"]
    assert [line.split()[0] for line in lines[2:]] == ["A", "AC1", "AC2"]
    assert "1.3" in lines[3].split() and "240" in lines[3].split()


def test_vietnamese_orders_clusters_by_its_alphabet(imported):
    rows = json.loads(
        achievement("R", "2024-01-01", "2024-12-31", "cluster", "json", "--language", "vi")
    )
    assert [r["unit_name"] for r in rows][1:] == dataset.EXPECTED_VI_CLUSTERS[1:]


def test_funnel_of_the_course(imported):
    assert (
        report("funnel", "--course", "C23", "--until", "2024-12-31", "--format", "csv")
        == dataset.EXPECTED_FUNNEL
    )


def test_funnel_the_day_before_leaves_out_that_days_facts(imported):
    # On 2024-12-30 P02's admission and transfer and P08's confirmation are still ahead.
    rows = json.loads(
        report("funnel", "--course", "C23", "--until", "2024-12-30", "--format", "json")
    )
    assert rows == [
        {"enrolled": 7, "completed": 4, "admitted": 5, "confirmed": 0, "transferred_out": 2,
         "university": 1, "armed_forces": 1}
    ]  # fmt: skip


def test_the_workbook_gives_the_same_reports(town, tmp_path):
    result = run_import(dataset.write_workbook(tmp_path / "set.xlsx"))
    assert result.ok, [str(p) for p in result.problems]
    for key in [
        ("R", "2024-01-01", "2024-12-31", "children"),
        ("A", "2024-01-01", "2024-12-31", "cluster"),
    ]:
        assert achievement(*key) == dataset.expected_csv(key)


def test_reports_read_the_rollups_and_the_facts_alike(imported):
    import datetime as dt

    from grassroots.org.models import Unit
    from grassroots.reports.selectors import SYSTEM
    from grassroots.reports.selectors import achievement as rows_of
    from tests.reports.oracle import Oracle, counts_of

    oracle = Oracle()
    start, end = dt.date(2020, 1, 1), dt.date(2025, 12, 31)
    root = Unit.objects.get(code="R")
    rows = rows_of(SYSTEM, unit="R", date_from=start, date_to=end, by="children")
    assert counts_of(rows[0]) == oracle.as_it_was(root, start, end)
    children = oracle.children_rows(root, start, end)
    assert {r["unit_code"]: counts_of(r) for r in rows[1:]} == children
    for by in ("cluster", "sector"):
        rows = rows_of(SYSTEM, unit="R", date_from=start, date_to=end, by=by)
        groups = oracle.by_grouping(root, start, end, by)
        assert {r["unit_name"]: counts_of(r) for r in rows[1:]} == groups


def test_regrouping_and_moving_units_carry_their_admissions(imported, tmp_path):
    # A takes the cluster Hill (AC1 and AC1G1 inherit it); AC2 moves under B, which has
    # no sector, so AC2 loses the inherited Administration but keeps its own Ấp Bắc.
    units = dataset.UNITS.replace(
        "A,Ward Alpha,committee,R,Gò Nổi,", "A,Ward Alpha,committee,R,Hill,"
    ).replace("AC2,Alpha cell two,cell,A,", "AC2,Alpha cell two,cell,B,")
    result = run_import(dataset.write_folder(tmp_path / "moved", {"units": units}))
    assert result.ok and result.summary["units"]["updated"] == 2
    year = ("2024-01-01", "2024-12-31")
    assert achievement("R", *year, "children").splitlines()[1:] == [
        "R,Root Town,8,10,9,112.5,5,55.6,5,55.6,2,3,2",
        "A,Ward Alpha,0,2,4,,2,50.0,3,75.0,1,1,1",
        "B,Ward Beta,5,7,4,80.0,2,50.0,1,25.0,1,1,1",
    ]
    assert achievement("R", *year, "cluster").splitlines()[2:] == [
        ",Ấp Bắc,,,1,,0,0.0,1,100.0,0,1,1",
        ",Ayun Pa,,,1,,0,0.0,0,0.0,0,0,0",
        ",Gò Nổi,,,2,,2,100.0,0,0.0,1,0,0",
        ",Hill,,,4,,2,50.0,3,75.0,1,1,1",
    ]
    assert achievement("R", *year, "sector").splitlines()[2:] == [
        ",Administration,,,1,,1,100.0,1,100.0,0,0,0",
        ",Education,,,3,,1,33.3,2,66.7,1,1,1",
        ",Health,,,3,,2,66.7,0,0.0,1,0,0",
    ]


def test_output_file_holds_what_stdout_would_show(imported, tmp_path):
    target = tmp_path / "out.csv"
    key = ("R", "2024-01-01", "2024-12-31", "children")
    assert achievement(*key, "csv", "--output", str(target)) == ""
    assert target.read_text(encoding="utf-8") == dataset.expected_csv(key)


def test_reimport_with_changed_people_and_admissions_updates_the_counts(imported, tmp_path):
    # P02 is corrected to female; P06's admission was by AC2 (under A), not BC1G1 (under B).
    files = {
        "people": dataset.PEOPLE.replace("P02,Y Bih Niê,male", "P02,Y Bih Niê,female"),
        "admissions": dataset.ADMISSIONS.replace("P06,BC1G1,", "P06,AC2,"),
    }
    result = run_import(dataset.write_folder(tmp_path / "fix", files))
    assert result.ok and result.summary["admissions"]["updated"] == 1
    key = ("R", "2024-01-01", "2024-12-31", "children")
    assert achievement(*key).splitlines()[1:] == [
        "R,Root Town,8,10,9,112.5,6,66.7,5,55.6,2,3,2",
        "A,Ward Alpha,0,2,6,,3,50.0,4,66.7,1,2,2",
        "B,Ward Beta,5,7,2,40.0,2,100.0,0,0.0,1,0,0",
    ]

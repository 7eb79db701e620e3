"""The statistical form on newly admitted members keeps the contract of
docs/exchange-format.md: every row, both periods, against an independent oracle."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import Http404

from grassroots import announcements
from grassroots.org import restructure
from grassroots.org.models import Unit
from grassroots.pipeline.models import Admission, Source
from grassroots.reports import counting
from grassroots.reports.selectors import SYSTEM
from grassroots.reports.statform import COLUMNS, change_pct, newly_admitted, year_earlier
from tests.reports.data import admit, person
from tests.reports.statform_oracle import INDICATORS, FormOracle, shown

D = dt.date.fromisoformat
YEAR = (D("2024-01-01"), D("2024-12-31"))
CODES = ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2", "W2", "W2C1", "HS"]


def unit(code):
    return Unit.objects.get(code=code)


def form(code, start, end, restate_on=None, user=SYSTEM):
    return newly_admitted(
        user, unit=unit(code), date_from=start, date_to=end, restate_on=restate_on
    )


def source(unit_code, nominated_on, **person_fields):
    return Source.objects.create(
        person=person(**person_fields), unit=unit(unit_code), nominated_on=D(nominated_on)
    )


def a_year_of_admissions(town):
    """Two years of admissions across the town, with the edge cases of the contract."""
    for year in (2023, 2024):
        admit(unit("HS"), f"{year}-03-10", gender="female", birth_date=D(f"{year - 18}-01-01"),
              occupation="pupil", youth_union=True, education="upper_secondary")  # fmt: skip
        admit(unit("W1C1G1"), f"{year}-05-05", birth_date=D(f"{year - 30}-05-05"),
              occupation="", education="")  # exactly 30: 18_30; empty → other, none  # fmt: skip
        admit(unit("W1C1"), f"{year}-05-05", birth_date=D(f"{year - 31}-05-05"),
              occupation="farmer", ethnic_minority=True)  # exactly 31: 31_35  # fmt: skip
    admit(unit("W1C2"), "2024-03-15", birth_date=D("1994-03-16"), religion="Phật giáo",
          occupation="worker", education="university")  # 29 the day before his birthday  # fmt: skip
    admit(unit("W1C2"), "2024-09-15", birth_date=D("1963-09-15"), readmission=True,
          occupation="armed_forces", education="master")  # 61: over 60  # fmt: skip
    admit(unit("W1"), "2024-06-01", birth_date=D("1964-06-01"), occupation="state_official",
          education="doctorate", gender="female")  # 60: 56_60, a committee admits  # fmt: skip
    admit(unit("W2C1"), "2024-02-29", birth_date=D("2008-02-29"),
          occupation="commune_official", youth_union=True)  # 16: under 18 counts in 18_30  # fmt: skip
    admit(unit("W2C1"), "2023-02-28", birth_date=D("1985-07-07"),
          occupation="non_public_employee", education="college")  # fmt: skip
    admit(unit("W2C1"), "2023-03-01", birth_date=D("1980-07-07"), occupation="business_owner",
          education="vocational", religion="Công giáo")  # fmt: skip
    admit(unit("HS"), "2024-11-11", birth_date=D("1989-01-01"), occupation="public_employee",
          education="primary", gender="female")  # fmt: skip
    admit(unit("HS"), "2024-12-31", birth_date=D("1984-12-31"), occupation="university_student",
          education="lower_secondary")  # 40 on the day: 36_40  # fmt: skip
    # Sources: HS has one open at the end of 2024, not of 2023; W2C1's was admitted in 2024;
    # a group's source is not its cell's; one nominated after the period does not count.
    source("HS", "2024-03-01")
    admitted = source("W2C1", "2023-05-01", birth_date=D("1995-01-01"), occupation="worker")
    admit_again(admitted.person, unit("W2C1"), "2024-02-01")
    source("W1C1G1", "2022-01-01")
    source("W1C2", "2025-01-05")


@transaction.atomic
def admit_again(who, at, day):
    """Admit a person already in the register, as the admission service does."""
    admission = Admission(person=who, unit=at, decision_date=D(day))
    admission.keep_person_attributes(who)
    admission.save()
    announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)


def assert_agrees(code, start, end, restate_on=None):
    expected = FormOracle().rows(unit(code), start, end, restate_on)
    rows = form(code, start, end, restate_on)
    assert [r["indicator"] for r in rows] == INDICATORS
    assert all(r["label"] for r in rows)
    assert shown(rows) == expected, code
    return rows


def test_columns_and_rows_are_in_contract_order(town):
    rows = form("TOWN", *YEAR)
    assert tuple(rows[0]) == COLUMNS == (
        "indicator", "label", "this_period", "same_period_last_year", "change_pct",
    )  # fmt: skip
    assert [r["indicator"] for r in rows] == INDICATORS
    assert rows[0]["this_period"] == 0 and rows[0]["change_pct"] is None


def test_every_row_of_every_unit_agrees_with_the_oracle(town):
    a_year_of_admissions(town)
    for code in CODES:
        rows = assert_agrees(code, *YEAR)
        total = counting.count(unit(code), *YEAR)["admitted"]
        assert rows[0]["this_period"] == total  # the achievement report's admissions
    rows = {r["indicator"]: r for r in form("TOWN", *YEAR)}
    assert (rows["total"]["this_period"], rows["total"]["same_period_last_year"]) == (10, 5)
    assert rows["total"]["change_pct"] == Decimal("100.0")
    assert rows["age.18_30"]["this_period"] == 5
    assert rows["age.31_35"]["this_period"] == 2
    assert rows["age.over_60"]["this_period"] == 1
    assert rows["age.56_60"]["this_period"] == 1
    assert rows["occupation.other"]["this_period"] == 1
    assert rows["education.none"]["this_period"] == 1
    assert rows["readmitted"]["this_period"] == 1
    # Cells that admitted: HS, W1C1 (also through its group), W1C2, W2C1; W1 is no cell.
    assert rows["units_admitting"]["this_period"] == 4
    # End of 2024: W1C1, W1C2, W2C1 without an open source; end of 2023: HS too.
    assert rows["units_without_sources"]["this_period"] == 3
    assert rows["units_without_sources"]["same_period_last_year"] == 3


def test_a_source_passed_on_by_a_later_merge_still_counts_where_it_was(town):
    """Outside check: after a merge the form counted the merged cell as without sources for
    the years before the merge (the successor holds the source today). As it was, no
    event changes a period that ends before it; restated, the source stands at the
    successor."""
    a_year_of_admissions(town)
    before = {r["indicator"]: r for r in form("TOWN", *YEAR)}
    hs = unit("HS")
    restructure.unit_merge(
        trace=town.trace,
        units=[hs],
        into="HSN",
        name="New high-school cell",
        parent=hs.get_parent(),
        day=D("2025-06-01"),
    )
    source = Source.objects.get(unit__code="HSN")
    assert source.nominated_in.code == "HS"
    after = {r["indicator"]: r for r in form("TOWN", *YEAR)}
    assert after["units_without_sources"] == before["units_without_sources"]
    for code in CODES:
        assert_agrees(code, *YEAR)
        assert_agrees(code, *YEAR, restate_on=D("2025-06-01"))


def test_29_february_compares_with_28_february(town):
    a_year_of_admissions(town)
    day = D("2024-02-29")
    assert year_earlier(day) == D("2023-02-28")
    rows = {r["indicator"]: r for r in assert_agrees("TOWN", day, day)}
    assert (rows["total"]["this_period"], rows["total"]["same_period_last_year"]) == (1, 1)
    # A year to the end of February 2025 is compared with one that ends on 28 February.
    assert_agrees("TOWN", D("2024-03-01"), D("2025-02-28"))
    assert_agrees("W2", D("2023-03-01"), D("2024-02-29"))


def test_a_restructured_unit_as_it_was_and_restated(town):
    a_year_of_admissions(town)
    # W1C2 moves to ward 2 in July 2024: its March admission stays with ward 1 as it was.
    restructure.unit_move(
        trace=town.trace, unit=unit("W1C2"), new_parent=unit("W2"), day=D("2024-07-01")
    )
    # W2C1 is absorbed by the high school cell in 2025.
    restructure.unit_merge(trace=town.trace, units=[unit("W2C1")], into="HS", day=D("2025-03-01"))
    for code in CODES:
        assert_agrees(code, *YEAR)
        assert_agrees(code, *YEAR, restate_on=D("2025-03-01"))
    w1 = {r["indicator"]: r["this_period"] for r in form("W1", *YEAR)}
    w2 = {r["indicator"]: r["this_period"] for r in form("W2", *YEAR)}
    assert (w1["total"], w2["total"]) == (4, 3)
    restated = {r["indicator"]: r for r in form("HS", *YEAR, restate_on=D("2025-03-01"))}
    assert restated["total"]["this_period"] == 5  # its own three and W2C1's two
    assert restated["units_admitting"]["this_period"] == 1


def test_change_is_computed_from_the_values_as_shown():
    assert change_pct(3, 2) == Decimal("50.0")
    assert change_pct(0, 4) == Decimal("-100.0")
    assert change_pct(5, 0) is None
    assert change_pct(None, 3) is None
    assert change_pct(1, 3) == Decimal("-66.7")
    assert change_pct(Decimal("30.1"), Decimal("31.2")) == Decimal("-3.5")
    assert change_pct(2001, 2000) == Decimal("0.1")  # 0.05 rounds away from zero
    assert change_pct(1999, 2000) == Decimal("-0.1")
    assert str(change_pct(9999, 10000)) == "0.0"  # -0.01 shows as 0.0


def test_average_age_rounds_half_up(town):
    admit(unit("HS"), "2024-03-01", birth_date=D("2004-01-01"))  # 20
    admit(unit("HS"), "2024-03-01", birth_date=D("2003-01-01"))  # 21
    rows = {r["indicator"]: r for r in form("HS", *YEAR)}
    assert rows["age.average"]["this_period"] == Decimal("20.5")
    assert rows["age.average"]["same_period_last_year"] is None
    assert rows["age.average"]["change_pct"] is None


def test_outside_scope_is_not_found(town):
    with pytest.raises(Http404):
        form("HS", *YEAR, user=town.user("outsider"))


def test_the_command_prints_csv_and_json(town, capsys):
    a_year_of_admissions(town)
    call_command(
        "report", "newly-admitted", "--unit", "TOWN", "--from", "2024-01-01",
        "--to", "2024-12-31", "--format", "csv",
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "indicator,label,this_period,same_period_last_year,change_pct"
    assert lines[1] == "total,Newly admitted members,10,5,100.0"
    assert len(lines) == 1 + len(INDICATORS)
    call_command(
        "report", "newly-admitted", "--unit", "TOWN", "--from", "2024-01-01",
        "--to", "2024-12-31", "--format", "json",
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {
        "indicator": "total",
        "label": "Newly admitted members",
        "this_period": 10,
        "same_period_last_year": 5,
        "change_pct": 100.0,
    }
    average = next(r for r in data if r["indicator"] == "age.average")
    assert isinstance(average["this_period"], float)
    call_command(
        "report", "newly-admitted", "--unit", "TOWN", "--from", "2024-01-01", "--to", "2024-12-31"
    )
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == list(COLUMNS)


def test_the_command_writes_excel_and_pdf(town, tmp_path):
    from openpyxl import load_workbook

    a_year_of_admissions(town)
    xlsx, pdf = tmp_path / "form.xlsx", tmp_path / "form.pdf"
    for fmt, path in (("xlsx", xlsx), ("pdf", pdf)):
        call_command(
            "report", "newly-admitted", "--unit", "TOWN", "--from", "2024-01-01",
            "--to", "2024-12-31", "--format", fmt, "--output", str(path),
        )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    sheet = load_workbook(xlsx).active
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for heading in ("ĐẢNG VIÊN MỚI KẾT NẠP", "Kỳ này", "Cùng kỳ năm trước", "Tăng, giảm (%)"):
        assert heading in texts
    assert "Tổng số đảng viên mới kết nạp" in texts


def test_a_split_unit_restated_follows_each_admitted_person(town):
    a_year_of_admissions(town)
    moved = admit(unit("W1C1"), "2024-10-10", birth_date=dt.date(1999, 1, 1), occupation="worker")
    restructure.unit_split(
        trace=town.trace,
        unit=unit("W1C1"),
        into=[("W1C1A", "Area 1 A"), ("W1C1B", "Area 1 B")],
        assign={moved.person.national_id: "W1C1B"},
        day=D("2025-07-01"),
    )
    day = D("2025-07-01")
    for code in [*CODES, "W1C1A", "W1C1B"]:
        assert_agrees(code, *YEAR)
        assert_agrees(code, *YEAR, restate_on=day)
    a = {r["indicator"]: r["this_period"] for r in form("W1C1A", *YEAR, restate_on=day)}
    b = {r["indicator"]: r["this_period"] for r in form("W1C1B", *YEAR, restate_on=day)}
    assert (a["total"], b["total"]) == (2, 1)
    assert (a["units_admitting"], b["units_admitting"]) == (1, 1)

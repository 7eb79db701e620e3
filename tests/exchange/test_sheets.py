"""Exports and the template in the exchange format: typed Excel cells, a frozen header,
no text a spreadsheet would evaluate, drop-down lists, and what they give imports back."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grassroots import sheets
from grassroots.exchange import exporter
from grassroots.exchange import template as workbook_template
from grassroots.exchange.format import COLUMNS, FILES, YESNO
from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person

from .helpers import STORY, imported, write
from .test_round_trip import _empty_database

FORMULAS = ["=1+1", "+41", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", [*FORMULAS, "'=x", "''x"])
def test_csv_cells_a_spreadsheet_would_evaluate_get_an_apostrophe(text):
    escaped = sheets.escape(text)
    assert escaped.startswith("'")
    assert sheets.unescape(escaped) == text


@pytest.mark.parametrize("text", ["Nguyễn Thị Lan", "'quoted'", "2024-01-02", ""])
def test_ordinary_text_is_written_as_it_is(text):
    assert sheets.escape(text) == text
    assert sheets.unescape(text) == text


def _story_with_a_formula(tmp_path):
    people = STORY["people"].replace("Trương Văn Minh", "=HYPERLINK(1)")
    imported(write(tmp_path / "story", **{**STORY, "people": people}))


def test_a_formula_like_name_is_escaped_in_csv_and_imports_back_unchanged(town, tmp_path):
    _story_with_a_formula(tmp_path)
    exporter.write_csv_folder(tmp_path / "out", only=["people"])
    text = (tmp_path / "out" / "people.csv").read_text(encoding="utf-8")
    assert ",'=HYPERLINK(1)," in text
    result = imported(tmp_path / "out")
    assert result.summary["people"]["updated"] == 0
    assert Person.objects.get(national_id="079100000003").full_name == "=HYPERLINK(1)"


def test_excel_export_has_typed_cells_and_a_frozen_header(town, tmp_path):
    _story_with_a_formula(tmp_path)
    exporter.write_xlsx(tmp_path / "all.xlsx")
    book = load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames == list(FILES)
    people = book["people"]
    assert people.freeze_panes == "A2"
    assert [c.value for c in people[1]] == [c.name for c in COLUMNS["people"]]
    birth = people.cell(row=2, column=4)
    assert birth.is_date and birth.number_format == sheets.DATE_FORMAT
    national_id = people.cell(row=2, column=1)
    assert national_id.data_type == "s" and national_id.value.startswith("0")  # text, not 1.0e11
    formula = next(c for row in people.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert formula.data_type == "s" and formula.quotePrefix
    targets = book["targets"]
    assert targets.cell(row=2, column=4).data_type == "n"  # minimum is a number
    # And it imports back unchanged.
    result = imported(tmp_path / "all.xlsx")
    assert all(c["created"] == c["updated"] == 0 for c in result.summary.values())


def test_template_has_a_sheet_per_file_lists_examples_and_instructions(town):
    buffer = io.BytesIO()
    with translation.override("en"):
        workbook_template.build(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["Instructions", *FILES]
    assert "How to fill in this workbook" in book["Instructions"]["A1"].value
    for name in FILES:
        sheet = book[name]
        columns = COLUMNS[name]
        assert [c.value for c in sheet[1]] == [c.name for c in columns], name
        assert sheet.freeze_panes == "A2"
        lists = {
            str(rule.sqref).split(":")[0]: rule.formula1
            for rule in sheet.data_validations.dataValidation
            if rule.type == "list"
        }
        for index, column in enumerate(columns, start=1):
            vocabulary = ("yes", "no") if column.kind == YESNO else column.choices
            if vocabulary:
                letter = sheet.cell(row=1, column=index).column_letter
                assert lists[f"{letter}2"] == '"' + ",".join(vocabulary) + '"', column.name
        if name != "split_assignments":
            assert sheet.max_row >= 2, name  # an example row
    birth = book["people"].cell(row=2, column=4)
    assert birth.is_date and birth.number_format == sheets.DATE_FORMAT


def test_the_template_imports_as_it_is(town, tmp_path):
    path = tmp_path / "template.xlsx"
    workbook_template.build(path)
    _empty_database()
    imported(path)
    member = Membership.objects.get()
    assert (member.unit.code, member.status) == ("W1", "official")
    assert Unit.objects.get(code="W1").name == "Ward One"


def test_template_download_is_in_the_users_language(client_for):
    response = client_for("secretary").get(reverse("exchange:template"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    with translation.override("vi"):
        title = translation.gettext("Instructions")
    assert book.sheetnames[0] == title
    assert workbook_template.is_instructions(title)


def test_people_list_exports_the_people_file(client_for, town, tmp_path):
    client = client_for("org")
    response = client.get(reverse("people:export"), {"unit": "HS"})
    body = response.getvalue().decode("utf-8-sig")
    assert body.splitlines()[0] == ",".join(c.name for c in COLUMNS["people"])
    assert "no-store" in response["Cache-Control"]
    (tmp_path / "people.csv").write_text(body, encoding="utf-8")
    result = imported(tmp_path / "people.csv")
    assert result.summary["people"] == {"created": 0, "updated": 0, "unchanged": 2}

    response = client.get(reverse("people:export_xlsx"), {"unit": "HS"})
    content = response.getvalue()  # a file read once
    book = load_workbook(io.BytesIO(content))
    sheet = book["people"]
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=4).is_date
    (tmp_path / "people.xlsx").write_bytes(content)
    assert imported(tmp_path / "people.xlsx").summary["people"]["unchanged"] == 2


def test_transfers_list_exports_the_transfers_file(client_for, town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    response = client_for("org").get(reverse("transfers:export"))
    body = response.getvalue().decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0] == ",".join(c.name for c in COLUMNS["transfers"])
    assert len(lines) == 3
    (tmp_path / "transfers.csv").write_text(body, encoding="utf-8")
    result = imported(tmp_path / "transfers.csv")
    assert result.summary["transfers"] == {"created": 0, "updated": 0, "unchanged": 2}
    response = client_for("org").get(reverse("transfers:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.getvalue()))["transfers"]
    issued = sheet.cell(row=2, column=3)
    assert issued.is_date and issued.value == dt.datetime(2024, 10, 1)  # latest first


@pytest.mark.parametrize(
    ("url", "file", "query"),
    [
        ("pipeline:sources_export", "sources", {}),
        ("pipeline:courses_export", "courses", {}),
        ("pipeline:dossiers_export", "dossiers", {}),
        ("pipeline:members_export", "members", {}),
        ("plans:targets_export", "targets", {"unit": "TOWN"}),
        ("plans:findings_export", "findings", {"unit": "TOWN"}),
    ],
)
def test_every_list_page_exports_its_file_and_it_imports_back(
    client_for, town, tmp_path, url, file, query
):
    from ..pipeline.walk import open_dossier, walk_until

    imported(write(tmp_path / "story", **STORY))
    walk_until(town, open_dossier(town), stop="introduction")
    client = client_for("org")
    response = client.get(reverse(url), query)
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0] == ",".join(c.name for c in COLUMNS[file])
    assert len(lines) > 1 or file == "findings"
    (tmp_path / f"{file}.csv").write_text(body, encoding="utf-8")
    result = imported(tmp_path / f"{file}.csv")
    assert result.summary[file]["created"] == result.summary[file]["updated"] == 0

    response = client.get(reverse(url + "_xlsx"), query)
    sheet = load_workbook(io.BytesIO(response.getvalue()))[file]
    assert [c.value for c in sheet[1]] == [c.name for c in COLUMNS[file]]
    assert sheet.freeze_panes == "A2"


def test_a_share_typed_as_a_percentage_in_excel_or_saved_so_in_csv_imports_as_shown(town, tmp_path):
    """A committee types 45,5 % into a cell shown as a percentage: Excel stores 0.455.
    The share means 45.5, in a workbook and in the CSV file Excel saves from it."""
    from openpyxl import Workbook

    from grassroots.plans.models import Target

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "targets"
    sheet.append(["unit_code", "period_start", "period_end", "minimum", "women_share"])
    sheet.append(["TOWN", dt.date(2030, 1, 1), dt.date(2030, 12, 31), 5, 0.455])
    sheet.append(["HS", dt.date(2030, 1, 1), dt.date(2030, 12, 31), 1, 0.35])
    sheet["E2"].number_format = "0.0%"
    sheet["E3"].number_format = "0.00"  # a plain number stays what it is: 0.35 is refused
    workbook.save(tmp_path / "targets.xlsx")
    from grassroots.exchange.importer import run_import

    result = run_import(tmp_path / "targets.xlsx")
    assert [str(p) for p in result.problems] == [
        "targets:3: women_share: 0.35 is not a number with at most one decimal (e.g. 45.5)"
    ]
    sheet["E3"].number_format = "0%"
    workbook.save(tmp_path / "targets.xlsx")
    imported(tmp_path / "targets.xlsx")
    shares = dict(
        Target.objects.filter(period_start=dt.date(2030, 1, 1)).values_list(
            "unit__code", "women_share"
        )
    )
    assert shares == {"TOWN": 45.5, "HS": 35}

    imported(
        write(
            tmp_path / "csv",
            targets="""
                unit_code,period_start,period_end,minimum,women_share
                TOWN,2030-01-01,2030-12-31,5,46%
            """,
        )
    )
    assert Target.objects.get(unit__code="TOWN", period_start=dt.date(2030, 1, 1)).women_share == 46

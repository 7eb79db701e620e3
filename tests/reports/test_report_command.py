"""`grassroots report` prints exactly the contract."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from grassroots.history.models import Access
from tests.reports.data import admit, target


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def admissions(town):
    admit(town.unit("W1C1"), "2024-03-01", gender="female", education="university")
    admit(town.unit("W1C2"), "2024-04-01", religion="Catholic")
    admit(town.unit("HS"), "2024-05-01", ethnic_minority=True, readmission=True)
    target(town.unit("W1"), "2024-01-01", "2024-12-31", 3, 4)


def test_csv_has_the_contract_header_and_rows(admissions):
    text = run(
        "achievement",
        "--unit",
        "TOWN",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "csv",
    )
    lines = text.splitlines()
    assert lines[0] == (
        "unit_code,unit_name,target_minimum,target_stretch,admitted,achievement_pct,female,"
        "female_pct,university,university_pct,ethnic_minority,religious,readmitted"
    )
    assert lines[1] == "TOWN,Town committee,,,3,,1,33.3,1,33.3,1,1,1"
    assert lines[2] == "HS,High school cell,,,1,,0,0.0,0,0.0,1,0,1"
    assert lines[3] == "W1,Ward 1,3,4,2,66.7,1,50.0,1,50.0,0,1,0"
    assert lines[4] == "W2,Ward 2,,,0,,0,,0,,0,0,0"
    assert len(lines) == 5


def test_json_has_numbers_as_numbers_and_empty_as_null(admissions):
    text = run(
        "achievement",
        "--unit",
        "W1",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "json",
    )
    data = json.loads(text)
    assert [row["unit_code"] for row in data] == ["W1", "W1C1", "W1C2"]
    assert data[0]["achievement_pct"] == 66.7 and data[0]["admitted"] == 2
    assert data[0]["target_minimum"] == 3
    assert data[1]["target_minimum"] is None and data[1]["achievement_pct"] is None
    assert list(data[0]) == next(csv.reader(io.StringIO(run(
        "achievement", "--unit", "W1", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "csv"
    ))))  # fmt: skip


def test_table_is_readable_and_exports_are_logged(admissions):
    text = run("achievement", "--unit", "W1", "--from", "2024-01-01", "--to", "2024-12-31")
    assert text.splitlines()[0].startswith("unit_code")
    assert "Residential area 1" in text
    assert Access.objects.filter(kind="export", what__startswith="achievement report W1").exists()


def test_by_cluster_in_csv(admissions):
    text = run(
        "achievement",
        "--unit",
        "TOWN",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--by",
        "cluster",
        "--format",
        "csv",
    )
    assert text.splitlines()[2] == ",Gò Nổi,,,3,,1,33.3,1,33.3,1,1,1"


def test_xlsx_and_pdf_need_an_output_file(admissions, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        run(
            "achievement",
            "--unit",
            "W1",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--format",
            "xlsx",
        )
    out = tmp_path / "r.xlsx"
    run(
        "achievement",
        "--unit",
        "W1",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Ward 1 (W1)" in values and "Code" in values and 66.7 in values
    assert "unit_code" not in values  # the header row is in the chosen language
    pdf = tmp_path / "r.pdf"
    run(
        "achievement",
        "--unit",
        "W1",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "pdf",
        "--output",
        str(pdf),
    )
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--from", "2024-01-01", "--to", "2024-12-31"], "unknown unit: NOPE"),
        (["--unit", "W1", "--from", "2024-13-01", "--to", "2024-12-31"], "not a date"),
        (["--unit", "W1", "--from", "2024-12-01", "--to", "2024-01-31"], "before"),
        (
            ["--unit", "W1", "--from", "2024-01-01", "--to", "2024-12-31", "--user", "outsider"],
            "unknown unit: W1",
        ),
    ],
)
def test_clear_errors(town, args, message):
    with pytest.raises(CommandError, match=message):
        run("achievement", *args)


def test_funnel_counts_the_course_people(town):
    import datetime as dt

    from grassroots.pipeline.models import Confirmation, Course, Enrollment
    from grassroots.transfers.models import Transfer

    course = Course.objects.create(
        code="C24", organizer=town.unit("W1"), title="Awareness 2024",
        start_date=dt.date(2024, 1, 10), end_date=dt.date(2024, 1, 20),
    )  # fmt: skip
    a1 = admit(town.unit("W1C1"), "2024-03-01")
    a2 = admit(town.unit("W1C1"), "2024-06-01")
    a3 = admit(town.unit("W1C2"), "2025-02-01")  # after the date
    for admission, result in ((a1, "completed"), (a2, "completed"), (a3, "enrolled")):
        Enrollment.objects.create(course=course, person=admission.person, result=result)
    Confirmation.objects.create(admission=a1, decided_on=dt.date(2025, 3, 1), outcome="confirmed")
    Transfer.objects.create(
        person=a2.person, kind="official", issued_on=dt.date(2024, 9, 1),
        destination="Đà Nẵng University", destination_type="university",
    )  # fmt: skip
    text = run("funnel", "--course", "C24", "--until", "2024-12-31", "--format", "csv")
    assert text == (
        "enrolled,completed,admitted,confirmed,transferred_out,university\n3,2,2,0,1,1\n"
    )
    data = json.loads(run("funnel", "--course", "C24", "--until", "2025-12-31", "--format", "json"))
    assert data == [
        {
            "enrolled": 3,
            "completed": 2,
            "admitted": 3,
            "confirmed": 1,
            "transferred_out": 1,
            "university": 1,
        }
    ]
    with pytest.raises(CommandError, match="unknown course: NOPE"):
        run("funnel", "--course", "NOPE", "--until", "2024-12-31")

"""Every rule of the exchange format: each bad input is reported as file:row: column: message."""

import io
import unicodedata

import pytest
from openpyxl import Workbook

from grassroots.exchange.importer import run_import
from grassroots.org.models import Cluster, Unit
from grassroots.people.models import Person
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer

from .helpers import STORY, imported, problems, write

PEOPLE_HEADER = "national_id,full_name,gender,birth_date,unit_code\n"


def test_unknown_column_is_named(town, tmp_path):
    folder = write(
        tmp_path, people=PEOPLE_HEADER.strip() + ",colour\n079000000001,An,male,1990-01-01,HS,red\n"
    )
    result = run_import(folder)
    assert problems(result) == ["people:1: colour: unknown column"]
    assert not Person.objects.filter(national_id="079000000001").exists()


def test_missing_required_column(town, tmp_path):
    folder = write(
        tmp_path, people="national_id,full_name,birth_date\n079000000001,An,1990-01-01\n"
    )
    assert problems(run_import(folder)) == ["people:1: gender: a required column is missing"]


def test_missing_required_value(town, tmp_path):
    folder = write(tmp_path, people=PEOPLE_HEADER + "079000000001,,male,1990-01-01,HS\n")
    assert problems(run_import(folder)) == ["people:2: full_name: a value is required"]


@pytest.mark.parametrize("bad", ["1990-13-01", "01/02/1990", "1990-1-1", "yesterday"])
def test_bad_date(town, tmp_path, bad):
    folder = write(tmp_path, people=PEOPLE_HEADER + f"079000000001,An,male,{bad},HS\n")
    [problem] = problems(run_import(folder))
    assert problem.startswith("people:2: birth_date: ")


def test_bad_vocabulary(town, tmp_path):
    folder = write(
        tmp_path,
        people="national_id,full_name,gender,birth_date,education,ethnic_minority\n"
        "079000000001,An,woman,1990-01-01,phd,maybe\n",
    )
    assert problems(run_import(folder)) == [
        "people:2: gender: unknown value woman (use female, male)",
        "people:2: ethnic_minority: maybe: use yes or no",
        "people:2: education: unknown value phd (use none, primary, lower_secondary, "
        "upper_secondary, vocational, college, university, master, doctorate)",
    ]


def test_bad_national_id(town, tmp_path):
    folder = write(tmp_path, people=PEOPLE_HEADER + "079-0001,An,male,1990-01-01,HS\n")
    [problem] = problems(run_import(folder))
    assert problem.startswith("people:2: national_id: ")


def test_bad_references(town, tmp_path):
    folder = write(
        tmp_path,
        people=PEOPLE_HEADER + "079000000001,An,male,1990-01-01,NOWHERE\n",
        sources="national_id,unit_code,nominated_on\n079999999999,HS,2024-01-01\n",
        enrollments="course_code,national_id,result\nNO-COURSE,001090000002,completed\n",
    )
    assert problems(run_import(folder)) == [
        "people:2: unit_code: unknown unit NOWHERE",
        "sources:2: national_id: unknown person 079999999999 (not in the register nor in people)",
        "enrollments:2: course_code: unknown course NO-COURSE",
    ]


def test_duplicate_key_within_the_file(town, tmp_path):
    folder = write(
        tmp_path,
        people=PEOPLE_HEADER
        + "079000000001,An,male,1990-01-01,HS\n"
        + "079000000002,Binh,male,1990-01-01,HS\n"
        + "079000000001,An again,male,1990-01-01,HS\n",
    )
    # Both rows are named ("an error naming both rows"), each on its own line.
    assert problems(run_import(folder)) == [
        "people:2: national_id: the key 079000000001 appears again in row 4",
        "people:4: national_id: the key 079000000001 appears more than once in the file"
        " (first in row 2)",
    ]


def test_a_repeated_key_is_named_even_when_one_row_has_another_error(town, tmp_path):
    """Every problem is reported: the gender the first row gets wrong, and the key the two
    rows share (an outside check saw only the gender)."""
    folder = write(
        tmp_path,
        people=PEOPLE_HEADER
        + "079000000001,An,A,1990-01-01,HS\n"
        + "079000000001,An again,male,1990-01-01,HS\n",
    )
    found = problems(run_import(folder))
    assert found[0].startswith("people:2: gender:")
    assert found[1:] == [
        "people:2: national_id: the key 079000000001 appears again in row 3",
        "people:3: national_id: the key 079000000001 appears more than once in the file"
        " (first in row 2)",
    ]


def test_a_key_repeated_in_a_later_batch_is_named_with_its_row(town, tmp_path):
    # Keys seen are kept in the database (a temporary table), a batch at a time: a repeat
    # across batches is found there, a repeat within a batch before it gets there.
    folder = write(
        tmp_path,
        people=PEOPLE_HEADER
        + "079000000001,An,male,1990-01-01,HS\n"
        + "079000000002,Binh,male,1990-01-01,HS\n"
        + "079000000003,Chi,female,1990-01-01,HS\n"
        + "079000000003,Chi again,female,1990-01-01,HS\n"
        + "079000000004,Dung,male,1990-01-01,HS\n"
        + "079000000001,An again,male,1990-01-01,HS\n"
        + "079000000002,Binh again,male,1990-01-01,HS\n",
    )
    assert problems(run_import(folder, batch_size=2)) == [
        "people:2: national_id: the key 079000000001 appears again in row 7",
        "people:3: national_id: the key 079000000002 appears again in row 8",
        "people:4: national_id: the key 079000000003 appears again in row 5",
        "people:5: national_id: the key 079000000003 appears more than once in the file"
        " (first in row 4)",
        "people:7: national_id: the key 079000000001 appears more than once in the file"
        " (first in row 2)",
        "people:8: national_id: the key 079000000002 appears more than once in the file"
        " (first in row 3)",
    ]
    assert not Person.objects.filter(national_id__startswith="0790000000").exists()


def test_a_key_of_several_columns_repeated_in_a_later_batch_is_named(town, tmp_path):
    folder = write(
        tmp_path,
        targets="""
            unit_code,period_start,period_end,minimum,stretch
            W1,2020-01-01,2020-12-31,10,
            W1,2021-01-01,2021-12-31,2,3
            W2,2020-01-01,2020-12-31,2,
            W1,2020-01-01,2020-12-31,4,
        """,
    )
    assert problems(run_import(folder, batch_size=2)) == [
        "targets:2: period_end: the key W1 + 2020-01-01 + 2020-12-31 appears again in row 5",
        "targets:5: period_end: the key W1 + 2020-01-01 + 2020-12-31 appears more than once"
        " in the file (first in row 2)",
    ]


def test_keys_seen_by_a_failed_or_earlier_import_are_forgotten(town, tmp_path):
    people = PEOPLE_HEADER + "".join(
        f"07900000000{i},Person {i},male,1990-01-01,HS\n" for i in range(1, 6)
    )
    bad = write(tmp_path / "bad", people=people + "079000000001,Again,male,1990-01-01,HS\n")
    assert not run_import(bad, batch_size=2).ok
    assert not run_import(
        write(tmp_path / "dry", people=people), batch_size=2, dry_run=True
    ).problems
    good = write(tmp_path / "good", people=people)
    imported(good, batch_size=2)
    result = imported(good, batch_size=2)
    assert result.summary["people"] == {"created": 0, "updated": 0, "unchanged": 5}


def test_partly_overlapping_targets_are_refused(town, tmp_path):
    folder = write(
        tmp_path,
        targets="""
            unit_code,period_start,period_end,minimum,stretch
            W1,2020-01-01,2025-12-31,10,
            W1,2021-01-01,2021-12-31,2,3
            W1,2025-06-01,2026-05-31,2,
        """,
    )
    assert problems(run_import(folder)) == [
        "targets:4: period_start: partly overlaps the target 2020-01-01–2025-12-31 of unit W1"
    ]


def test_targets_are_checked_against_the_database(town, tmp_path):
    imported(
        write(
            tmp_path / "a",
            targets="unit_code,period_start,period_end,minimum\nW1,2024-01-01,2024-12-31,3\n",
        )
    )
    folder = write(
        tmp_path / "b",
        targets="unit_code,period_start,period_end,minimum\nW1,2024-07-01,2025-06-30,3\n"
        "W1,2024-03-01,2024-03-31,1\n",
    )
    assert problems(run_import(folder)) == [
        "targets:2: period_start: partly overlaps the target 2024-01-01–2024-12-31 of unit W1"
    ]
    assert Target.objects.filter(unit__code="W1").count() == 1


def test_target_numbers(town, tmp_path):
    folder = write(
        tmp_path,
        targets="unit_code,period_start,period_end,minimum,stretch\n"
        "W1,2024-01-01,2024-12-31,-1,\nW2,2024-01-01,2024-12-31,5,4\nHS,2024-12-31,2024-01-01,1,\n",
    )
    assert problems(run_import(folder)) == [
        "targets:2: minimum: -1 is not a whole number ≥ 0",
        "targets:3: stretch: the stretch target is below the minimum",
        "targets:4: period_end: the period ends before it starts",
    ]


def test_transfer_needs_exactly_one_of_unit_and_destination(town, tmp_path):
    folder = write(
        tmp_path,
        admissions="national_id,unit_code,decision_date\n001090000002,HS,2024-01-10\n",
        transfers="""
            national_id,kind,issued_on,to_unit_code,destination,destination_type
            001090000002,official,2024-05-01,W1C1,Abroad,abroad
            001090000002,temporary,2024-06-01,,,
            001090000002,temporary,2024-07-01,,Da Nang,other_locality
        """,
    )
    assert problems(run_import(folder)) == [
        "transfers:2: to_unit_code: give exactly one of to_unit_code and destination",
        "transfers:3: destination: give exactly one of to_unit_code and destination",
    ]
    assert not Transfer.objects.exists()


def test_bom_and_case_insensitive_headers(town, tmp_path):
    tmp_path.mkdir(exist_ok=True)
    text = "\ufeffNational_ID,FULL_NAME,Gender,Birth_Date,Unit_Code\n079000000001,Cao Văn An,MALE,1990-01-01,HS\n"
    (tmp_path / "people.csv").write_bytes(text.encode("utf-8"))
    imported(tmp_path)
    person = Person.objects.get(national_id="079000000001")
    assert (person.full_name, person.gender, person.unit.code) == ("Cao Văn An", "male", "HS")
    assert person.search_text.startswith("cao van an")


def test_xlsx_workbook(town, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "people"
    sheet.append(["National_ID", "full_name", "gender", "birth_date", "unit_code"])
    sheet.append(["079000000001", "Cao Văn An", "male", "1990-01-01", "HS"])
    targets = workbook.create_sheet("targets")
    targets.append(["unit_code", "period_start", "period_end", "minimum"])
    import datetime as dt

    targets.append(["HS", dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31), 4])
    path = tmp_path / "data.xlsx"
    workbook.save(path)
    result = imported(path)
    assert result.summary["people"]["created"] == 1
    assert Target.objects.get(unit__code="HS").minimum == 4


def test_xlsx_problems_name_the_sheet(town, tmp_path):
    workbook = Workbook()
    workbook.active.title = "people"
    workbook.active.append(["national_id", "full_name", "gender", "birth_date", "shoe_size"])
    workbook.active.append(["079000000001", "An", "male", "1990-01-01", "42"])
    path = tmp_path / "data.xlsx"
    workbook.save(path)
    assert problems(run_import(path)) == ["people:1: shoe_size: unknown column"]


def test_unknown_file_is_reported(town, tmp_path):
    folder = write(tmp_path, persons=PEOPLE_HEADER)
    assert problems(run_import(folder)) == [
        "persons:1: -: unknown file or sheet: expected one of the tables"
    ]


def test_every_problem_is_reported_and_nothing_written(town, tmp_path):
    files = dict(STORY)
    files["people"] = STORY["people"] + "        079100000009,Bad Date,male,1990-02-30,,no,,,,HS\n"
    files["targets"] = STORY["targets"] + "        HS,2023-06-01,2024-05-31,1,\n"
    files["courses"] = STORY["courses"] + "        AW-2024,NOWHERE,Course,2024-03-01,2024-03-05\n"
    result = run_import(write(tmp_path, **files))
    assert problems(result) == [
        "people:5: birth_date: 1990-02-30 is not a date (use YYYY-MM-DD)",
        "courses:3: organizer_unit_code: unknown unit NOWHERE",
        "targets:5: period_start: partly overlaps the target 2023-01-01–2023-12-31 of unit HS",
    ]
    assert not Person.objects.filter(national_id__startswith="0791").exists()


def test_a_bad_row_deep_inside_changes_nothing(town, tmp_path):
    lines = io.StringIO()
    lines.write(PEOPLE_HEADER)
    for n in range(1, 5000):
        birth = "1990-02-31" if n == 4999 else "1990-01-01"
        lines.write(f"0790{n:08d},Person {n},female,{birth},HS\n")
    folder = write(tmp_path, people=lines.getvalue())
    result = run_import(folder, batch_size=1000)
    assert problems(result) == [
        "people:5000: birth_date: 1990-02-31 is not a date (use YYYY-MM-DD)"
    ]
    assert not Person.objects.filter(national_id__startswith="0790").exists()


def test_historical_facts_are_flagged_not_refused(town, tmp_path):
    from grassroots.pipeline.models import Admission

    folder = write(
        tmp_path,
        people=PEOPLE_HEADER + "079000000001,Young,male,2010-01-01,HS\n",
        admissions="national_id,unit_code,decision_date,ceremony_date\n"
        "079000000001,HS,2024-01-10,2023-12-01\n",
    )
    imported(folder)
    admission = Admission.objects.get(person__national_id="079000000001")
    assert admission.needs_review
    assert "age 14" in admission.review_note
    assert "ceremony" in admission.review_note


def test_a_row_with_bad_cells_still_has_its_references_checked(town, tmp_path):
    folder = write(
        tmp_path,
        people=PEOPLE_HEADER + "079000000001,An,woman,1990-01-01,NOWHERE\n",
        admissions="national_id,unit_code,decision_date,readmission\n"
        "079999999999,NOWHERE,2024-01-01,perhaps\n",
    )
    assert problems(run_import(folder)) == [
        "people:2: gender: unknown value woman (use female, male)",
        "people:2: unit_code: unknown unit NOWHERE",
        "admissions:2: readmission: perhaps: use yes or no",
        "admissions:2: national_id: unknown person 079999999999 (not in the register nor in people)",
        "admissions:2: unit_code: unknown unit NOWHERE",
    ]


def test_accents_typed_as_combining_marks_are_the_same_text(town, tmp_path):
    """A Vietnamese keyboard set to "Unicode tổ hợp" (or a Mac) writes ổ as o + two
    combining marks: the same name to a reader, the same name to the import."""
    composed = dict(
        units="code,name,kind,parent_code,cluster\nGN1,Chi bộ Gò Nổi,cell,TOWN,Cụm Gò Nổi\n",
        people=PEOPLE_HEADER + "079000000001,Nguyễn Thị Ánh,female,1990-01-01,GN1\n",
    )
    imported(write(tmp_path / "composed", **composed))
    decomposed = {n: unicodedata.normalize("NFD", t) for n, t in composed.items()}
    assert decomposed != composed
    result = imported(write(tmp_path / "decomposed", **decomposed))
    assert result.summary["units"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert result.summary["people"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Cluster.objects.filter(name__startswith="Cụm").count() == 1

    workbook = Workbook()
    workbook.active.title = "units"
    workbook.active.append(["code", "name", "kind", "parent_code", "cluster"])
    row = unicodedata.normalize("NFD", "GN2,Chi bộ Ấp Bắc,cell,TOWN,Cụm Gò Nổi").split(",")
    workbook.active.append(row)
    workbook.save(tmp_path / "decomposed.xlsx")
    imported(tmp_path / "decomposed.xlsx")
    unit = Unit.objects.get(code="GN2")
    assert (unit.name, unit.cluster.name) == ("Chi bộ Ấp Bắc", "Cụm Gò Nổi")


def test_a_file_not_in_utf8_is_named_at_the_row_and_column_of_its_first_foreign_byte(
    town, tmp_path
):
    """Excel's plain "CSV" on Windows writes a code page, not UTF-8: the problem names the
    row a secretary has to look at (the decoder reads far ahead, and once named row 2)."""
    lines = ["code,name,kind,parent_code", "R,Root,committee,TOWN"]
    lines += [f"C{row},Cell {row},cell,R" for row in range(3, 200)]
    lines[150] = "C151,Chi b\xf4 151,cell,R"  # row 151, latin-1 for ô
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "units.csv").write_bytes("\n".join(lines).encode("latin-1"))
    assert problems(run_import(tmp_path)) == ["units:151: name: the file is not UTF-8 text"]

    (tmp_path / "units.csv").write_bytes("code,name,kind,ghi ch\xfa\n".encode("latin-1"))
    assert problems(run_import(tmp_path)) == ["units:1: -: the file is not UTF-8 text"]

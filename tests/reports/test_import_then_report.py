"""End to end: a data set goes in through `grassroots import`, the report comes out of
`grassroots report` exactly as the contract says, and the tallies equal a fresh count."""

import io
import json

from django.core.management import call_command

from grassroots.reports import rollups

UNITS = """code,name,kind,parent_code,cluster,sector
P,Province,committee,,,
A,Alpha ward,committee,P,Hòa Bình,
A1,Alpha cell 1,cell,A,,Education
A2,Alpha cell 2,cell,A,,
B,Beta ward,committee,P,An Phú,Health
"""
PEOPLE = """national_id,full_name,gender,birth_date,ethnic_minority,religion,education,unit_code
N1,Nguyễn Thị Một,female,1995-01-01,no,,university,A1
N2,Trần Văn Hai,male,1990-01-01,yes,Phật giáo,college,A1
N3,Lê Thị Ba,female,1992-01-01,no,,master,A2
N4,Phạm Văn Bốn,male,1991-01-01,no,,upper_secondary,B
N5,Võ Văn Năm,male,1989-01-01,no,,university,B
N6,Đỗ Văn Sáu,male,1988-01-01,no,,none,A
"""
ADMISSIONS = """national_id,unit_code,decision_date,readmission
N1,A1,2024-01-01,no
N2,A1,2024-06-30,yes
N3,A2,2024-12-31,no
N4,B,2025-01-01,no
N5,B,2023-12-31,no
N6,A,2024-02-29,no
"""
TARGETS = """unit_code,period_start,period_end,minimum,stretch
A,2020-01-01,2025-12-31,20,
A,2024-01-01,2024-12-31,3,5
A1,2024-01-01,2024-06-30,1,
A1,2024-07-01,2024-12-31,2,3
B,2024-01-01,2024-12-31,4,
"""


def _write(folder):
    for name, text in {
        "units": UNITS,
        "people": PEOPLE,
        "admissions": ADMISSIONS,
        "targets": TARGETS,
    }.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def report(*args):
    out = io.StringIO()
    call_command("report", "achievement", *args, stdout=out)
    return out.getvalue()


def test_imported_data_reports_by_the_contract(db, tmp_path):
    _write(tmp_path)
    call_command("import", str(tmp_path), stdout=io.StringIO())
    # Whatever path the importer takes, the tallies must equal a fresh count.
    assert rollups.check() == (0, 0), (
        "the importer must keep the tallies: reports.rollups.refresh_for_people(...)"
    )

    text = report("--unit", "P", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "csv")
    assert text.splitlines() == [
        "unit_code,unit_name,target_minimum,target_stretch,admitted,achievement_pct,female,"
        "female_pct,university,university_pct,ethnic_minority,religious,readmitted",
        "P,Province,,,4,,2,50.0,2,50.0,1,1,1",
        "A,Alpha ward,3,5,4,133.3,2,50.0,2,50.0,1,1,1",
        "B,Beta ward,4,,0,0.0,0,,0,,0,0,0",
    ]
    # The two half-year targets of A1 lie inside the year: summed; the first has no
    # stretch, so the summed stretch is empty (the contract's rule).
    rows = json.loads(
        report("--unit", "A", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "json")
    )
    assert rows[1] == {
        "unit_code": "A1", "unit_name": "Alpha cell 1", "target_minimum": 3,
        "target_stretch": None, "admitted": 2, "achievement_pct": 66.7, "female": 1,
        "female_pct": 50.0, "university": 1, "university_pct": 50.0, "ethnic_minority": 1,
        "religious": 1, "readmitted": 1,
    }  # fmt: skip
    # A term report: the term target stands for the year inside it.
    rows = json.loads(
        report("--unit", "A", "--from", "2020-01-01", "--to", "2025-12-31", "--format", "json")
    )
    assert (rows[0]["target_minimum"], rows[0]["target_stretch"], rows[0]["admitted"]) == (
        20, None, 4,
    )  # fmt: skip
    # Cluster rows in Vietnamese order: An Phú before Hòa Bình.
    text = report(
        "--unit", "P", "--from", "2023-01-01", "--to", "2025-12-31",
        "--by", "sector", "--format", "csv", "--language", "vi",
    )  # fmt: skip
    assert text.splitlines()[1:] == [
        "P,Province,,,6,,2,33.3,3,50.0,1,1,1",
        ",Education,,,2,,1,50.0,1,50.0,1,1,1",
        ",Health,,,2,,0,0.0,1,50.0,0,0,0",
    ]
    text = report(
        "--unit", "P", "--from", "2023-01-01", "--to", "2025-12-31",
        "--by", "cluster", "--format", "csv", "--language", "vi",
    )  # fmt: skip
    assert [line.split(",")[1] for line in text.splitlines()[2:]] == ["An Phú", "Hòa Bình"]

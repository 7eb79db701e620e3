"""Writing small data sets for the exchange tests."""

import textwrap

from grassroots.exchange.importer import run_import


def write(folder, **files):
    """write(tmp_path, people="national_id,...\\n...") → the folder, one CSV per keyword."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def problems(result):
    return [str(p) for p in result.problems]


def imported(folder, **kwargs):
    """Import and insist it worked."""
    result = run_import(folder, **kwargs)
    assert result.ok, problems(result)
    return result


# A small history in the town: sources, a course, admissions, a confirmation, transfers.
STORY = dict(
    units="""
        code,name,kind,parent_code,cluster,sector
        W2C2,Ward 2 second cell,cell,W2,Riverside,
        W2C2G1,Group 1 of W2C2,group,W2C2,,Health
    """,
    people="""
        national_id,full_name,gender,birth_date,ethnicity,ethnic_minority,religion,education,occupation,unit_code
        079100000001,Hồ Thị Xuân,female,2001-02-03,Kinh,no,,university,teacher,HS
        079100000002,Y Bih Niê,female,1999-07-08,Ê Đê,yes,Protestant,college,nurse,W2C2
        079100000003,Trương Văn Minh,male,1970-01-01,,no,,upper_secondary,,W1C1
    """,
    sources="""
        national_id,unit_code,nominated_on,nominated_by,note
        079100000001,HS,2022-09-01,Youth Union,mentor assigned
        079100000002,W2C2,2022-10-01,,
    """,
    courses="""
        code,organizer_unit_code,title,start_date,end_date
        AW-2023,TOWN,Awareness course 2023,2023-03-01,2023-03-05
    """,
    enrollments="""
        course_code,national_id,result,certificate_no,certificate_date
        AW-2023,079100000001,completed,CERT-1,2023-03-05
        AW-2023,079100000002,completed,CERT-2,2023-03-05
        AW-2023,079100000003,withdrew,,
    """,
    admissions="""
        national_id,unit_code,decision_date,decision_no,ceremony_date,readmission
        079100000001,HS,2023-06-01,QD-1,2023-06-20,no
        079100000002,W2C2,2023-07-01,QD-2,,no
        079100000003,W1C1,2023-08-01,QD-3,2023-08-10,yes
    """,
    confirmations="""
        national_id,decided_on,outcome
        079100000001,2024-07-01,confirmed
        079100000003,2024-09-01,not_confirmed
    """,
    transfers="""
        national_id,kind,issued_on,to_unit_code,destination,destination_type
        079100000001,official,2024-09-01,W1C2,,
        079100000002,official,2024-10-01,,Hue University of Medicine,university
    """,
    targets="""
        unit_code,period_start,period_end,minimum,stretch
        TOWN,2020-01-01,2025-12-31,30,40
        TOWN,2023-01-01,2023-12-31,5,6
        HS,2023-01-01,2023-12-31,1,
    """,
)

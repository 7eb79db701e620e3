"""A data set of our own for the contract tests, with every expected report row worked out
by hand in the comments and constants below (never by running our code).

Tree (cluster / sector as set on the row; inherited ones in brackets):

    R   Root Town            committee  -        / -
    A   Ward Alpha           committee  Gò Nổi   / Administration
    AC1 Alpha cell one       cell       [Gò Nổi] / Education
    AC1G1 Alpha group one    group      [Gò Nổi] / [Education]
    AC2 Alpha cell two       cell       Ấp Bắc   / [Administration]
    B   Ward Beta            committee  -        / -
    BC1 Beta cell one        cell       Gò Nổi   / Health
    BC1G1 Beta group one     group      Ayun Pa  / [Health]

The units file lists AC1G1 before its parent AC1 and BC1 before B (any order works).

Admissions (person: gender, education, ethnic minority, religion):
    P01 F university  -   -          A     2024-01-01   first day of 2024
    P02 M master      yes Buddhism   AC1   2024-12-31   last day of 2024
    P03 F college     -   -          AC1G1 2024-06-15
    P04 M doctorate   -   Catholic   AC2   2024-03-10   readmission
    P05 F upper_sec.  yes -          BC1   2024-07-01
    P06 M (empty)     -   -          BC1G1 2024-02-29
    P07 F university  -   Buddhism   R     2024-05-05   the root itself
    P08 M lower_sec.  -   -          B     2023-12-31   a day before 2024
    P09 F vocational  yes Protestant AC1   2025-01-01   a day after 2024
    P10 M university  -   -          AC1   2020-05-01
    P10                              AC1   2024-09-09   readmission
    P11 F primary     -   -          BC1   2024-03-01   aged 16: a historical fact
    P12 M college     -   -          A     2019-06-01
"""

import textwrap
from pathlib import Path

UNITS = """
code,name,kind,parent_code,cluster,sector
R,Root Town,committee,,,
A,Ward Alpha,committee,R,Gò Nổi,Administration
AC1G1,Alpha group one,group,AC1,,
AC1,Alpha cell one,cell,A,,Education
AC2,Alpha cell two,cell,A,Ấp Bắc,
BC1,Beta cell one,cell,B,Gò Nổi,Health
B,Ward Beta,committee,R,,
BC1G1,Beta group one,group,BC1,Ayun Pa,
"""

PEOPLE = """
national_id,full_name,gender,birth_date,ethnicity,ethnic_minority,religion,education,occupation,unit_code
P01,Nguyễn Thị An,female,1995-01-10,Kinh,no,,university,teacher,A
P02,Y Bih Niê,male,1990-02-11,Ê Đê,yes,Buddhism,master,,AC1
P03,Lê Thị Ba,female,2000-03-12,,,,college,,AC1G1
P04,Trần Văn Bốn,male,1970-04-13,Kinh,no,Catholic,doctorate,doctor,AC2
P05,Hờ A Năm,female,2001-05-14,H'Mông,yes,,upper_secondary,farmer,BC1
P06,Phạm Văn Sáu,male,1999-06-15,,no,,,,BC1G1
P07,Đỗ Thị Bảy,female,1985-07-16,,no,Buddhism,university,official,R
P08,Võ Văn Tám,male,1998-08-17,,no,,lower_secondary,worker,B
P09,Ka Chín,female,2002-09-18,Cơ Tu,yes,Protestant,vocational,,AC1
P10,Huỳnh Văn Mười,male,1980-10-19,,no,,university,,AC1
P11,Mai Thị Mười Một,female,2007-06-01,,no,,primary,pupil,BC1
P12,Hồ Văn Mười Hai,male,1975-12-20,,no,,college,,A
"""

SOURCES = """
national_id,unit_code,nominated_on,nominated_by,note
P01,A,2022-09-01,Youth Union,mentor assigned
P05,BC1,2023-01-10,,
"""

COURSES = """
code,organizer_unit_code,title,start_date,end_date
C23,A,Awareness course 2023,2023-03-01,2023-03-05
"""

ENROLLMENTS = """
course_code,national_id,result,certificate_no,certificate_date
C23,P01,completed,CT-1,2023-03-05
C23,P02,completed,CT-2,2023-03-05
C23,P03,failed,,
C23,P04,withdrew,,
C23,P05,enrolled,,
C23,P08,completed,CT-8,2023-03-05
C23,P09,completed,CT-9,2023-03-05
"""

ADMISSIONS = """
national_id,unit_code,decision_date,decision_no,ceremony_date,readmission
P01,A,2024-01-01,QD-01,2024-01-20,no
P02,AC1,2024-12-31,QD-02,,no
P03,AC1G1,2024-06-15,QD-03,,
P04,AC2,2024-03-10,QD-04,,yes
P05,BC1,2024-07-01,QD-05,,no
P06,BC1G1,2024-02-29,QD-06,,no
P07,R,2024-05-05,QD-07,,no
P08,B,2023-12-31,QD-08,,no
P09,AC1,2025-01-01,QD-09,,no
P10,AC1,2020-05-01,QD-10,,no
P10,AC1,2024-09-09,QD-10B,,yes
P11,BC1,2024-03-01,QD-11,,no
P12,A,2019-06-01,QD-12,,no
"""

CONFIRMATIONS = """
national_id,decided_on,outcome
P08,2024-12-31,confirmed
P01,2025-01-15,confirmed
P05,2024-11-30,not_confirmed
P10,2021-05-01,confirmed
P12,2020-06-01,not_confirmed
"""

TRANSFERS = """
national_id,kind,issued_on,to_unit_code,destination,destination_type
P02,official,2024-12-31,B,,
P03,temporary,2024-10-01,,Da Nang University,university
P08,official,2024-06-01,,Military Region 5,armed_forces
P01,official,2025-02-01,,Germany,abroad
P06,official,2024-05-01,A,,
"""

TARGETS = """
unit_code,period_start,period_end,minimum,stretch
R,2020-01-01,2025-12-31,30,40
R,2024-01-01,2024-12-31,8,10
R,2023-01-01,2023-12-31,6,
A,2024-01-01,2024-12-31,0,2
B,2024-01-01,2024-06-30,2,3
B,2024-07-01,2024-12-31,3,4
AC1,2024-01-01,2024-12-31,240,
AC2,2024-01-01,2024-12-31,1,1
"""

FILES = {
    "units": UNITS,
    "people": PEOPLE,
    "sources": SOURCES,
    "courses": COURSES,
    "enrollments": ENROLLMENTS,
    "admissions": ADMISSIONS,
    "confirmations": CONFIRMATIONS,
    "transfers": TRANSFERS,
    "targets": TARGETS,
}

HEADER = (
    "unit_code,unit_name,target_minimum,target_stretch,admitted,achievement_pct,"
    "female,female_pct,university,university_pct,ethnic_minority,religious,readmitted"
)

# Expected CSV reports, keyed by (unit, from, to, by). Worked out by hand:
# R 2024: targets inside the range: the 2024 one only (8/10); admitted P01 P02 P03 P04 P05
#   P06 P07 P10b P11 = 9 → 112.5 %; women P01 P03 P05 P07 P11 = 5 → 55.6; university
#   P01 P02 P04 P07 P10 = 5 → 55.6; minority P02 P05; religious P02 P04 P07; readmitted P04 P10.
# A 2024: target minimum 0 → achievement empty; P01 P02 P03 P04 P10b.
# B 2024: two half-year targets inside: 2+3 / 3+4; P05 P06 P11 → 3/5 = 60.0 %.
# AC1 2024: 3 of 240 = 1.25 → 1.3 (half up; half-even would give 1.2).
EXPECTED = {
    ("R", "2024-01-01", "2024-12-31", "children"): [
        "R,Root Town,8,10,9,112.5,5,55.6,5,55.6,2,3,2",
        "A,Ward Alpha,0,2,5,,2,40.0,4,80.0,1,2,2",
        "B,Ward Beta,5,7,3,60.0,2,66.7,0,0.0,1,0,0",
    ],
    ("A", "2024-01-01", "2024-12-31", "children"): [
        "A,Ward Alpha,0,2,5,,2,40.0,4,80.0,1,2,2",
        "AC1,Alpha cell one,240,,3,1.3,1,33.3,2,66.7,1,1,1",
        "AC2,Alpha cell two,1,1,1,100.0,0,0.0,1,100.0,0,1,1",
    ],
    # The term 2020–2025 inside the range stands for the yearly targets it contains.
    ("R", "2020-01-01", "2025-12-31", "children"): [
        "R,Root Town,30,40,12,40.0,6,50.0,6,50.0,3,4,2",
        "A,Ward Alpha,0,2,7,,3,42.9,5,71.4,2,3,2",
        "B,Ward Beta,5,7,4,80.0,2,50.0,0,0.0,1,0,0",
    ],
    # A range wholly containing every target: the term (outermost).
    ("R", "2019-01-01", "2026-12-31", "children"): [
        "R,Root Town,30,40,13,43.3,6,46.2,6,46.2,3,4,2",
        "A,Ward Alpha,0,2,8,,3,37.5,5,62.5,2,3,2",
        "B,Ward Beta,5,7,4,80.0,2,50.0,0,0.0,1,0,0",
    ],
    # A range inside targets: the shortest containing one (2024, not the term; B's first half).
    ("R", "2024-04-01", "2024-06-30", "children"): [
        "R,Root Town,8,10,2,25.0,2,100.0,1,50.0,0,1,0",
        "A,Ward Alpha,0,2,1,,1,100.0,0,0.0,0,0,0",
        "B,Ward Beta,2,3,0,0.0,0,,0,,0,0,0",
    ],
    # Two yearly targets inside, one without a stretch: the summed stretch is empty
    # ("When targets are summed, target_stretch is empty if any of them has none").
    ("R", "2023-01-01", "2024-12-31", "children"): [
        "R,Root Town,14,,10,71.4,5,50.0,5,50.0,2,3,2",
        "A,Ward Alpha,0,2,5,,2,40.0,4,80.0,1,2,2",
        "B,Ward Beta,5,7,4,80.0,2,50.0,0,0.0,1,0,0",
    ],
    # No target touches 2026: empty, not 0.
    ("R", "2026-01-01", "2026-12-31", "children"): [
        "R,Root Town,,,0,,0,,0,,0,0,0",
        "A,Ward Alpha,,,0,,0,,0,,0,0,0",
        "B,Ward Beta,,,0,,0,,0,,0,0,0",
    ],
    # Clusters in English alphabetical order (accents ignored): Ấp Bắc, Ayun Pa, Gò Nổi.
    # Gò Nổi: A, AC1 and AC1G1 inherit it, BC1 sets it: P01 P02 P03 P05 P10b P11.
    # P07 (admitted by R itself, no cluster) is in the first row only.
    ("R", "2024-01-01", "2024-12-31", "cluster"): [
        "R,Root Town,8,10,9,112.5,5,55.6,5,55.6,2,3,2",
        ",Ấp Bắc,,,1,,0,0.0,1,100.0,0,1,1",
        ",Ayun Pa,,,1,,0,0.0,0,0.0,0,0,0",
        ",Gò Nổi,,,6,,4,66.7,3,50.0,2,1,1",
    ],
    # Sectors: Administration A, AC2 (inherited); Education AC1, AC1G1; Health BC1, BC1G1.
    ("R", "2024-01-01", "2024-12-31", "sector"): [
        "R,Root Town,8,10,9,112.5,5,55.6,5,55.6,2,3,2",
        ",Administration,,,2,,1,50.0,2,100.0,0,1,1",
        ",Education,,,3,,1,33.3,2,66.7,1,1,1",
        ",Health,,,3,,2,66.7,0,0.0,1,0,0",
    ],
    # Below A only; Ayun Pa lies under B and is not listed.
    ("A", "2024-01-01", "2024-12-31", "cluster"): [
        "A,Ward Alpha,0,2,5,,2,40.0,4,80.0,1,2,2",
        ",Ấp Bắc,,,1,,0,0.0,1,100.0,0,1,1",
        ",Gò Nổi,,,4,,2,50.0,3,75.0,1,1,1",
    ],
}

# Vietnamese alphabetical order: a < ă < â, so Ayun Pa before Ấp Bắc.
EXPECTED_VI_CLUSTERS = ["", "Ayun Pa", "Ấp Bắc", "Gò Nổi"]

# Funnel of C23 until 2024-12-31: 7 enrolled; completed P01 P02 P08 P09; admitted by then
# P01 P02 (on the day) P03 P04 P05 P08, not P09 (2025); confirmed P08 (on the day), not P01
# (2025) nor P05 (not confirmed); transferred P02 (to a unit, on the day) P03 (university,
# temporary) P08 (armed forces), not P01 (2025); P06 did not take the course.
EXPECTED_FUNNEL = (
    "enrolled,completed,admitted,confirmed,transferred_out,university,armed_forces\n7,4,6,1,3,1,1\n"
)


def expected_csv(key):
    return "\n".join([HEADER, *EXPECTED[key]]) + "\n"


def write_folder(folder, files=FILES):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def write_workbook(path, files=FILES):
    """The same data as one .xlsx workbook, one sheet per file, every cell as text."""
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, text in files.items():
        sheet = book.create_sheet(name)
        for record in csv.reader(io.StringIO(textwrap.dedent(text).lstrip())):
            sheet.append(record)
    book.save(path)
    return Path(path)

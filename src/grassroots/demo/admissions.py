"""Who was admitted where and when: the story's admissions, built to the article's figures.

`plan_admissions` decides every admission (person, admitting cell, decision date) so that
the counts in `story.py` come out exactly; `write_admissions` turns the plan into
Admission, Membership, Confirmation and Transfer rows, and a Dossier with its steps for
recent ones.
"""

import dataclasses
import datetime as dt

from grassroots.people.models import Education, Membership
from grassroots.pipeline.facts import register_for
from grassroots.pipeline.models import Admission, Confirmation, Dossier, DossierStep, Source
from grassroots.transfers.models import Transfer
from grassroots.workdays import add_months

from . import names, story
from .structure import HIGH_SCHOOLS

UNIVERSITIES = [
    "Trường Đại học Bách khoa – Đại học Đà Nẵng",
    "Trường Đại học Kinh tế – Đại học Đà Nẵng",
    "Trường Đại học Sư phạm – Đại học Đà Nẵng",
    "Trường Đại học Ngoại ngữ – Đại học Đà Nẵng",
    "Trường Đại học Y Dược – Đại học Huế",
    "Trường Đại học Quảng Nam",
    "Trường Đại học Duy Tân",
    "Trường Đại học Bách khoa Hà Nội",
    "Trường Đại học Kinh tế TP. Hồ Chí Minh",
]
COLLEGE = "Trường Cao đẳng Y tế Quảng Nam"
HIGHER = (Education.UNIVERSITY, Education.MASTER, Education.DOCTORATE)


@dataclasses.dataclass
class Planned:
    person: object
    unit: object
    decision_date: dt.date
    readmission: bool = False
    category: str = "other"
    ceremony: bool = True  # False: the ceremony is still due
    transfer: dict | None = None
    admission: object = None
    membership: object = None


# (first day, last day, admissions in the town, of them university graduates or None,
#  of them women or None, admissions in Điện Phương)
PERIODS = [
    (dt.date(2019, 1, 1), dt.date(2019, 12, 31), 120, None, None, 4),
    (dt.date(2020, 1, 1), dt.date(2020, 6, 30), 58, None, None, 3),
    (dt.date(2020, 7, 1), dt.date(2020, 12, 31), 64, None, None, 0),
    (dt.date(2021, 1, 1), dt.date(2021, 12, 31), 135, 77, None, 5),
    (dt.date(2022, 1, 1), dt.date(2022, 12, 31), 140, 79, None, 6),
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31), 153, 87, None, 7),
    (*story.PERIOD_2024_TO_NOV_15, story.ADMITTED_2024_TO_NOV_15, 111, 123, 14),
    (dt.date(2024, 11, 16), dt.date(2024, 12, 31), story.ADMITTED_2024_AFTER_NOV_15, None, None, 0),
    (dt.date(2025, 1, 1), story.DIEN_PHUONG_TERM[1], 70, None, None, 5),
]  # fmt: skip


def plan_admissions(b):
    """Every admission of 2019 to June 2025, as `Planned` rows with their people made."""
    dp = b.units[story.DIEN_PHUONG_CODE]
    ppt = b.units[story.PPT_CODE]
    dp_cells = [u for u in b.cells() if u.path.startswith(dp.path)]
    town_cells = b.cells(exclude_prefixes=(dp.path, ppt.path))
    planned = []
    for start, end, total, university, women, in_dp in PERIODS:
        fixed = _fixed_admissions(b, start, end)
        planned += fixed
        general = total - len(fixed)
        fixed_university = sum(p.person.education in HIGHER for p in fixed)
        fixed_women = sum(p.person.gender == "female" for p in fixed)
        mix = b.exact_mix(
            general,
            women - fixed_women
            if women is not None
            else round(general * b.rng.uniform(0.45, 0.55)),
            university - fixed_university if university is not None else round(general * 0.5),
        )
        strict_2024 = start == story.PERIOD_2024_TO_NOV_15[0]
        for index, (gender, degree) in enumerate(mix):
            unit = b.rng.choice(dp_cells if index < in_dp else town_cells)
            decision = b.working_day_between(start, end)
            extra = {"religion": ""} if strict_2024 else {}
            person = b.person(
                unit=unit,
                gender=gender,
                birth_date=b.birth_date_for_age(decision, 19, 45),
                education=b.education(degree),
                **extra,
            )
            planned.append(Planned(person, unit, decision))
    return planned


def _fixed_admissions(b, start, end):
    """The admissions the article names one by one, in the period that holds them."""
    if start == dt.date(2023, 1, 1):
        teacher = b.person(
            unit=b.units[story.PPT_CODE],
            gender="male",
            birth_date=dt.date(1991, 3, 12),
            education=Education.MASTER,
            job_title="Giáo viên",
            religion="",
        )
        return [Planned(teacher, teacher.unit, dt.date(2023, 11, 20), category="teacher")]
    if start == story.PERIOD_2024_TO_NOV_15[0]:
        return _course_pupils_admitted(b) + _special_cases_2024(b)
    return []


def _course_pupils_admitted(b):
    """The 35 pupils of course DB-2023-08 admitted by 30 May 2024, 5 of them at Phạm Phú Thứ."""
    schools = [story.PPT_CODE] * story.PPT_PUPILS_ADMITTED_2023_24
    others = HIGH_SCHOOLS[1:]
    schools += [
        others[i % len(others)] for i in range(story.COURSE_2023_08_ADMITTED - len(schools))
    ]
    destinations = [("university", b.rng.choice(UNIVERSITIES))] * story.COURSE_2023_08_TO_UNIVERSITY
    destinations = [("university", b.rng.choice(UNIVERSITIES)) for _ in destinations]
    destinations.append(("college", COLLEGE))
    b.rng.shuffle(destinations)
    planned = []
    for index, code in enumerate(schools):
        unit = b.units[code]
        birth = b.day_between(dt.date(2005, 8, 1), dt.date(2006, 2, 28))
        eighteen = add_months(birth, 18 * 12)
        # The cell votes at most 65 days before the decision (see dossier_steps), and
        # only on an applicant of 18.
        earliest = max(dt.date(2024, 1, 8), eighteen + dt.timedelta(days=70))
        decision = b.working_day_between(earliest, story.COURSE_2023_08_ADMITTED_BY)
        person = b.person(
            unit=unit,
            gender="female" if index % 7 < 4 else "male",  # 20 of 35
            birth_date=birth,
            education=Education.UPPER_SECONDARY,
            job_title="Học sinh",
            religion="",
        )
        kind, place = destinations[index]
        issued = b.working_day_between(dt.date(2024, 8, 12), dt.date(2024, 9, 6))
        planned.append(
            Planned(
                person,
                unit,
                decision,
                category="student",
                transfer={"destination_type": kind, "destination": place, "issued_on": issued},
            )
        )
    return planned


def _special_cases_2024(b):
    """A business owner, a religious believer, an ethnic-minority member, a readmission."""
    cells = {code: b.units[code] for code in ("DB-DNG-K2", "DB-DH-K1", "DB-DNB-K3", "DB-VD-K4")}
    owner = b.person(
        unit=cells["DB-DNG-K2"],
        gender="male",
        birth_date=dt.date(1984, 5, 9),
        education=Education.UNIVERSITY,
        job_title=story.BUSINESS_OWNER_OCCUPATION,
        religion="",
    )
    believer = b.person(
        unit=cells["DB-DH-K1"],
        gender="female",
        birth_date=dt.date(1993, 10, 2),
        education=Education.UPPER_SECONDARY,
        job_title="Công nhân",
        religion="Công giáo",
    )
    minority = b.person(
        unit=cells["DB-DNB-K3"],
        gender="female",
        birth_date=dt.date(1996, 2, 17),
        education=Education.COLLEGE,
        job_title="Nhân viên y tế",
        religion="",
        ethnicity="Cơ Tu",
        ethnic_minority=True,
    )
    returning = b.person(
        unit=cells["DB-VD-K4"],
        gender="male",
        birth_date=dt.date(1979, 7, 23),
        education=Education.UNIVERSITY,
        job_title="Kỹ sư",
        religion="",
    )
    return [
        Planned(owner, owner.unit, dt.date(2024, 6, 18), category="business_owner"),
        Planned(believer, believer.unit, dt.date(2024, 9, 10), category="religious"),
        Planned(minority, minority.unit, dt.date(2024, 4, 23), category="other"),
        Planned(returning, returning.unit, dt.date(2024, 10, 8), readmission=True),
    ]


# Writing ---------------------------------------------------------------------------------


def decision_no(serial):
    """Numbered like the town committee's decisions: "123-QĐ/TU"."""
    return f"{serial}-QĐ/TU"


def write_admissions(b, planned):
    """Admissions, memberships, confirmations and transfers for the planned rows."""
    planned.sort(key=lambda p: (p.decision_date, p.person.national_id))
    serial_by_year = {}
    memberships, admissions = [], []
    for p in planned:
        serial_by_year[p.decision_date.year] = serial_by_year.get(p.decision_date.year, 0) + 1
        ceremony = b.add_working_days(p.decision_date, b.rng.randint(5, 25)) if p.ceremony else None
        p.membership = Membership(
            person=p.person,
            unit=p.unit,
            status=Membership.Status.PROBATIONARY,
            admitted_on=p.decision_date,
            ceremony_date=ceremony,
            probation_ends_on=add_months(ceremony, 12) if ceremony else None,
            readmission=p.readmission,
        )
        record = b.add_working_days(p.decision_date, b.rng.randint(5, 25))
        p.admission = Admission(
            person=p.person,
            unit=p.unit,
            decision_date=p.decision_date,
            decision_no=decision_no(serial_by_year[p.decision_date.year]),
            ceremony_date=ceremony,
            readmission=p.readmission,
            # The member's record (1-HSĐV, 2-HSĐV), completed within 30 working days.
            member_record_on=record if record <= b.today else None,
        )
        p.admission.keep_person_attributes(p.person)
        memberships.append(p.membership)
        admissions.append(p.admission)
    Membership.objects.bulk_create(memberships, batch_size=1000)
    for p in planned:
        p.admission.membership = p.membership
    Admission.objects.bulk_create(admissions, batch_size=1000)

    transfers, confirmations, changed = [], [], []
    for p in planned:
        m = p.membership
        if p.transfer:
            issued = p.transfer["issued_on"]
            transfers.append(
                Transfer(
                    person=p.person,
                    membership=m,
                    kind=Transfer.Kind.OFFICIAL,
                    issued_on=issued,
                    from_unit=p.unit,
                    destination=p.transfer["destination"],
                    destination_type=p.transfer["destination_type"],
                    report_by=b.add_working_days(issued, 30),
                    status=Transfer.Status.LEFT_SCOPE,
                    letter_no=f"{len(transfers) + 101}-GGT/TU",
                    dues_paid_until=f"{issued:%Y-%m}",
                )
            )
            m.status, m.ended_on = Membership.Status.TRANSFERRED_OUT, issued
            changed.append(m)
            continue
        if not m.probation_ends_on:
            continue
        vote = b.add_working_days(m.probation_ends_on, b.rng.randint(3, 20))
        decided = b.add_working_days(vote, b.rng.randint(5, 20))
        if decided > b.today:
            continue  # still on probation, or the confirmation is due
        refused = b.rng.random() < 0.004
        members = b.rng.randint(9, 30)
        present = members - b.rng.randint(0, 2)
        in_favour = b.rng.randint(0, members // 3) if refused else present
        confirmations.append(
            Confirmation(
                admission=p.admission,
                decided_on=decided,
                cell_vote_date=vote,
                present=present,
                in_favour=in_favour,
                against=present - in_favour,
                official_members=members,
                outcome=Confirmation.Outcome.NOT_CONFIRMED
                if refused
                else Confirmation.Outcome.CONFIRMED,
                decision_no=f"{len(confirmations) + 1}-QĐ/TU",
            )
        )
        if refused:
            m.status, m.ended_on = Membership.Status.NOT_CONFIRMED, decided
        else:
            m.status, m.official_since = Membership.Status.OFFICIAL, m.probation_ends_on
        changed.append(m)
    Membership.objects.bulk_update(
        changed, ["status", "ended_on", "official_since"], batch_size=1000
    )
    Transfer.objects.bulk_create(transfers, batch_size=1000)
    Confirmation.objects.bulk_create(confirmations, batch_size=1000)
    return {"admissions": len(admissions), "confirmations": len(confirmations)}


def write_sources_and_dossiers(b, planned, mentors_by_unit, since):
    """A Source and a complete Dossier for each admission decided on or after `since`."""
    recent = [p for p in planned if p.decision_date >= since]
    sources = []
    for p in recent:
        nominated = p.decision_date - dt.timedelta(days=b.rng.randint(200, 420))
        sources.append(
            Source(
                person=p.person,
                unit=p.unit,
                nominated_on=nominated,
                nominated_by="Đoàn trường" if p.category == "student" else "Chi bộ",
                category=p.category,
                mentor=b.rng.choice(mentors_by_unit.get(p.unit.pk) or [None]),
                status=Source.Status.ADMITTED,
            )
        )
    Source.objects.bulk_create(sources, batch_size=1000)
    dossiers = []
    for p, source in zip(recent, sources, strict=True):
        dossiers.append(
            Dossier(
                person=p.person,
                unit=p.unit,
                source=source,
                readmission=p.readmission,
                opened_on=source.nominated_on + dt.timedelta(days=60),
                status=Dossier.Status.ADMITTED,
            )
        )
    Dossier.objects.bulk_create(dossiers, batch_size=1000)
    steps, links = [], []
    for p, dossier in zip(recent, dossiers, strict=True):
        steps += dossier_steps(
            b,
            dossier,
            p.decision_date,
            p.admission.decision_no,
            p.readmission,
            introducers=mentors_by_unit.get(p.unit.pk, ()),
        )
        if p.admission.ceremony_date:
            steps.append(
                DossierStep(dossier=dossier, step="ceremony", date=p.admission.ceremony_date)
            )
        p.admission.dossier = dossier
        links.append(p.admission)
    count_votes(b, steps)
    DossierStep.objects.bulk_create(steps, batch_size=2000)
    Admission.objects.bulk_update(links, ["dossier"], batch_size=1000)
    return len(dossiers)


def count_votes(b, steps):
    """Cell votes counted against the register as written: the cell's official members
    on the vote day, most of them present, at least two thirds in favour."""
    registers = {}
    for step in steps:
        if step.step != "cell_vote":
            continue
        unit = step.dossier.unit
        if unit.pk not in registers:
            registers[unit.pk] = register_for(unit)
        members = registers[unit.pk].official_members(step.date)
        if members < 1:
            continue
        needed = -(-2 * members // 3)
        present = b.rng.randint(needed, members)
        in_favour = b.rng.randint(needed, present)
        step.data.update(
            official_members=members,
            present=present,
            in_favour=in_favour,
            against=present - in_favour,
        )


def dossier_steps(
    b, dossier, decision_date, decision_no, readmission=False, upto=None, introducers=()
):
    """The procedure's steps up to the decision, dated backwards from `decision_date`.

    With `upto` (a step code) only the steps before and including it are returned: an
    open dossier somewhere along the way. `introducers` are official members of the cell
    (people of the register) who introduce the applicant, and whose count gives the
    cell's official members at the vote; with fewer than two, the second introducer is
    someone outside the register whom the committee verified.
    """
    days = {}
    # Work backwards in calendar days; every gap stays within the rule set's limits.
    day = decision_date
    days["admission_decision"] = day
    day -= dt.timedelta(days=b.rng.randint(10, 40))
    days["committee_resolution"] = day
    day -= dt.timedelta(days=b.rng.randint(7, 25))
    days["cell_vote"] = day
    day -= dt.timedelta(days=b.rng.randint(5, 20))
    days["comments"] = day
    day -= dt.timedelta(days=b.rng.randint(5, 20))
    days["introduction"] = day
    day -= dt.timedelta(days=b.rng.randint(10, 40))
    days["history_verification"] = day
    day -= dt.timedelta(days=b.rng.randint(10, 30))
    days["history_declaration"] = day
    day -= dt.timedelta(days=b.rng.randint(2, 10))
    days["application"] = max(day, dossier.opened_on)
    members = max(len(introducers), 1)
    present = members - b.rng.randint(0, members // 5)
    in_favour = min(present, -(-2 * members // 3) + b.rng.randint(0, members // 6))
    committee = b.rng.randint(9, 15)
    committee_present = committee - b.rng.randint(0, 2)
    chosen = b.rng.sample(list(introducers), min(2, len(introducers)))
    form_day = days["introduction"].isoformat()
    introduction = {"introduced_by": "members"}
    for slot, person in enumerate(chosen, start=1):
        introduction[f"introducer_{slot}"] = person.national_id
        introduction[f"introducer_{slot}_name"] = person.full_name
        introduction[f"introducer_{slot}_form_date"] = form_day
    outside = len(chosen) < 2
    for slot in range(len(chosen) + 1, 3):
        name = names.full_name(b.rng, b.rng.choice(["female", "male"]))
        introduction[f"introducer_{slot}_outside"] = f"{name}, Đảng bộ nơi công tác cũ"
        introduction[f"introducer_{slot}_form_date"] = form_day
    data = {
        "application": {},
        "history_declaration": {},
        "history_verification": {"verified": "bản thân, cha, mẹ"},
        "introduction": introduction,
        "comments": {"work_comment": "Đồng ý", "residence_comment": "Đồng ý"},
        "cell_vote": {
            "present": present,
            "in_favour": in_favour,
            "against": present - in_favour,
            "official_members": members,
            "attempt": 1,
        },
        "committee_resolution": {
            "committee_members": committee,
            "present": committee_present,
            "in_favour": committee_present,
            "against": 0,
        },
        "admission_decision": {"decision_no": decision_no},
    }
    if outside:
        data["committee_resolution"]["outside_introducers_verified"] = "CV-thẩm tra"
    if readmission:
        data["application"].update(
            {
                "left_on": "2019-03-01",
                "leave_reason": "moved_away",
                "provincial_consent_no": "215-CV/TU",
            }
        )
    forms = {
        "application": "1-KNĐ",
        "history_declaration": "2-KNĐ",
        "introduction": "3-KNĐ",
        "comments": "5-KNĐ",
        "cell_vote": "6-KNĐ",
        "committee_resolution": "8-KNĐ",
        "admission_decision": "9-KNĐ",
    }
    order = [
        "application",
        "history_declaration",
        "history_verification",
        "introduction",
        "comments",
        "cell_vote",
        "committee_resolution",
        "admission_decision",
    ]
    if upto is not None:
        order = order[: order.index(upto) + 1]
    return [
        DossierStep(
            dossier=dossier,
            step=code,
            date=days[code],
            document_no=decision_no if code == "admission_decision" else forms.get(code, ""),
            data=data[code],
        )
        for code in order
    ]

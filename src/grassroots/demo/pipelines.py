"""Work in progress on the day the demo is loaded: every state of the pipeline has someone.

Dates here count back from `today` (never earlier than July 2025), so that the lists of
things due (ceremonies, confirmations, transfers to receive, stalled dossiers) are never
empty, whatever day the demo is loaded. None of it falls in a period the article quotes.
"""

import datetime as dt

from grassroots.people.models import Education, Membership
from grassroots.pipeline.models import Course, Dossier, DossierStep, Enrollment, Source
from grassroots.transfers.models import Transfer

from . import story
from .admissions import Planned, count_votes, dossier_steps
from .structure import HIGH_SCHOOLS

EARLIEST = dt.date(2025, 7, 1)  # after Điện Phương's term and every period of the article
CATEGORY_BY_SECTOR = {
    "Giáo dục": Source.Category.TEACHER,
    "Y tế": Source.Category.MEDICAL_STAFF,
    "Lực lượng vũ trang": Source.Category.DEMOBILISED_SOLDIER,
    "Hành chính": Source.Category.OFFICIAL,
    "Doanh nghiệp": Source.Category.WORKER_NON_STATE,
}
COURSE_2025_END = dt.date(2025, 3, 14)
OPEN_STEPS = [
    "application",
    "history_declaration",
    "history_verification",
    "introduction",
    "comments",
    "cell_vote",
    "committee_resolution",
]


def category_for(unit):
    sector = unit.effective_sector.name if unit.effective_sector_id else None
    return CATEGORY_BY_SECTOR.get(sector, Source.Category.OTHER)


def plan_recent_admissions(b):
    """Admissions since July 2025: some confirmed or due for confirmation, a few with
    the ceremony still due."""
    cells = b.cells(exclude_prefixes=(b.units[story.PPT_CODE].path,))
    planned = []
    last = b.today - dt.timedelta(days=40)
    day = EARLIEST
    while day <= last:
        for _ in range(b.rng.randint(4, 8)):
            unit = b.rng.choice(cells)
            decision = b.working_day_between(day, min(day + dt.timedelta(days=27), last))
            person = b.person(unit=unit, birth_date=b.birth_date_for_age(decision, 19, 45))
            planned.append(Planned(person, unit, decision, category=category_for(unit)))
        day += dt.timedelta(days=30)
    for _ in range(5):
        unit = b.rng.choice(cells)
        decision = b.add_working_days(b.today, -b.rng.randint(3, 25))
        person = b.person(unit=unit, birth_date=b.birth_date_for_age(decision, 19, 40))
        planned.append(Planned(person, unit, decision, category=category_for(unit), ceremony=False))
    return planned


def plan_courses(b):
    """The 2023 course's pupils, the 2024/25 course (with Phạm Phú Thứ's six pupils and two
    teachers) and the next course, with people enrolled."""
    courses = []
    start, end = story.COURSE_2023_08_DATES
    courses.append(
        (
            Course(
                code=story.COURSE_2023_08,
                organizer=b.units[story.TOWN_CODE],
                title="Lớp bồi dưỡng nhận thức về Đảng cho học sinh THPT",
                start_date=start,
                end_date=end,
                place="Trung tâm Chính trị thị xã Điện Bàn",
            ),
            [],
        )
    )
    course_2025 = Course(
        code=story.COURSE_2025_03,
        organizer=b.units[story.TOWN_CODE],
        title="Lớp bồi dưỡng nhận thức về Đảng",
        start_date=dt.date(2025, 3, 10),
        end_date=COURSE_2025_END,
        place="Trung tâm Chính trị thị xã Điện Bàn",
    )
    trainees = []
    ppt = b.units[story.PPT_CODE]
    for index in range(story.PPT_PUPILS_TRAINED_2024_25):
        trainees.append(
            b.person(
                unit=ppt,
                gender="female" if index % 2 else "male",
                birth_date=b.day_between(dt.date(2007, 1, 1), dt.date(2007, 5, 31)),
                education=Education.UPPER_SECONDARY,
                job_title="Học sinh",
            )
        )
    for _ in range(story.PPT_TEACHERS_TRAINED_2024_25):
        trainees.append(
            b.person(
                unit=ppt,
                birth_date=b.birth_date_for_age(dt.date(2025, 3, 10), 25, 35),
                education=Education.UNIVERSITY,
                job_title="Giáo viên",
            )
        )
    others = b.cells(exclude_prefixes=(ppt.path,))
    for _ in range(52):
        unit = b.rng.choice(others)
        trainees.append(b.person(unit=unit, birth_date=b.birth_date_for_age(end, 20, 40)))
    courses.append((course_2025, trainees))

    upcoming = b.today + dt.timedelta(days=16)
    while upcoming.weekday() != 0:
        upcoming += dt.timedelta(days=1)
    next_course = Course(
        code=f"{story.TOWN_CODE}-{upcoming:%Y-%m}",
        organizer=b.units[story.TOWN_CODE],
        title="Lớp bồi dưỡng nhận thức về Đảng",
        start_date=upcoming,
        end_date=upcoming + dt.timedelta(days=4),
        place="Trung tâm Chính trị thị xã Điện Bàn",
    )
    registered = []
    for _ in range(25):
        unit = b.rng.choice(others)
        registered.append(b.person(unit=unit, birth_date=b.birth_date_for_age(upcoming, 19, 40)))
    courses.append((next_course, registered))

    # The 87 pupils of August 2023: the 35 admitted are planned with the admissions, the
    # other 52 are made here, born a little later (they turned 18 after May 2024).
    pupils = []
    for index in range(story.COURSE_2023_08_PUPILS - story.COURSE_2023_08_ADMITTED):
        unit = b.units[HIGH_SCHOOLS[index % len(HIGH_SCHOOLS)]]
        pupils.append(
            b.person(
                unit=unit,
                gender="female" if index % 2 else "male",
                birth_date=b.day_between(dt.date(2006, 5, 1), dt.date(2006, 12, 31)),
                education=Education.UPPER_SECONDARY,
                job_title="Học sinh",
            )
        )
    courses[0][1].extend(pupils)
    return courses


HISTORY_COURSE_MONTHS = (2, 5, 10)  # never 3 or 8: DB-2023-08 and DB-2025-03 are the story's


def plan_history_courses(b, planned):
    """A town course three times a year since 2018, each admitted person enrolled in the
    last one that ended at least 90 days before their admission decision (so the
    certificate is there, and valid, when the cell votes)."""
    first = min(p.decision_date for p in planned).year - 1
    last_day = max(p.decision_date for p in planned)
    courses = []
    for year in range(first, last_day.year + 1):
        for month in HISTORY_COURSE_MONTHS:
            start = dt.date(year, month, 8)
            while start.weekday() != 0:
                start += dt.timedelta(days=1)
            if start + dt.timedelta(days=90) > last_day:
                continue
            course = Course(
                code=f"{story.TOWN_CODE}-{start:%Y-%m}",
                organizer=b.units[story.TOWN_CODE],
                title="Lớp bồi dưỡng nhận thức về Đảng",
                start_date=start,
                end_date=start + dt.timedelta(days=4),
                place="Trung tâm Chính trị thị xã Điện Bàn",
            )
            courses.append((course, []))
    for p in planned:
        if p.transfer:  # the pupils of August 2023 have that course
            continue
        eligible = [
            (course, people)
            for course, people in courses
            if course.end_date + dt.timedelta(days=90) <= p.decision_date
        ]
        eligible[-1][1].append(p.person)
    return [(course, people) for course, people in courses if people]


def write_courses(b, courses, admitted_pupils):
    """Courses and their enrolments (completed with a certificate once the course is over);
    returns the number of enrolments."""
    Course.objects.bulk_create([course for course, _ in courses])
    enrollments = []
    for course, people in courses:
        if course.code == story.COURSE_2023_08:
            people = list(admitted_pupils) + people
        finished = course.end_date < b.today
        for number, person in enumerate(people, start=1):
            enrollments.append(
                Enrollment(
                    course=course,
                    person=person,
                    result=Enrollment.Result.COMPLETED if finished else Enrollment.Result.ENROLLED,
                    certificate_no=f"{course.code}/{number:03d}" if finished else "",
                    certificate_date=course.end_date if finished else None,
                )
            )
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    return len(enrollments)


def plan_nominated(b, count=40):
    """People just nominated as sources, not yet in a course."""
    cells = b.cells()
    return [
        b.person(unit=unit, birth_date=b.birth_date_for_age(b.today, 18, 45))
        for unit in (b.rng.choice(cells) for _ in range(count))
    ]


def save_sources_in_progress(b, nominated, trainees, registered, mentors_by_unit):
    rows = []
    for people, status, earliest in (
        (nominated, Source.Status.NOMINATED, b.today - dt.timedelta(days=200)),
        (registered, Source.Status.REGISTERED, b.today - dt.timedelta(days=150)),
        (trainees, Source.Status.TRAINED, dt.date(2024, 10, 1)),
    ):
        for person in people:
            rows.append(
                Source(
                    person=person,
                    unit=person.unit,
                    nominated_on=b.day_between(
                        earliest, max(earliest, b.today - dt.timedelta(days=20))
                    )
                    if status != Source.Status.TRAINED
                    else b.day_between(earliest, dt.date(2025, 2, 1)),
                    nominated_by="Đoàn thanh niên" if person.job_title == "Học sinh" else "Chi bộ",
                    category=Source.Category.STUDENT
                    if person.job_title == "Học sinh"
                    else category_for(person.unit),
                    mentor=b.rng.choice(mentors_by_unit.get(person.unit.pk) or [None]),
                    status=status,
                )
            )
    Source.objects.bulk_create(rows, batch_size=1000)
    return [row for row in rows if row.status == Source.Status.TRAINED]


def _cell_officials(unit, mentors_by_unit=None):
    """The official members of a cell (people), from the register written so far."""
    if mentors_by_unit is not None:
        return mentors_by_unit.get(unit.pk, ())
    return [
        m.person
        for m in Membership.objects.filter(
            unit=unit, status=Membership.Status.OFFICIAL, admitted_on__lt=dt.date(2019, 1, 1)
        ).select_related("person")
    ]


def write_open_dossiers(b, trained_sources, mentors_by_unit=None):
    """Open dossiers for 28 of the trained, stopped at every step of the procedure."""

    chosen = b.rng.sample(trained_sources, 28)
    dossiers, steps = [], []
    for index, source in enumerate(chosen):
        upto = OPEN_STEPS[index % len(OPEN_STEPS)]
        position = OPEN_STEPS.index(upto)
        # A date for the decision to come, so the steps so far are spaced as in real files.
        ahead = b.today + dt.timedelta(days=10 + 12 * (len(OPEN_STEPS) - position))
        dossier = Dossier(
            person=source.person,
            unit=source.unit,
            source=source,
            opened_on=COURSE_2025_END,
            status=Dossier.Status.OPEN,
        )
        made = dossier_steps(
            b,
            dossier,
            ahead,
            "",
            upto=upto,
            introducers=_cell_officials(source.unit, mentors_by_unit),
        )
        for step in made:
            step.date = min(step.date, b.today)
            if step.step == "introduction":
                for slot in (1, 2):
                    if f"introducer_{slot}_form_date" in step.data:
                        step.data[f"introducer_{slot}_form_date"] = step.date.isoformat()
        dossier.opened_on = made[0].date
        dossiers.append((dossier, made))
    Dossier.objects.bulk_create([d for d, _ in dossiers])
    for dossier, made in dossiers:
        for step in made:
            step.dossier = dossier
        steps += made
    count_votes(b, steps)
    DossierStep.objects.bulk_create(steps, batch_size=1000)
    Source.objects.filter(pk__in=[s.pk for s in chosen]).update(status=Source.Status.IN_DOSSIER)
    return len(dossiers)


def write_pending_transfers(b, official_memberships):
    """Five official transfers between wards, issued and not yet received."""
    cells = b.cells()
    rows = []
    for membership in b.rng.sample(official_memberships, 5):
        ward = membership.unit.path[:8]
        destination = b.rng.choice([c for c in cells if not c.path.startswith(ward)])
        issued = b.add_working_days(b.today, -b.rng.randint(3, 20))
        rows.append(
            Transfer(
                person=membership.person,
                membership=membership,
                kind=Transfer.Kind.OFFICIAL,
                issued_on=issued,
                from_unit=membership.unit,
                to_unit=destination,
                report_by=b.add_working_days(issued, 30),
                status=Transfer.Status.ISSUED,
                letter_no=f"{b.rng.randint(300, 900)}-GGT/TU",
                dues_paid_until=f"{issued:%Y-%m}",
                note="Chuyển nơi cư trú",
            )
        )
    Transfer.objects.bulk_create(rows)
    return len(rows)


# Why the few older members who left did so (pipeline/rules.py LEAVE_REASONS).
OLDER_LEAVE_REASONS = ("moved_away", "resigned", "removed_from_rolls", "abandoned_activity")


def plan_older_members(b, count):
    """Members admitted before 2019 (no Admission rows: they predate the register)."""
    cells = b.cells()
    rows = []
    for _ in range(count):
        unit = b.rng.choice(cells)
        admitted = b.working_day_between(dt.date(1975, 1, 1), dt.date(2018, 12, 31))
        person = b.person(unit=unit, birth_date=b.birth_date_for_age(admitted, 19, 40))
        left = b.rng.random() < 0.03
        ceremony = b.add_working_days(admitted, 15)
        rows.append(
            Membership(
                person=person,
                unit=unit,
                status=Membership.Status.LEFT if left else Membership.Status.OFFICIAL,
                # Not drawn from the generator, so that the rest of the demo stays as it was.
                leave_reason=OLDER_LEAVE_REASONS[admitted.toordinal() % len(OLDER_LEAVE_REASONS)]
                if left
                else "",
                admitted_on=admitted,
                ceremony_date=ceremony,
                probation_ends_on=ceremony.replace(year=ceremony.year + 1)
                if not (ceremony.month == 2 and ceremony.day == 29)
                else dt.date(ceremony.year + 1, 2, 28),
                official_since=ceremony.replace(year=ceremony.year + 1)
                if not (ceremony.month == 2 and ceremony.day == 29)
                else dt.date(ceremony.year + 1, 2, 28),
                ended_on=b.day_between(dt.date(2019, 1, 1), dt.date(2024, 6, 30)) if left else None,
            )
        )
    return rows

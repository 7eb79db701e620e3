"""The demo town tells the seed article's story: the product's counts give its figures.

The demo is loaded once for this module inside a transaction that is rolled back at the
end, so the shared test town is left as it was.
"""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Exists, F, OuterRef

from grassroots import workdays
from grassroots.accounts.models import RoleAssignment
from grassroots.demo import loader, story
from grassroots.org import timeline
from grassroots.org.models import Unit, UnitAncestry
from grassroots.paths import under
from grassroots.people.models import UNIVERSITY_OR_ABOVE, Membership, Occupation, Person
from grassroots.pipeline.models import (
    Admission,
    Confirmation,
    Course,
    Dossier,
    DossierStep,
    Enrollment,
    Source,
)
from grassroots.plans.models import Finding, Target
from grassroots.transfers.models import Transfer
from tests.demo.loaded import demo_for_module

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker, TODAY) as loaded:
        assert loaded is True
        yield Unit.objects.get(code=story.TOWN_CODE)


@pytest.fixture
def town(demo, db):
    return Unit.objects.get(pk=demo.pk)


@pytest.fixture
def city(demo, db):
    """The city committee the town merged into on 1 July 2025: everything the demo holds
    (the town's former units included, kept below their successors) stands below it."""
    return Unit.objects.get(code="DN")


def admitted(unit, start, end):
    """Admissions decided in [start, end] by units that stood at or below `unit` then (the
    demo lives through the 2025 reform: its cells now stand under the city's new wards)."""
    stood_below = UnitAncestry.objects.filter(
        unit_id=OuterRef("unit_id"),
        ancestor=unit,
        valid_from__lte=OuterRef("decision_date"),
        valid_to__gte=OuterRef("decision_date"),
    )
    return Admission.objects.filter(
        Exists(stood_below), decision_date__gte=start, decision_date__lte=end
    )


def test_town_admitted_428_in_2021_2023_against_345(town):
    assert admitted(town, *story.PERIOD_2021_2023).count() == story.ADMITTED_2021_2023 == 428
    target = Target.objects.get(
        unit=town, period_start=dt.date(2021, 1, 1), period_end=dt.date(2023, 12, 31)
    )
    assert target.minimum == story.TARGET_2021_2023 == 345
    assert round(100 * 428 / target.minimum, 1) == 124.1
    university = admitted(town, *story.PERIOD_2021_2023).filter(
        person__education__in=UNIVERSITY_OR_ABOVE
    )
    assert university.count() == story.UNIVERSITY_2021_2023


def test_town_admitted_220_in_2024_to_november_15(town):
    rows = admitted(town, *story.PERIOD_2024_TO_NOV_15)
    assert rows.count() == 220
    assert rows.filter(person__gender="female").count() == 123
    assert rows.filter(person__education__in=UNIVERSITY_OR_ABOVE).count() == 111
    target = Target.objects.get(unit=town, period_start=dt.date(2024, 1, 1))
    assert (target.period_end, target.minimum) == (dt.date(2024, 12, 31), 150)


def test_2024_special_cases_one_each(town):
    rows = admitted(town, *story.PERIOD_2024_TO_NOV_15)
    assert rows.filter(person__job_title=story.BUSINESS_OWNER_OCCUPATION).count() == 1
    assert rows.exclude(person__religion="").count() == 1
    assert rows.filter(person__ethnic_minority=True).count() == 1
    assert rows.filter(readmission=True).count() == 1
    readmitted = rows.get(readmission=True).person
    earlier = readmitted.memberships.get(status=Membership.Status.LEFT)
    assert earlier.ended_on <= workdays.add_months(dt.date(2024, 1, 1), -36)
    assert readmitted.memberships.get(readmission=True).admitted_on.year == 2024


def test_dien_phuong_5_in_2021_14_in_2024_37_in_its_term(town):
    ward = Unit.objects.get(code=story.DIEN_PHUONG_CODE)
    assert admitted(ward, dt.date(2021, 1, 1), dt.date(2021, 12, 31)).count() == 5
    assert admitted(ward, dt.date(2024, 1, 1), dt.date(2024, 12, 31)).count() == 14
    assert admitted(ward, *story.DIEN_PHUONG_TERM).count() == 37
    term = Target.objects.get(
        unit=ward, period_start=story.DIEN_PHUONG_TERM[0], period_end=story.DIEN_PHUONG_TERM[1]
    )
    assert (term.minimum, term.stretch) == (25, 30)
    years = Target.objects.filter(unit=ward).exclude(pk=term.pk)
    assert {(t.period_start.year, t.minimum, t.stretch) for t in years} == {
        (year, 5, 6) for year in (2021, 2022, 2023, 2024)
    }
    assert all(
        term.period_start <= t.period_start <= t.period_end <= term.period_end for t in years
    )


def test_august_2023_course_87_pupils_35_admitted_34_to_university(town):
    course = Course.objects.get(code=story.COURSE_2023_08)
    assert course.organizer == town
    enrolled = Enrollment.objects.filter(course=course)
    assert enrolled.count() == 87
    assert enrolled.filter(result="completed").exclude(certificate_no="").count() == 87
    pupils = Person.objects.filter(enrollments__course=course)
    assert set(pupils.values_list("job_title", flat=True)) == {"Học sinh"}
    admissions = Admission.objects.filter(person__in=pupils)
    assert admissions.filter(decision_date__lte=dt.date(2024, 5, 30)).count() == 35
    assert admissions.count() == 35
    transfers = Transfer.objects.filter(person__in=pupils, kind=Transfer.Kind.OFFICIAL)
    university = transfers.filter(destination_type="university")
    assert university.count() == 34
    assert all(t.destination.startswith("Trường Đại học") for t in university)
    assert transfers.filter(destination_type="college").count() == 1
    assert all(t.issued_on > a.decision_date for t in transfers for a in t.person.admissions.all())


def test_pham_phu_thu_cell_one_teacher_five_pupils_in_school_year_2023_24(town):
    cell = Unit.objects.get(code=story.PPT_CODE)
    rows = admitted(cell, *story.SCHOOL_YEAR_2023_24)
    assert rows.count() == 6
    assert rows.filter(person__job_title="Giáo viên").count() == 1
    assert rows.filter(person__job_title="Học sinh").count() == 5
    trained = Enrollment.objects.filter(
        course__code=story.COURSE_2025_03, person__unit=cell, result="completed"
    )
    assert trained.filter(person__job_title="Học sinh").count() == 6
    assert trained.filter(person__job_title="Giáo viên").count() == 2


def test_every_admission_has_a_membership_and_confirmation_makes_it_official(town, city):
    rows = Admission.objects.filter(under(city.path, "unit__path")).select_related(
        "membership__unit", "confirmation", "unit"
    )
    for admission in rows:
        membership = admission.membership
        assert membership is not None
        assert membership.admitted_on == admission.decision_date
        if admission.unit.valid_to is None:
            assert membership.unit_id == admission.unit_id
        else:  # the admitting ward ended in the 2025 reform: its members passed on
            assert membership.unit.valid_to is None
        confirmation = getattr(admission, "confirmation", None)
        if membership.status == Membership.Status.OFFICIAL:
            assert confirmation and confirmation.outcome == "confirmed"
            assert membership.official_since == membership.probation_ends_on
            assert confirmation.decided_on > membership.probation_ends_on
        elif confirmation is None and membership.status == Membership.Status.PROBATIONARY:
            assert (TODAY - admission.decision_date).days < 500
    assert Confirmation.objects.filter(under(city.path, "admission__unit__path")).count() > 800


def test_admissions_respect_ages_and_ceremony_limits(town, city):
    overrides = workdays._overrides()
    rows = Admission.objects.filter(under(city.path, "unit__path")).select_related("person")
    for admission in rows:
        age = workdays.months_between(admission.person.birth_date, admission.decision_date)
        assert 18 * 12 <= age <= 60 * 12, admission
        if admission.ceremony_date:
            gap = workdays.working_days_between(
                admission.decision_date, admission.ceremony_date, overrides
            )
            assert 0 < gap <= 30


def test_every_ward_has_a_2024_target_and_findings_exist(town):
    # The wards and communes that stood under the town in 2024 (before the 2025 reform).
    wards = [w for w in timeline.children_on(town, dt.date(2024, 6, 1)) if w.kind == "committee"]
    assert len(wards) == 20
    for ward in wards:
        assert Target.objects.filter(
            unit=ward, period_start__lte=dt.date(2024, 1, 1), period_end__gte=dt.date(2024, 12, 31)
        ).exists(), ward.code
    assert Finding.objects.filter(by_unit=town).count() >= 2


def test_work_in_progress_in_every_state(town, city):
    from grassroots.pipeline.rules import get_rules

    inside = under(city.path, "unit__path")
    assert Source.objects.filter(inside, status="nominated").count() >= 20
    assert Enrollment.objects.filter(result="enrolled", course__start_date__gt=TODAY).count() >= 20
    open_dossiers = Dossier.objects.filter(inside, status="open")
    last_steps = {d.steps.order_by("-date", "-id").first().step for d in open_dossiers}
    assert len(last_steps) >= 6
    assert {s.step for s in DossierStep.objects.all()} <= set(get_rules().step_codes)
    assert Admission.objects.filter(inside, ceremony_date__isnull=True).count() >= 3
    due = Membership.objects.filter(
        under(city.path, "unit__path"), status="probationary", probation_ends_on__lt=TODAY
    )
    assert due.count() >= 1
    assert Transfer.objects.filter(status="issued", arrived_on__isnull=True).count() >= 3


def test_the_dossiers_stored_time_limits_agree_with_the_rule_engine(town):
    from grassroots.pipeline import dues
    from grassroots.pipeline.models import DossierDue

    kinds = set(DossierDue.objects.values_list("kind", flat=True))
    assert {"dossier_stalled", "certificate_expires", "age_limit"} <= kinds
    assert dues.check() == 0


def test_every_dossier_step_passes_the_rule_engine(town, city):
    """Replaying each demo dossier through pipeline.engine breaks no rule: ages, order,
    certificates, majorities, introducers and time limits are all plausible."""
    import dataclasses

    from grassroots.pipeline.engine import check_step
    from grassroots.pipeline.facts import (
        dossier_facts,
        latest_certificate_date,
        named_national_ids,
        register_for,
    )

    dossiers = Dossier.objects.filter(under(city.path, "unit__path")).select_related(
        "person", "unit"
    )
    broken = []
    # The dossiers of units that still exist: a ward that ended in the 2025 reform passed its
    # register (its members) on to its successor, so its closed dossiers cannot be replayed
    # against the register as it stands.
    for dossier in dossiers.filter(unit__valid_to__isnull=True).prefetch_related("steps"):
        steps = list(dossier.steps.all())
        certificate = latest_certificate_date(dossier.person)
        # The register as the services read it: the cell and every member the steps name.
        named = set().union(*(named_national_ids(step.data) for step in steps))
        register = register_for(dossier.unit, named)
        for index, step in enumerate(steps):
            facts = dossier_facts(
                dossier,
                steps=steps[:index],
                today=TODAY,
                certificate_date=certificate,
                after={},
            )
            facts = dataclasses.replace(facts, register=register)
            for violation in check_step(facts, step.step, step.date, step.data):
                broken.append((dossier.person.national_id, step.step, str(violation)))
    assert dossiers.count() > 400
    assert broken == []


def test_admitted_people_hold_a_course_certificate(town, city):
    rows = Admission.objects.filter(under(city.path, "unit__path"))
    without = rows.exclude(
        person__enrollments__result="completed",
        person__enrollments__certificate_date__lt=F("decision_date"),
    )
    assert without.count() == 0


def test_people_have_vietnamese_names_and_derived_fields(town, city):
    people = Person.objects.filter(under(city.path, "unit__path"))
    assert people.count() == story.PEOPLE
    assert people.filter(full_name__contains="Nguyễn").count() > 1000
    assert not people.filter(search_text="").exists()
    assert not people.filter(sort_key="").exists()


def test_achievement_report_gives_the_article_figures(town):
    from grassroots.reports import selectors

    rows = selectors.achievement(
        selectors.SYSTEM,
        unit=town,
        date_from=dt.date(2021, 1, 1),
        date_to=dt.date(2023, 12, 31),
    )
    assert (rows[0]["admitted"], str(rows[0]["achievement_pct"])) == (428, "124.1")
    rows = selectors.achievement(
        selectors.SYSTEM, unit=town, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 11, 15)
    )
    assert (rows[0]["admitted"], rows[0]["female"], rows[0]["university"]) == (220, 123, 111)
    assert str(rows[0]["achievement_pct"]) == "146.7"


def test_report_command_prints_428_and_124_1(town):
    out = io.StringIO()
    call_command(
        "report", "achievement", "--unit", "DB", "--from", "2021-01-01", "--to", "2023-12-31",
        "--format", "json", stdout=out,
    )  # fmt: skip
    first = json.loads(out.getvalue())[0]
    assert (first["unit_code"], first["admitted"], first["achievement_pct"]) == ("DB", 428, 124.1)
    out = io.StringIO()
    call_command(
        "report", "achievement", "--unit", "DB", "--from", "2021-01-01", "--to", "2023-12-31",
        stdout=out,
    )  # fmt: skip
    town_line = next(line for line in out.getvalue().splitlines() if line.startswith("DB "))
    assert " 428 " in town_line and " 124.1 " in town_line


def test_loading_again_adds_nothing(town):
    models = (Unit, Person, Admission, Membership, Enrollment, Source, Dossier, Transfer, Target)
    before = {model: model.objects.count() for model in models}
    assert loader.load_demo(today=TODAY) is False
    assert {model: model.objects.count() for model in models} == before


def test_demo_command_reports_the_town_is_there(town):
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "already there" in text
    assert "secretary" in text and story.PPT_CODE in text and "(DN)" in text
    held = set(
        RoleAssignment.objects.filter(unit__code__startswith="D").values_list(
            "user__username", "unit__code", "role", "ended_on"
        )
    )
    # The town's officers held their roles on the town committee until the 2025 reform
    # ended it (and them), and hold them on the city committee since.
    assert held == {
        ("admin", "DB", "administrator", dt.date(2025, 6, 30)),
        ("org", "DB", "organisation_committee", dt.date(2025, 6, 30)),
        ("admin", "DN", "administrator", None),
        ("org", "DN", "organisation_committee", None),
        ("secretary", "DB-PPT", "secretary", None),
    }
    assert authenticate(username="secretary", password=story.DEMO_PASSWORD) is not None


def test_every_article_figure_through_the_report_functions(town):
    """The seed's figures as the product's own reports give them (not ORM counts)."""
    from grassroots.reports import selectors

    def achieved(code, start, end):
        return selectors.achievement(selectors.SYSTEM, unit=code, date_from=start, date_to=end)[0]

    ward = story.DIEN_PHUONG_CODE
    assert achieved(ward, dt.date(2021, 1, 1), dt.date(2021, 12, 31))["admitted"] == 5
    year_2024 = achieved(ward, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (year_2024["admitted"], year_2024["target_minimum"], year_2024["target_stretch"]) == (
        14,
        5,
        6,
    )
    term = achieved(ward, *story.DIEN_PHUONG_TERM)
    assert (term["admitted"], term["target_minimum"], term["target_stretch"]) == (37, 25, 30)

    course = story.COURSE_2023_08
    by_may = selectors.course_funnel(selectors.SYSTEM, course=course, until=dt.date(2024, 5, 30))
    assert (by_may["enrolled"], by_may["completed"], by_may["admitted"]) == (87, 87, 35)
    by_november = selectors.course_funnel(
        selectors.SYSTEM, course=course, until=dt.date(2024, 11, 15)
    )
    assert (by_november["university"], by_november["college"]) == (34, 1)

    school_year = selectors.composition(
        selectors.SYSTEM,
        unit=Unit.objects.get(code=story.PPT_CODE),
        date_from=story.SCHOOL_YEAR_2023_24[0],
        date_to=story.SCHOOL_YEAR_2023_24[1],
    )
    occupations = {name: n for name, n, _pct in school_year["occupations"]}
    assert school_year["admitted"] == 6
    # Teachers are public employees in the statistical form's groups.
    assert (
        occupations.get(Occupation.PUBLIC_EMPLOYEE.label),
        occupations.get(Occupation.PUPIL.label),
    ) == (1, 5)


def test_the_reform_keeps_the_former_town_and_restates_the_new_wards(town, city):
    """Issue 10: the 2025 reform leaves the town's figures as they were; each new ward's
    report restated on today's structure shows what its predecessors admitted; the
    secretary still sees exactly the high-school cell."""
    from grassroots.accounts import scope
    from grassroots.reports import selectors

    assert town.valid_to == dt.date(2025, 6, 30)
    rows = selectors.achievement(
        selectors.SYSTEM, unit=town, date_from=dt.date(2021, 1, 1), date_to=dt.date(2023, 12, 31)
    )
    assert (rows[0]["admitted"], str(rows[0]["achievement_pct"])) == (428, "124.1")
    as_it_was = selectors.achievement(
        selectors.SYSTEM, unit=city, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)
    )
    assert as_it_was[0]["admitted"] == 0  # the city committee did not exist in 2024
    restated = selectors.achievement(
        selectors.SYSTEM,
        unit=city,
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 12, 31),
        restate_on=TODAY,
    )
    assert restated[0]["admitted"] == 231  # the whole of 2024 in the former town
    wards = {row["unit_code"]: row["admitted"] for row in restated[1:]}
    assert set(wards) == {"DN-DB", "DN-DBD", "DN-AT", "DN-DBB", "DN-DBT", "DN-GN"}
    assert sum(wards.values()) == 231 and all(wards.values())
    go_noi = Unit.objects.get(code="DN-GN")
    predecessors = ["DB-DQ", "DB-DTR", "DB-DPH", story.PPT_CODE]
    assert wards["DN-GN"] == sum(
        admitted(Unit.objects.get(code=code), dt.date(2024, 1, 1), dt.date(2024, 12, 31)).count()
        for code in predecessors
    )
    assert timeline.parent_on(Unit.objects.get(code=story.PPT_CODE), TODAY) == go_noi
    secretary = RoleAssignment.objects.get(unit__code=story.PPT_CODE).user
    scope.forget(secretary)
    demo_units = scope.units_visible_to(secretary).filter(code__startswith="D")
    assert set(demo_units.values_list("code", flat=True)) == {
        story.PPT_CODE,
        f"{story.PPT_CODE}-T1",
        f"{story.PPT_CODE}-T2",
    }


def test_people_have_occupation_groups_job_titles_and_youth_union(town):
    # The demo's people (the test town's own six have none) all have a job title and its group.
    people = Person.objects.exclude(job_title="")
    assert people.count() > Person.objects.count() - 10
    assert not people.filter(occupation="").exists()
    pupils = people.filter(job_title="Học sinh")
    assert set(pupils.values_list("occupation", flat=True)) == {Occupation.PUPIL}
    assert not pupils.filter(youth_union=False).exists()
    teachers = people.filter(job_title="Giáo viên")
    assert set(teachers.values_list("occupation", flat=True)) == {Occupation.PUBLIC_EMPLOYEE}
    assert people.filter(job_title=story.BUSINESS_OWNER_OCCUPATION).first().occupation == (
        Occupation.BUSINESS_OWNER
    )
    # Youth Union members are young (up to 30, pupils aside), and there are many of them.
    members = people.filter(youth_union=True).exclude(job_title="Học sinh")
    assert members.count() > 100
    assert not members.filter(birth_date__lt=dt.date(1990, 1, 1)).exists()
    # The admissions keep the group.
    assert set(Admission.objects.values_list("occupation", flat=True)) <= set(Occupation.values)

"""Sources, courses and admissions over the REST API: reads through
`pipeline.selectors` (the same lists as the pages), changes through `pipeline.services`
(which check the caller's role themselves).

Sources and admissions have no natural key of their own and are addressed by id; a
course by its code. Admissions are read only: they come from the dossier procedure.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    LIST,
    READ_ONE,
    WRITE,
    Body,
    Filters,
    Pagination,
    ReadsPagination,
    RecordId,
    given,
    in_date_range,
    in_subtree,
    links,
    log_read,
    responses,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, omittable, text, value_of, vocabulary
from grassroots.org.models import Unit
from grassroots.people.api import person_by_national_id
from grassroots.people.models import Person

from . import selectors, services
from .models import Course, Source

router = Router(tags=["pipeline"])

SourceCategory = vocabulary(Source.Category)
SourceStatus = vocabulary(Source.Status)
UnitCode = text(Unit, "code")
NationalId = text(Person, "national_id")
CourseCode = text(Course, "code")


class SourceOut(Schema):
    id: int
    person: str
    person_name: str
    unit: str
    nominated_on: dt.date
    nominated_by: str
    category: SourceCategory
    mentor: str | None
    status: SourceStatus
    note: str

    @staticmethod
    def resolve_person(source):
        return source.person.national_id

    @staticmethod
    def resolve_person_name(source):
        return source.person.full_name

    @staticmethod
    def resolve_unit(source):
        return source.unit.code

    @staticmethod
    def resolve_mentor(source):
        return source.mentor.national_id if source.mentor_id else None


class SourceFilters(Filters):
    unit: UnitCode = omittable(description="Keep the sources of this unit and below.")
    status: SourceStatus = omittable()
    category: SourceCategory = omittable()
    nominated_from: Day = omittable(description="Nominated on this day or later.")
    nominated_to: Day = omittable(description="Nominated on this day or earlier.")


class CourseOut(Schema):
    code: str
    title: str
    organizer: str
    start_date: dt.date
    end_date: dt.date
    place: str

    @staticmethod
    def resolve_organizer(course):
        return course.organizer.code


class CourseFilters(Filters):
    unit: UnitCode = omittable(description="Keep the courses organised in this subtree.")
    starts_from: Day = omittable(description="Starting on this day or later.")
    starts_to: Day = omittable(description="Starting on this day or earlier.")


class AdmissionOut(Schema):
    id: int
    person: str
    person_name: str
    unit: str
    decision_date: dt.date
    decision_no: str
    ceremony_date: dt.date | None
    readmission: bool
    needs_review: bool

    @staticmethod
    def resolve_person(admission):
        return admission.person.national_id

    @staticmethod
    def resolve_person_name(admission):
        return admission.person.full_name

    @staticmethod
    def resolve_unit(admission):
        return admission.unit.code


class AdmissionFilters(Filters):
    unit: UnitCode = omittable(description="Keep the admissions by this unit and below.")
    decided_from: Day = omittable(description="Decided on this day or later.")
    decided_to: Day = omittable(description="Decided on this day or earlier.")
    readmission: bool = omittable()


class SourceIn(Body):
    person: NationalId
    unit: UnitCode
    nominated_on: Day
    category: SourceCategory = SourceCategory.OTHER
    mentor: NationalId | None = None
    nominated_by: text(Source, "nominated_by") = ""
    note: text(Source, "note") = ""


class SourcePatch(Body):
    """The fields to change; `"mentor": null` removes the mentor. The status is not here:
    it follows from the source's course, dossier and admission."""

    nominated_on: Day = omittable()
    nominated_by: text(Source, "nominated_by") = omittable()
    category: SourceCategory = omittable()
    mentor: NationalId | None = None
    note: text(Source, "note") = omittable()


class CourseIn(Body):
    code: CourseCode
    organizer: UnitCode
    title: text(Course, "title")
    start_date: Day
    end_date: Day
    place: text(Course, "place") = ""


def _source(user, source_id):
    return scope.get_scoped(
        user, Source.objects.select_related("person", "unit", "mentor"), pk=source_id
    )


def _choices(fields):
    for key in ("category",):
        if key in fields:
            fields[key] = value_of(fields[key])
    return fields


def _source_shows(source):
    return [(source.person, source.unit_id), source.mentor]


@router.get("/sources", response=responses({200: list[SourceOut]}, LIST), url_name="source_list")
@paginate(ReadsPagination, what="API sources", shown=_source_shows)
def source_list(request, filters: Query[SourceFilters]):
    """Sources nominated in the caller's units, newest first; `unit=CODE` keeps a subtree,
    `nominated_from`/`nominated_to` bound the nomination date."""
    user = user_of(request)
    unit = unit_by_code(user, filters.unit) if filters.unit is not None else None
    sources = selectors.sources_for(
        user,
        unit=unit,
        status=value_of(filters.status) or "",
        category=value_of(filters.category) or "",
    )
    sources = in_date_range(sources, "nominated_on", filters.nominated_from, filters.nominated_to)
    return sources.order_by("-nominated_on", "id")  # newest first, unlike the page


@router.get(
    "/sources/{source_id}",
    response=responses({200: SourceOut}, READ_ONE),
    url_name="source_detail",
)
def source_detail(request, source_id: RecordId):
    source = _source(user_of(request), source_id)
    log_read(request, "API source", source.person, source.unit)
    if source.mentor_id:
        log_read(request, "API source, mentor", source.mentor)
    return source


@router.get("/courses", response=responses({200: list[CourseOut]}, LIST), url_name="course_list")
@paginate(Pagination)
def course_list(request, filters: Query[CourseFilters]):
    """Courses organised in the caller's units or by a committee above them; `unit=CODE`
    keeps the courses organised in that subtree."""
    user = user_of(request)
    courses = in_subtree(selectors.courses_for(user), user, filters.unit, "organizer")
    courses = in_date_range(courses, "start_date", filters.starts_from, filters.starts_to)
    return courses.order_by("-start_date", "code")


@router.get(
    "/courses/{code}", response=responses({200: CourseOut}, READ_ONE), url_name="course_detail"
)
def course_detail(request, code: CourseCode):
    return selectors.course_for(user_of(request), code)


@router.get(
    "/admissions", response=responses({200: list[AdmissionOut]}, LIST), url_name="admission_list"
)
@paginate(
    ReadsPagination,
    what="API admissions",
    shown=lambda admission: [(admission.person, admission.unit_id)],
)
def admission_list(request, filters: Query[AdmissionFilters]):
    """Admission decisions of the caller's units, by decision date (newest first);
    `decided_from`/`decided_to` bound the decision date, inclusive."""
    user = user_of(request)
    admissions = in_subtree(selectors.admissions_for(user), user, filters.unit)
    admissions = in_date_range(
        admissions, "decision_date", filters.decided_from, filters.decided_to
    )
    if filters.readmission is not None:
        admissions = admissions.filter(readmission=filters.readmission)
    return admissions.order_by("-decision_date", "id")


@router.get(
    "/admissions/{admission_id}",
    response=responses({200: AdmissionOut}, READ_ONE),
    url_name="admission_detail",
)
def admission_detail(request, admission_id: RecordId):
    admission = scope.get_scoped(
        user_of(request), selectors.admissions_for(user_of(request)), pk=admission_id
    )
    log_read(request, "API admission", admission.person, admission.unit)
    return admission


@router.post(
    "/sources",
    response=responses({201: SourceOut}, WRITE),
    url_name="source_create",
    openapi_extra=links(
        201,
        source=("source_detail", "source_id", "/id"),
        change=("source_update", "source_id", "/id"),
    ),
)
def source_create(request, payload: SourceIn):
    """Nominate a person as a source of `unit` (needs the right to change people there)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.EDIT_PEOPLE)
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    fields = _choices(payload.model_dump(exclude={"person", "unit", "mentor"}))
    fields["person"] = person_by_national_id(user, payload.person)
    if payload.mentor is not None:
        fields["mentor"] = person_by_national_id(user, payload.mentor, field="mentor")
    try:
        source = services.source_nominate(trace=trace_for(request), unit=unit, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, _source(user, source.pk))


@router.patch(
    "/sources/{source_id}", response=responses({200: SourceOut}, WRITE), url_name="source_update"
)
def source_update(request, source_id: RecordId, payload: SourcePatch):
    """Change a source's category, mentor (national ID, or null for none), note or
    nomination date. `status` is refused (422, a field this body does not take): it
    follows from the facts."""
    user = user_of(request)
    source = _source(user, source_id)
    changes = _choices(given(payload))
    if "mentor" in changes:
        mentor = changes["mentor"]
        changes["mentor"] = (
            person_by_national_id(user, mentor, field="mentor") if mentor is not None else None
        )
    try:
        services.source_update(trace=trace_for(request), source=source, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return _source(user, source_id)


@router.post(
    "/courses",
    response=responses({201: CourseOut}, WRITE),
    url_name="course_create",
    openapi_extra=links(201, course=("course_detail", "code", "/code")),
)
def course_create(request, payload: CourseIn):
    """Open an awareness course organised by a committee (needs the right to change
    units there)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.EDIT_UNITS)
    organizer = unit_by_code(user, payload.organizer, source="body", field="organizer")
    fields = payload.model_dump(exclude={"organizer"})
    try:
        course = services.course_create(trace=trace_for(request), organizer=organizer, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.course_for(user, course.code))

"""Sources, courses and admissions over the REST API: reads through
`pipeline.selectors` (the same lists as the pages), changes through `pipeline.services`
(which check the caller's role themselves).

Sources and admissions have no natural key of their own and are addressed by id; a
course by its code. Admissions are read only: they come from the dossier procedure.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.api_common import (
    ERRORS,
    READ_ERRORS,
    Input,
    Pagination,
    RecordId,
    clean_text,
    in_date_range,
    in_subtree,
    invalid,
    only_given,
    person_by_national_id,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)

from . import selectors, services
from .models import Source

router = Router(tags=["pipeline"])


class SourceOut(Schema):
    id: int
    person: str
    person_name: str
    unit: str
    nominated_on: dt.date
    nominated_by: str
    category: str
    mentor: str | None
    status: str
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


class SourceFilters(Input):
    unit: str | None = None
    status: Source.Status | None = None
    category: Source.Category | None = None
    nominated_from: dt.date | None = None
    nominated_to: dt.date | None = None


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


class CourseFilters(Input):
    unit: str | None = None
    starts_from: dt.date | None = None
    starts_to: dt.date | None = None


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


class AdmissionFilters(Input):
    unit: str | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None
    readmission: bool | None = None


class SourceIn(Input):
    person: str
    unit: str
    nominated_on: dt.date
    category: Source.Category = Source.Category.OTHER
    mentor: str | None = None
    nominated_by: str = ""
    note: str = ""


class SourcePatch(Input):
    nominated_on: dt.date | None = None
    nominated_by: str | None = None
    category: Source.Category | None = None
    mentor: str | None = None
    status: Source.Status | None = None
    note: str | None = None


class CourseIn(Input):
    code: str
    organizer: str
    title: str
    start_date: dt.date
    end_date: dt.date
    place: str = ""


def _source(user, source_id):
    return scope.get_scoped(
        user, Source.objects.select_related("person", "unit", "mentor"), pk=source_id
    )


@router.get("/sources", response=list[SourceOut], url_name="source_list")
@paginate(Pagination)
def source_list(request, filters: Query[SourceFilters]):
    """Sources nominated in the caller's units, newest first; `unit=CODE` keeps a subtree,
    `nominated_from`/`nominated_to` bound the nomination date."""
    user = user_of(request)
    unit = unit_by_code(user, filters.unit) if filters.unit else None
    sources = selectors.sources_for(
        user, unit=unit, status=filters.status or "", category=filters.category or ""
    )
    sources = in_date_range(
        sources,
        "nominated_on",
        filters.nominated_from,
        filters.nominated_to,
        ("nominated_from", "nominated_to"),
    )
    return sources.order_by("-nominated_on", "id")  # newest first, unlike the page


@router.get(
    "/sources/{source_id}", response={200: SourceOut, **READ_ERRORS}, url_name="source_detail"
)
def source_detail(request, source_id: RecordId):
    return _source(user_of(request), source_id)


@router.get("/courses", response=list[CourseOut], url_name="course_list")
@paginate(Pagination)
def course_list(request, filters: Query[CourseFilters]):
    """Courses organised in the caller's units or by a committee above them; `unit=CODE`
    keeps the courses organised in that subtree."""
    user = user_of(request)
    courses = in_subtree(selectors.courses_for(user), user, filters.unit, "organizer")
    courses = in_date_range(
        courses, "start_date", filters.starts_from, filters.starts_to, ("starts_from", "starts_to")
    )
    return courses.order_by("-start_date", "code")


@router.get("/courses/{code}", response={200: CourseOut, **READ_ERRORS}, url_name="course_detail")
def course_detail(request, code: str):
    clean_text(code, "code", "path")
    return selectors.course_for(user_of(request), code)


@router.get("/admissions", response=list[AdmissionOut], url_name="admission_list")
@paginate(Pagination)
def admission_list(request, filters: Query[AdmissionFilters]):
    """Admission decisions of the caller's units, by decision date (newest first);
    `decided_from`/`decided_to` bound the decision date, inclusive."""
    user = user_of(request)
    admissions = in_subtree(selectors.admissions_for(user), user, filters.unit)
    admissions = in_date_range(
        admissions,
        "decision_date",
        filters.decided_from,
        filters.decided_to,
        ("decided_from", "decided_to"),
    )
    if filters.readmission is not None:
        admissions = admissions.filter(readmission=filters.readmission)
    return admissions.order_by("-decision_date", "id")


@router.get(
    "/admissions/{admission_id}",
    response={200: AdmissionOut, **READ_ERRORS},
    url_name="admission_detail",
)
def admission_detail(request, admission_id: RecordId):
    return scope.get_scoped(
        user_of(request), selectors.admissions_for(user_of(request)), pk=admission_id
    )


@router.post("/sources", response={201: SourceOut, **ERRORS}, url_name="source_create")
def source_create(request, payload: SourceIn):
    """Nominate a person as a source of `unit` (needs the right to change people there)."""
    user = user_of(request)
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    fields = payload.model_dump(exclude={"person", "unit", "mentor"})
    fields["person"] = person_by_national_id(user, payload.person)
    if payload.mentor:
        fields["mentor"] = person_by_national_id(user, payload.mentor, field="mentor")
    try:
        source = services.source_nominate(trace=trace_for(request), unit=unit, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, _source(user, source.pk))


@router.patch("/sources/{source_id}", response={200: SourceOut, **ERRORS}, url_name="source_update")
def source_update(request, source_id: RecordId, payload: SourcePatch):
    """Change a source's category, mentor (national ID, or null for none), note or
    nomination date. `status` is refused (422): it follows from the facts."""
    user = user_of(request)
    source = _source(user, source_id)
    changes = only_given(payload, ("nominated_on", "category", "status"))
    if "status" in changes:
        # Kept in the schema for compatibility; the status follows from the facts.
        raise invalid(
            "body",
            "status",
            _("The status of a source follows from its course, dossier and admission."),
        )
    if "mentor" in changes:
        mentor = changes["mentor"]
        changes["mentor"] = person_by_national_id(user, mentor, field="mentor") if mentor else None
    try:
        services.source_update(trace=trace_for(request), source=source, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return _source(user, source_id)


@router.post("/courses", response={201: CourseOut, **ERRORS}, url_name="course_create")
def course_create(request, payload: CourseIn):
    """Open an awareness course organised by a committee (needs the right to change
    units there)."""
    user = user_of(request)
    organizer = unit_by_code(user, payload.organizer, source="body", field="organizer")
    fields = payload.model_dump(exclude={"organizer"})
    clean_text(fields["code"], "code", "body")
    try:
        course = services.course_create(trace=trace_for(request), organizer=organizer, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.course_for(user, course.code))

"""Conferences, their conclusions and tasks, and recognitions over the REST API: reads
through the scope and `conferences.selectors`, changes through `conferences.services`
(the same predicates as the pages: DECIDE on the committee to hold and record, record
steps on the task's unit to complete a task). Records are addressed by id."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.models import Role
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    LIST,
    READ_ONE,
    WRITE,
    Body,
    Filters,
    Pagination,
    RecordId,
    in_date_range,
    in_subtree,
    links,
    not_found,
    responses,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, count, omittable, text, value_of, vocabulary
from grassroots.inputs import composed
from grassroots.org.models import Cluster, Sector, Unit
from grassroots.people.api import person_by_national_id
from grassroots.people.models import Person
from grassroots.plans.models import Finding

from . import selectors, services
from .models import Conclusion, Conference, Participation, Recognition, Task

router = Router(tags=["conferences"])

ResponsibleRole = vocabulary(Role)
RecognitionKind = vocabulary(Recognition.Kind)
Attendance = count(Participation, "attendees")


class ParticipationOut(Schema):
    unit: str
    present: bool | None
    attendees: int | None
    invited: int | None

    @staticmethod
    def resolve_unit(participation):
        return participation.unit.code


class ConferenceTaskOut(Schema):
    id: int
    conference: int
    unit: str
    role: ResponsibleRole
    action: str
    due_on: dt.date
    completed_on: dt.date | None
    completion_note: str

    @staticmethod
    def resolve_conference(task):
        return task.conclusion.conference_id

    @staticmethod
    def resolve_unit(task):
        return task.unit.code


class ConclusionOut(Schema):
    id: int
    text: str
    tasks: list[ConferenceTaskOut]

    @staticmethod
    def resolve_tasks(conclusion):
        return list(conclusion.tasks.select_related("unit", "conclusion").order_by("due_on", "id"))


class ConferenceOut(Schema):
    id: int
    committee: str
    cluster: str | None
    sector: str | None
    title: str
    date: dt.date
    place: str
    chair: str
    period_from: dt.date
    period_to: dt.date
    participants: list[ParticipationOut]
    conclusions: list[ConclusionOut]

    @staticmethod
    def resolve_committee(conference):
        return conference.committee.code

    @staticmethod
    def resolve_cluster(conference):
        return conference.cluster.name if conference.cluster_id else None

    @staticmethod
    def resolve_sector(conference):
        return conference.sector.name if conference.sector_id else None

    @staticmethod
    def resolve_participants(conference):
        return selectors.participations(conference)

    @staticmethod
    def resolve_conclusions(conference):
        return list(conference.conclusions.order_by("id"))


class ConferenceSummaryOut(Schema):
    id: int
    committee: str
    cluster: str | None
    sector: str | None
    title: str
    date: dt.date
    period_from: dt.date
    period_to: dt.date

    resolve_committee = staticmethod(ConferenceOut.resolve_committee)
    resolve_cluster = staticmethod(ConferenceOut.resolve_cluster)
    resolve_sector = staticmethod(ConferenceOut.resolve_sector)


class ConferenceIn(Body):
    """A conference of `committee` for its `cluster` or `sector` (by name), or for the
    `units` listed (codes below the committee); the units of the cluster or sector below
    the committee take part when `units` is left out."""

    committee: text(Unit, "code")
    cluster: text(Cluster, "name") | None = None
    sector: text(Sector, "name") | None = None
    units: list[text(Unit, "code")] | None = Field(None, max_length=5000)
    title: text(Conference, "title")
    date: Day
    place: text(Conference, "place") = ""
    chair: text(Conference, "chair") = ""
    period_from: Day
    period_to: Day


class ConferenceTaskIn(Body):
    unit: text(Unit, "code")
    role: ResponsibleRole
    action: text(Task, "action")
    due_on: Day


TASK_FIELDS = tuple(ConferenceTaskIn.model_fields)


class ConclusionIn(Body):
    text: text(Conclusion, "text")
    tasks: list[ConferenceTaskIn] = Field(default_factory=list, max_length=50)


class TaskCompleteIn(Body):
    completed_on: Day
    note: text(Task, "completion_note") = ""


class AttendanceIn(Body):
    unit: text(Unit, "code")
    present: bool | None = None
    attendees: Attendance | None = None
    invited: Attendance | None = None


class RecognitionOut(Schema):
    id: int
    kind: RecognitionKind
    unit: str
    person: str | None = Field(description="The national ID of the person, if any.")
    date: dt.date
    text: str
    decision: str
    document_ref: str
    conference: int | None
    finding: int | None

    @staticmethod
    def resolve_unit(recognition):
        return recognition.unit.code

    @staticmethod
    def resolve_person(recognition):
        return recognition.person.national_id if recognition.person_id else None

    @staticmethod
    def resolve_conference(recognition):
        return recognition.conference_id

    @staticmethod
    def resolve_finding(recognition):
        return recognition.finding_id


class RecognitionIn(Body):
    """Praise or a shortcoming of a unit (or a person of it), recorded by one conference or
    one supervision finding (give one of `conference` and `finding`)."""

    kind: RecognitionKind
    unit: text(Unit, "code")
    person: text(Person, "national_id") | None = None
    date: Day
    text: text(Recognition, "text")
    decision: text(Recognition, "decision") = ""
    document_ref: text(Recognition, "document_ref") = ""
    conference: RecordId | None = None
    finding: RecordId | None = None


class ConferenceFilters(Filters):
    unit: text(Unit, "code") = omittable(
        description="Keep the conferences held by this unit's committee or those below it."
    )
    date_from: Day = omittable(description="Keep conferences held on or after this day.")
    date_to: Day = omittable(description="Keep conferences held on or before this day.")


class TaskFilters(Filters):
    unit: text(Unit, "code") = omittable(description="Keep the tasks of this subtree.")
    open: bool = omittable(description="true: only tasks not yet done; false: only done ones.")


class RecognitionFilters(Filters):
    unit: text(Unit, "code") = omittable(description="Keep the recognitions of this subtree.")
    date_from: Day = omittable(description="Keep those dated on or after this day.")
    date_to: Day = omittable(description="Keep those dated on or before this day.")


def _conferences(user):
    return scope.scoped(
        user,
        Conference.objects.select_related("committee", "cluster", "sector"),
        unit_field="committee",
    )


@router.get(
    "/conferences",
    response=responses({200: list[ConferenceSummaryOut]}, LIST),
    url_name="conference_list",
)
@paginate(Pagination)
def conference_list(request, filters: Query[ConferenceFilters]):
    """Conferences of the caller's committees, newest first; `unit=CODE` keeps those of
    that committee and the committees below it."""
    user = user_of(request)
    conferences = in_subtree(_conferences(user), user, filters.unit, unit_field="committee")
    conferences = in_date_range(conferences, "date", filters.date_from, filters.date_to)
    return conferences.order_by("-date", "-id")


@router.get(
    "/conferences/{conference_id}",
    response=responses({200: ConferenceOut}, READ_ONE),
    url_name="conference_detail",
)
def conference_detail(request, conference_id: RecordId):
    """A conference with its participants, conclusions and tasks."""
    return selectors.conference_for(user_of(request), conference_id)


def _grouping(model, name, field):
    if name is None:
        return None
    found = model.objects.filter(name=composed(name)).first()
    if found is None:
        raise not_found("body", field, _("Nothing is named %(name)s.") % {"name": name})
    return found


@router.post(
    "/conferences",
    response=responses({201: ConferenceOut}, WRITE),
    url_name="conference_create",
    openapi_extra=links(
        201,
        conference=("conference_detail", "conference_id", "/id"),
        attendance=("conference_attendance", "conference_id", "/id"),
        conclusion=("conclusion_create", "conference_id", "/id"),
    ),
)
def conference_create(request, payload: ConferenceIn):
    """Record a conference (the right to decide on the committee's unit)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.DECIDE)
    committee = unit_by_code(user, payload.committee, source="body", field="committee")
    services.require_holder(user, committee)
    cluster = _grouping(Cluster, payload.cluster, "cluster")
    sector = _grouping(Sector, payload.sector, "sector")
    units = None
    if payload.units is not None:
        units = [unit_by_code(user, code, source="body", field="units") for code in payload.units]
    try:
        conference = services.conference_create(
            trace=trace_for(request),
            committee=committee,
            cluster=cluster,
            sector=sector,
            units=units,
            **payload.model_dump(include={"title", "date", "place", "chair"}),
            period_from=payload.period_from,
            period_to=payload.period_to,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.conference_for(user, conference.pk))


@router.post(
    "/conferences/{conference_id}/attendance",
    response=responses({200: ConferenceOut}, WRITE),
    url_name="conference_attendance",
)
def conference_attendance(request, conference_id: RecordId, payload: AttendanceIn):
    """Record a participating unit's attendance."""
    user = user_of(request)
    conference = selectors.conference_for(user, conference_id)
    services.require_holder(user, conference.committee)
    participation = conference.participations.filter(unit__code=composed(payload.unit)).first()
    if participation is None:
        raise not_found("body", "unit", _("%(unit)s does not take part.") % {"unit": payload.unit})
    try:
        services.participation_record(
            trace=trace_for(request),
            participation=participation,
            present=payload.present,
            attendees=payload.attendees,
            invited=payload.invited,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.conference_for(user, conference_id)


@router.post(
    "/conferences/{conference_id}/conclusions",
    response=responses({201: ConclusionOut}, WRITE),
    url_name="conclusion_create",
)
def conclusion_create(request, conference_id: RecordId, payload: ConclusionIn):
    """Record a conclusion and its tasks: for a unit below the committee, what to do, the
    role responsible on that unit, by when."""
    user = user_of(request)
    conference = selectors.conference_for(user, conference_id)
    services.require_holder(user, conference.committee)
    tasks = [
        {
            "unit": unit_by_code(user, task.unit, source="body", field="tasks"),
            "role": value_of(task.role),
            "action": task.action,
            "due_on": task.due_on,
        }
        for task in payload.tasks
    ]
    try:
        conclusion = services.conclusion_add(
            trace=trace_for(request), conference=conference, text=payload.text, tasks=tasks
        )
    except ValidationError as exc:
        # A task's fields are the items of `tasks` here (as its unknown unit's 404 says).
        raise service_errors(exc, dict.fromkeys(TASK_FIELDS, "tasks")) from exc
    return Status(201, conclusion)


def _tasks(user):
    return selectors.tasks_visible_to(user).select_related("conclusion")


@router.get(
    "/conference-tasks",
    response=responses({200: list[ConferenceTaskOut]}, LIST),
    url_name="conference_task_list",
)
@paginate(Pagination)
def conference_task_list(request, filters: Query[TaskFilters]):
    """Tasks of the caller's units by due date; `unit=CODE` keeps a subtree, `open`
    keeps those not done (true) or done (false)."""
    user = user_of(request)
    tasks = in_subtree(_tasks(user), user, filters.unit)
    if filters.open is not None:
        tasks = tasks.filter(completed_on__isnull=filters.open)
    return tasks.order_by("due_on", "id")


@router.get(
    "/conference-tasks/{task_id}",
    response=responses({200: ConferenceTaskOut}, READ_ONE),
    url_name="conference_task_detail",
)
def conference_task_detail(request, task_id: RecordId):
    return selectors.task_for(user_of(request), task_id)


@router.post(
    "/conference-tasks/{task_id}/complete",
    response=responses({200: ConferenceTaskOut}, WRITE),
    url_name="conference_task_complete",
)
def conference_task_complete(request, task_id: RecordId, payload: TaskCompleteIn):
    """Record that a task was done, with a note (users of its unit or above who record
    steps)."""
    user = user_of(request)
    task = selectors.task_for(user, task_id)
    if not services.can_complete_task(user, task):
        raise PermissionDenied
    try:
        services.task_complete(
            trace=trace_for(request),
            task=task,
            completed_on=payload.completed_on,
            note=payload.note,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.task_for(user, task_id)


@router.get(
    "/recognitions",
    response=responses({200: list[RecognitionOut]}, LIST),
    url_name="recognition_list",
)
@paginate(Pagination)
def recognition_list(request, filters: Query[RecognitionFilters]):
    """Praise and criticism of the caller's units, newest first."""
    user = user_of(request)
    found = scope.scoped(user, Recognition.objects.select_related("unit", "person"))
    found = in_subtree(found, user, filters.unit)
    found = in_date_range(found, "date", filters.date_from, filters.date_to)
    return found.order_by("-date", "-id")


@router.get(
    "/recognitions/{recognition_id}",
    response=responses({200: RecognitionOut}, READ_ONE),
    url_name="recognition_detail",
)
def recognition_detail(request, recognition_id: RecordId):
    return selectors.recognition_for(user_of(request), recognition_id)


@router.post(
    "/recognitions",
    response=responses({201: RecognitionOut}, WRITE),
    url_name="recognition_create",
    openapi_extra=links(201, recognition=("recognition_detail", "recognition_id", "/id")),
)
def recognition_create(request, payload: RecognitionIn):
    """Record praise or a shortcoming by a conference (the right to decide on its
    committee) or a supervision finding (the right to decide for the inspecting unit)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.DECIDE)
    conference = finding = None
    if payload.conference is not None:
        try:
            conference = selectors.conference_for(user, payload.conference)
        except Http404:
            raise not_found("body", "conference", _("No such conference.")) from None
    if payload.finding is not None:
        from_plans = scope.scoped(user, Finding.objects.select_related("unit", "by_unit"))
        finding = from_plans.filter(pk=payload.finding).first()
        if finding is None:
            raise not_found("body", "finding", _("No such finding."))
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    person = None
    if payload.person is not None:
        person = person_by_national_id(user, payload.person)
    try:
        recognition = services.recognition_record(
            trace=trace_for(request),
            kind=value_of(payload.kind),
            unit=unit,
            person=person,
            date=payload.date,
            text=payload.text,
            decision=payload.decision,
            document_ref=payload.document_ref,
            conference=conference,
            finding=finding,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.recognition_for(user, recognition.pk))

"""The person register over the REST API, keyed by national ID.

Reads of personal data are logged like the web pages' (history.Access); changes go
through `people.services` with an API trace.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
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
    ReadsPagination,
    given,
    in_date_range,
    in_subtree,
    invalid,
    links,
    log_read,
    not_found,
    responses,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, Flag, SearchText, omittable, text, value_of, vocabulary
from grassroots.org.models import Unit
from grassroots.vietnamese import fold

from . import services
from .models import Education, Gender, Occupation, Person

router = Router(tags=["people"])

GenderOut = vocabulary(Gender)
EducationOut = vocabulary(Education)
OccupationOut = vocabulary(Occupation)
NationalId = text(Person, "national_id")
UnitCode = text(Unit, "code")


def person_by_national_id(user, national_id, *, field="person"):
    """A person the user can see, named in a request body; otherwise a 404 on `field`."""
    national_id = national_id.strip().upper()
    people = scope.scoped(user, Person.objects.select_related("unit"), "unit")
    person = people.filter(national_id=national_id).first()
    if person is None:
        message = _("No person with national ID %(id)s.") % {"id": national_id}
        raise not_found("body", field, message)
    return person


class PersonOut(Schema):
    national_id: str
    full_name: str
    gender: GenderOut
    birth_date: dt.date
    ethnicity: str
    ethnic_minority: bool
    religion: str
    education: EducationOut | None
    occupation: OccupationOut | None
    job_title: str
    youth_union: bool
    unit: str | None
    phone: str
    email: str
    address: str

    @staticmethod
    def resolve_unit(person):
        return person.unit.code if person.unit_id else None

    @staticmethod
    def resolve_education(person):
        return person.education or None

    @staticmethod
    def resolve_occupation(person):
        return person.occupation or None


class PersonIn(Body):
    national_id: NationalId
    full_name: text(Person, "full_name")
    gender: GenderOut
    birth_date: Day
    ethnicity: text(Person, "ethnicity") = ""
    ethnic_minority: Flag = False
    religion: text(Person, "religion") = ""
    education: EducationOut | None = None
    occupation: OccupationOut | None = None
    job_title: text(Person, "job_title") = ""
    youth_union: Flag = False
    unit: UnitCode | None = None
    phone: text(Person, "phone") = ""
    email: text(Person, "email") = ""
    address: text(Person, "address") = ""


class PersonPatch(Body):
    """The fields to change; `null` clears the education or the occupation (unknown) or
    the unit."""

    national_id: NationalId = omittable()
    full_name: text(Person, "full_name") = omittable()
    gender: GenderOut = omittable()
    birth_date: Day = omittable()
    ethnicity: text(Person, "ethnicity") = omittable()
    ethnic_minority: Flag = omittable()
    religion: text(Person, "religion") = omittable()
    education: EducationOut | None = None
    occupation: OccupationOut | None = None
    job_title: text(Person, "job_title") = omittable()
    youth_union: Flag = omittable()
    unit: UnitCode | None = None
    phone: text(Person, "phone") = omittable()
    email: text(Person, "email") = omittable()
    address: text(Person, "address") = omittable()


class PersonFilters(Filters):
    unit: UnitCode = omittable(description="Keep people of this unit and below.")
    q: SearchText = omittable(description="Words of the name or the national ID.")
    born_after: Day = omittable(description="Born on this day or later.")
    born_before: Day = omittable(description="Born on this day or earlier.")


def _person(request, national_id, action=Action.VIEW):
    return scope.get_scoped(
        user_of(request),
        Person.objects.select_related("unit"),
        "unit",
        action,
        national_id=national_id.upper(),
    )


def _target_unit(user, code):
    """The unit a person is put in: visible to the caller, who must be allowed to change
    people there (a person without a unit needs a role on a root unit)."""
    if code is None and not scope.holds_root(user, Action.EDIT_PEOPLE):
        # As the page says it: a unit is required of whoever holds no role on a root.
        raise invalid("body", "unit", _("This field is required."), "missing")
    unit = unit_by_code(user, code, source="body", field="unit") if code is not None else None
    scope.require(user, Action.EDIT_PEOPLE, unit)
    return unit


def _fields(payload_fields):
    for key in ("gender", "education", "occupation"):
        if key in payload_fields:
            payload_fields[key] = value_of(payload_fields[key]) or ""
    return payload_fields


@router.get("/people", response=responses({200: list[PersonOut]}, LIST), url_name="person_list")
@paginate(ReadsPagination, what="API people list", shown=lambda person: [person])
def person_list(request, filters: Query[PersonFilters]):
    """People the caller can see, in Vietnamese roster order.

    `unit=CODE` keeps people of that unit and below; `q` matches name or national ID,
    accents ignored; `born_after`/`born_before` bound the birth date (inclusive).
    """
    user = user_of(request)
    people = scope.scoped(user, Person.objects.select_related("unit"), "unit")
    people = in_subtree(people, user, filters.unit)
    for word in fold(filters.q or "").split():
        people = people.filter(search_text__contains=word)
    people = in_date_range(people, "birth_date", filters.born_after, filters.born_before)
    return people.order_by("sort_key", "national_id")


@router.get(
    "/people/{national_id}",
    response=responses({200: PersonOut}, READ_ONE),
    url_name="person_detail",
)
def person_detail(request, national_id: NationalId):
    person = _person(request, national_id)
    log_read(request, "API person", person)
    return person


@router.post(
    "/people",
    response=responses({201: PersonOut}, WRITE),
    url_name="person_create",
    openapi_extra=links(
        201,
        person=("person_detail", "national_id", "/national_id"),
        change=("person_update", "national_id", "/national_id"),
    ),
)
def person_create(request, payload: PersonIn):
    """Register a person in `unit` (needs the right to change people there)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.EDIT_PEOPLE)
    fields = _fields(payload.model_dump())
    fields["unit"] = _target_unit(user, fields["unit"])
    try:
        person = services.person_create(trace=trace_for(request), **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, person)


@router.patch(
    "/people/{national_id}",
    response=responses({200: PersonOut}, WRITE),
    url_name="person_update",
)
def person_update(request, national_id: NationalId, payload: PersonPatch):
    """Change the fields given; moving a person to another unit needs change rights there."""
    user = user_of(request)
    person = _person(request, national_id, Action.EDIT_PEOPLE)
    changes = _fields(given(payload))
    if "unit" in changes:
        changes["unit"] = _target_unit(user, changes["unit"])
    try:
        person = services.person_update(trace=trace_for(request), person=person, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Person.objects.select_related("unit").get(pk=person.pk)

"""The person register over the REST API, keyed by national ID.

Reads of personal data are logged like the web pages' (history.Access); changes go
through `people.services` with an API trace.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    ERRORS,
    READ_ERRORS,
    Input,
    Pagination,
    clean_text,
    in_date_range,
    in_subtree,
    only_given,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.history.models import Access
from grassroots.history.services import record_access
from grassroots.vietnamese import fold

from . import services
from .models import Education, Gender, Person

router = Router(tags=["people"])


class PersonOut(Schema):
    national_id: str
    full_name: str
    gender: str
    birth_date: dt.date
    ethnicity: str
    ethnic_minority: bool
    religion: str
    education: str
    occupation: str
    unit: str | None
    phone: str
    email: str
    address: str

    @staticmethod
    def resolve_unit(person):
        return person.unit.code if person.unit_id else None


class PersonIn(Input):
    national_id: str
    full_name: str
    gender: Gender
    birth_date: dt.date
    ethnicity: str = ""
    ethnic_minority: bool = False
    religion: str = ""
    education: Education | None = None
    occupation: str = ""
    unit: str | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


class PersonPatch(Input):
    national_id: str | None = None
    full_name: str | None = None
    gender: Gender | None = None
    birth_date: dt.date | None = None
    ethnicity: str | None = None
    ethnic_minority: bool | None = None
    religion: str | None = None
    education: Education | None = None
    occupation: str | None = None
    unit: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class PersonFilters(Input):
    unit: str | None = None
    q: str | None = None
    born_after: dt.date | None = None
    born_before: dt.date | None = None


REQUIRED = ("national_id", "full_name", "gender", "birth_date", "ethnic_minority")


def _person(request, national_id, action=Action.VIEW):
    clean_text(national_id, "national_id", "path")
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
    unit = unit_by_code(user, code, source="body", field="unit") if code else None
    scope.require(user, Action.EDIT_PEOPLE, unit)
    return unit


def _fields(payload_fields):
    if "education" in payload_fields and payload_fields["education"] is None:
        payload_fields["education"] = ""
    return payload_fields


@router.get("/people", response=list[PersonOut], url_name="person_list")
@paginate(Pagination)
def person_list(request, filters: Query[PersonFilters]):
    """People the caller can see, in Vietnamese roster order.

    `unit=CODE` keeps people of that unit and below; `q` matches name or national ID,
    accents ignored; `born_after`/`born_before` bound the birth date (inclusive).
    """
    user = user_of(request)
    people = scope.scoped(user, Person.objects.select_related("unit"), "unit")
    people = in_subtree(people, user, filters.unit)
    for word in fold(clean_text(filters.q, "q") or "").split():
        people = people.filter(search_text__contains=word)
    people = in_date_range(
        people, "birth_date", filters.born_after, filters.born_before, ("born_after", "born_before")
    )
    record_access(user, kind=Access.Kind.VIEW, what=f"API people list {filters.model_dump()}")
    return people.order_by("sort_key", "national_id")


@router.get(
    "/people/{national_id}", response={200: PersonOut, **READ_ERRORS}, url_name="person_detail"
)
def person_detail(request, national_id: str):
    person = _person(request, national_id)
    record_access(
        user_of(request),
        kind=Access.Kind.VIEW,
        what=f"API {person.national_id} {person}",
        unit_path=person.unit.path if person.unit_id else "",
    )
    return person


@router.post("/people", response={201: PersonOut, **ERRORS}, url_name="person_create")
def person_create(request, payload: PersonIn):
    """Register a person in `unit` (needs the right to change people there)."""
    user = user_of(request)
    fields = _fields(payload.model_dump())
    fields["unit"] = _target_unit(user, fields["unit"])
    try:
        person = services.person_create(trace=trace_for(request), **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, person)


@router.patch(
    "/people/{national_id}", response={200: PersonOut, **ERRORS}, url_name="person_update"
)
def person_update(request, national_id: str, payload: PersonPatch):
    """Change the fields given; moving a person to another unit needs change rights there."""
    user = user_of(request)
    person = _person(request, national_id, Action.EDIT_PEOPLE)
    changes = _fields(only_given(payload, REQUIRED))
    if "unit" in changes:
        changes["unit"] = _target_unit(user, changes["unit"])
    try:
        person = services.person_update(trace=trace_for(request), person=person, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Person.objects.select_related("unit").get(pk=person.pk)

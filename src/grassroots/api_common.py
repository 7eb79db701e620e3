"""Pieces every API router shares: pagination, the error shape, the trace, unit filters.

The API is a thin layer over the same scope and services as the web app: a route parses,
looks records up through `accounts.scope`, calls a service with an API `Trace`, and
returns a schema. Errors always have one shape:

    {"detail": [{"loc": ["body", "field"], "msg": "...", "type": "..."}]}

for invalid input (422), and {"detail": "..."} for 401, 403 and 404.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import field_validator

from grassroots.accounts import scope
from grassroots.history.models import Cause
from grassroots.history.services import Trace
from grassroots.org.models import Unit
from grassroots.paths import under

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9
# Record ids in paths: bounded so that no database overflows on a silly number.
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Pagination(LimitOffsetPagination):
    """limit/offset pagination: 50 items by default, at most 500."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def _items_count(self, queryset):
        """Exact up to COUNT_CAP; beyond it, COUNT_CAP + 1 ("more than"), so that a list
        of a national register never counts millions of rows per request."""
        from grassroots.paging import COUNT_CAP

        try:
            return queryset.order_by()[: COUNT_CAP + 1].count()
        except AttributeError:
            return min(len(queryset), COUNT_CAP + 1)


class Input(Schema):
    """Base of every request body and filter: text with NUL characters is refused (with
    the field named), since PostgreSQL cannot store them."""

    @field_validator("*", mode="after")
    @classmethod
    def no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("NUL characters are not allowed."))
        return value


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]


class MessageOut(Schema):
    detail: str


# Responses every authenticated route may give besides its own.
ERRORS = {401: MessageOut, 403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}
READ_ERRORS = {401: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


def user_of(request):
    """The user the API authenticated (by token or, for reads, by session)."""
    return request.auth


def trace_for(request):
    """The history trace of an API call: the user, cause 'api', the token's prefix."""
    token = getattr(request, "api_token", None)
    reference = token.prefix if token is not None else "session"
    return Trace(user=user_of(request), cause=Cause.API, reference=reference)


def invalid(source, field, message, kind="value_error"):
    """A 422 naming one field, in the same shape as ninja's own validation errors."""
    return NinjaValidationError([{"loc": [source, field], "msg": str(message), "type": kind}])


def service_errors(exc: DjangoValidationError, rename=None, source="body"):
    """A service's ValidationError as the API's 422, with API field names."""
    rename = rename or {}
    items = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            loc = [source] if field == "__all__" else [source, rename.get(field, field)]
            items.extend({"loc": loc, "msg": str(m), "type": "invalid"} for m in messages)
    else:
        items.extend({"loc": [source], "msg": str(m), "type": "invalid"} for m in exc.messages)
    return NinjaValidationError(items)


def clean_text(value, field, source="query"):
    """Text as given, refusing NUL characters (PostgreSQL cannot store them)."""
    if value is not None and "\x00" in value:
        raise invalid(source, field, _("NUL characters are not allowed."))
    return value


def unit_by_code(user, code, *, source="query", field="unit"):
    """A unit the user can see, by code; an unknown or unseen code is a 422 on that field.

    Used for filters and references in a body; a unit addressed in the path gives 404.
    """
    clean_text(code, field, source)
    unit = scope.units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise invalid(source, field, _("No unit with code %(code)s.") % {"code": code}, "not_found")
    return unit


def person_by_national_id(user, national_id, *, field="person"):
    """A person the user can see, named in a request body; otherwise a 422 on `field`."""
    from grassroots.people.models import Person

    national_id = (clean_text(national_id, field, "body") or "").strip().upper()
    person = scope.scoped(user, Person.objects.select_related("unit"), "unit")
    person = person.filter(national_id=national_id).first()
    if person is None:
        raise invalid(
            "body",
            field,
            _("No person with national ID %(id)s.") % {"id": national_id},
            "not_found",
        )
    return person


def in_subtree(queryset, user, code, unit_field="unit", field="unit"):
    """Narrow a scoped queryset to the subtree of the unit with `code` (None: no filter)."""
    if not code:
        return queryset
    unit = unit_by_code(user, code, field=field)
    return queryset.filter(under(unit.path, f"{unit_field}__path" if unit_field else "path"))


def in_date_range(queryset, date_field, start: dt.date | None, end: dt.date | None, names):
    """Rows whose `date_field` lies within [start, end] (either end open)."""
    if start and end and end < start:
        raise invalid("query", names[1], _("The end of the range lies before its start."))
    if start:
        queryset = queryset.filter(**{f"{date_field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{date_field}__lte": end})
    return queryset


def code_of(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


def only_given(payload: Schema, required=()) -> dict[str, Any]:
    """The fields a PATCH body actually carried; `required` fields may not be null."""
    changes = payload.model_dump(exclude_unset=True)
    for field in required:
        if field in changes and changes[field] is None:
            raise invalid("body", field, _("This field cannot be null."))
    return changes

"""Pieces every API router shares: pagination, the error shape, the trace, lookups.

The API is a thin layer over the same scope and services as the web app: a route parses
(the request schemas take their limits from the models: `api_fields`), looks records up
through `accounts.scope`, calls a service with an API `Trace`, and returns a schema.

Every 4xx answer has one shape, `Error`:

    {"detail": [{"loc": ["body", "national_id"], "msg": "...", "type": "..."}]}

- 400 `json_invalid`: the body is not JSON.
- 401 `not_authenticated`, 403 `permission_denied`.
- 404 `not_found`: the record in the path, or a unit, person or course named in the
  body or a filter, does not exist or lies outside the caller's units (`loc` says which).
- 409: the request fits the schema but a rule refuses it against the data held or the
  calendar: a duplicate key, an overlapping period, a date after today, an end before
  its start, a step the procedure does not allow. `type` is the rule's code.
- 422: the request does not fit the schema (type, length, pattern, vocabulary, range).
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

from grassroots import paging
from grassroots.accounts import scope
from grassroots.history.models import Access, Cause
from grassroots.history.services import Trace, record_access, record_reads
from grassroots.inputs import composed
from grassroots.org.models import Unit
from grassroots.paths import under

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9
# Record ids in paths: bounded so that no database overflows on a silly number.
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Pagination(LimitOffsetPagination):
    """limit/offset pagination: 50 items by default, at most 500; the count is exact up
    to 10,000, and 10,001 means "more than 10,000"."""

    class PageQuery(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    Input = PageQuery

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def _items_count(self, queryset):
        """Exact up to COUNT_CAP; beyond it, COUNT_CAP + 1 ("more than"), so that a list
        of a national register never counts millions of rows per request."""
        try:
            return queryset.order_by()[: paging.COUNT_CAP + 1].count()
        except AttributeError:
            return min(len(queryset), paging.COUNT_CAP + 1)


class ReadsPagination(Pagination):
    """Pagination that logs the people of the page it returns (history.Access), one row
    per person in one statement: `@paginate(ReadsPagination, what=..., shown=...)`, where
    `shown(item)` lists the people the item shows, each a person or a (person, unit) pair."""

    def __init__(self, *, what, shown, **kwargs):
        self.what, self.shown = what, shown
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        what = f"{self.what} ({request.get_full_path()})"
        shown = [entry for item in items for entry in self.shown(item)]
        record_reads(user_of(request), what=what, shown=shown)
        return {**page, "items": items}


def log_read(request, what, person, unit=None):
    """Log an API answer about one person (history.Access)."""
    return record_access(
        user_of(request),
        kind=Access.Kind.VIEW,
        what=f"{what} ({request.get_full_path()})",
        person=person,
        unit=unit,
    )


class Body(Schema):
    """Base of every request body: a field the schema does not name is refused."""

    model_config = ConfigDict(extra="forbid")


class Filters(Schema):
    """Base of every list's query parameters."""


class ErrorItem(Schema):
    loc: list[str | int] = Field(
        description='Where: ["body", field], ["query", parameter], ["path", parameter], '
        '["header", name], or [] for the request as a whole.'
    )
    msg: str = Field(description="What is wrong, in the caller's language.")
    type: str = Field(description="A code for the kind of problem, e.g. not_found.")


class Error(Schema):
    """Every 4xx answer: what is wrong, item by item, each naming its field."""

    detail: list[ErrorItem]


# The answers a route may give besides its own 2xx, by what the route does.
ANY = (401,)
READ_ONE = (401, 404, 422)
LIST = (401, 404, 422)
WRITE = (400, 401, 403, 404, 409, 422)


def responses(ok, codes):
    """{status: schema} for ninja: the route's own answer and the Error answers."""
    return {**ok, **dict.fromkeys(codes, Error)}


def links(status, **targets):
    """OpenAPI links from a route's answer to the routes that take the record it returns:
    `links(201, unit=("unit_detail", "code", "/code"))` says "call unit_detail with the
    code in this body". Clients (and schemathesis' stateful phase) follow them."""
    return {
        "responses": {
            status: {
                "links": {
                    name: {
                        "operationId": operation,
                        "parameters": {param: f"$response.body#{pointer}"},
                    }
                    for name, (operation, param, pointer) in targets.items()
                }
            }
        }
    }


class ApiError(Exception):
    """An answer with the Error shape: raised by routes, rendered by `grassroots.api`."""

    def __init__(self, status, items):
        super().__init__(items)
        self.status = status
        self.items = items


def item(loc, msg, kind):
    return {"loc": list(loc), "msg": str(msg), "type": kind}


def not_found(source, field, message):
    return ApiError(404, [item((source, field), message, "not_found")])


def invalid(source, field, message, kind="value_error"):
    """A 422 naming one field, in the same shape as the schema's own checks."""
    return NinjaValidationError([item((source, field), message, kind)])


# Codes of Django's field checks (length, pattern, vocabulary, blank, range, characters):
# a service that refuses a value for one of these means the value broke the schema.
FIELD_CODES = {
    "blank",
    "control_character",
    "invalid",
    "invalid_choice",
    "max_decimal_places",
    "max_digits",
    "max_length",
    "max_value",
    "max_whole_digits",
    "min_value",
    "null",
    "required",
}


def service_errors(exc: DjangoValidationError, rename=None, source="body"):
    """A service's ValidationError as the API's answer, with API field names: 422 when a
    value breaks a field's declared limits, otherwise 409 (a rule refused it)."""
    rename = rename or {}
    items, field_limit = [], False
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        if field in (None, "__all__"):
            loc = [source] if field == "__all__" else []
        else:
            loc = [source, rename.get(field, field)]
        for error in field_errors:
            field_limit = field_limit or error.code in FIELD_CODES
            for message in error.messages:
                items.append(item(loc, message, error.code or "conflict"))
    if field_limit:
        return NinjaValidationError(items)
    return ApiError(409, items)


def user_of(request):
    """The user the API authenticated (by token or, for reads, by session)."""
    return request.auth


def trace_for(request):
    """The history trace of an API call: the user, cause 'api', the token's prefix."""
    token = getattr(request, "api_token", None)
    reference = token.prefix if token is not None else "session"
    return Trace(user=user_of(request), cause=Cause.API, reference=reference)


def unit_by_code(user, code, *, source="query", field="unit"):
    """A unit the user can see, by code; an unknown or unseen code is a 404 on that field.

    Used for filters and references in a body; a unit addressed in the path gives 404 too.
    """
    unit = scope.units_visible_to(user).filter(code=composed(code)).first()
    if unit is None:
        raise not_found(source, field, _("No unit with code %(code)s.") % {"code": code})
    return unit


def in_subtree(queryset, user, code, unit_field="unit", field="unit"):
    """Narrow a scoped queryset to the subtree of the unit with `code` (None: no filter)."""
    if code is None:
        return queryset
    unit = unit_by_code(user, code, field=field)
    return queryset.filter(under(unit.path, f"{unit_field}__path" if unit_field else "path"))


def in_date_range(queryset, date_field, start: dt.date | None, end: dt.date | None):
    """Rows whose `date_field` lies within [start, end] (either end open; an end before
    the start is an empty range, not an error)."""
    if start and end and end < start:
        return queryset.none()
    if start:
        queryset = queryset.filter(**{f"{date_field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{date_field}__lte": end})
    return queryset


def code_of(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


def given(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body actually carried (the schema decides which may be null)."""
    return payload.model_dump(exclude_unset=True)

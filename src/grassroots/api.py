"""The REST API at /api/v1/: one NinjaAPI, one router per app, the web app's scope and services.

- Authentication: `Authorization: Bearer <token>` (tokens are made and revoked by their
  user in the app, or by an operator with `grassroots token`); a logged-in session may
  also read (GET), for the interactive docs.
- Every view is exempt from LoginRequiredMiddleware: the API answers 401 in JSON itself.
- Errors: every 4xx has the shape `api_common.Error`, naming the field
  (`{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`); `api_common` says
  which status means what.
- The schema (/api/v1/openapi.json) and the docs (/api/v1/docs) are public and load only
  this server's static files (Swagger UI ships with ninja). Component names are unique:
  building the schema fails if two different schemas would share one.
- /api/… without the version answers 308 to /api/v1/…, keeping the method and body.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.openapi.schema import OpenAPISchema

from grassroots.accounts.models import RoleAssignment
from grassroots.api_auth import AUTH
from grassroots.api_common import ANY, ApiError, item, responses, service_errors, user_of
from grassroots.conferences.api import router as conferences_router
from grassroots.core.errors import security_log
from grassroots.org.api import router as org_router
from grassroots.people.api import router as people_router
from grassroots.pipeline.api import router as pipeline_router
from grassroots.plans.api import router as plans_router
from grassroots.reports.api import router as reports_router
from grassroots.transfers.api import router as transfers_router

NAMESPACE = "api"
VERSION = "v1"


class LocalSwagger(Swagger):
    """Swagger UI from this server's files, never a CDN. ninja picks its CDN page when it
    is not an installed app, and it is not one here (see NINJA_DIR in settings)."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class GrassrootsAPI(NinjaAPI):
    """NinjaAPI whose URLs skip the login redirect, whose root leads to the docs, and
    whose schema refuses two different components of one name."""

    def _get_urls(self):
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                pattern = path("", api_root, name="api-root")
            login_not_required(pattern.callback)
            patterns.append(pattern)
        return patterns

    def get_openapi_operation_id(self, operation):
        """The route's URL name (`unit_detail`): short and stable for generated clients."""
        return getattr(operation, "url_name", None) or super().get_openapi_operation_id(operation)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return UniqueNamesSchema(self, path_prefix)


class UniqueNamesSchema(OpenAPISchema):
    """Ninja merges every model's definitions into one dict, so two enums both called
    `Kind` silently became one: a client then got the unit's kind wrong. Refuse it."""

    def add_schema_definitions(self, definitions):
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ValueError(f"Two different schemas are both named {name}")
        super().add_schema_definitions(definitions)


def api_root(request):
    return HttpResponseRedirect(reverse(f"{NAMESPACE}:openapi-view"))


api = GrassrootsAPI(
    title="Grassroots API",
    version="1",
    description=(
        "Units and their restructuring events, people, sources, courses, admissions and "
        "confirmations, transfers, targets, forecasts, conferences, their tasks and "
        "recognitions, and the reports, scoped like the web app. Authenticate with `Authorization: Bearer <token>` (create a token "
        "under your account). Lists take `limit` (default 50, at most 500) and `offset` "
        'and answer `{"items": [...], "count": N}`; N is exact up to 10,000 and 10,001 '
        'means "more than 10,000": page on with `offset` until a page comes back short. '
        "Every 4xx answer has the `Error` shape, naming the field: 400 the body is not "
        "JSON, 401 no valid token, 403 your role does not allow this, 404 a record in the "
        "path, body or filter is not there for you, 409 a rule refuses the request "
        "against the data held (a duplicate key, an overlap, a date after today), 422 the "
        "request does not fit this schema."
    ),
    auth=AUTH,
    urls_namespace=NAMESPACE,
    docs=LocalSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


def _error(request, status, items, headers=None):
    response = api.create_response(request, {"detail": items}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    message = _("Authentication required.")
    items = [item(("header", "Authorization"), message, "not_authenticated")]
    return _error(request, 401, items, {"WWW-Authenticate": "Bearer"})


@api.exception_handler(Http404)
def not_found(request, exc):
    """A record addressed in the path that is missing or out of the caller's sight."""
    match = getattr(request, "resolver_match", None)
    names = list(match.kwargs) if match else []
    loc = ("path", names[-1]) if names else ()
    return _error(request, 404, [item(loc, _("Not found."), "not_found")])


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    user = getattr(request, "auth", None)
    security_log.warning(
        "forbidden: user=%s method=%s path=%s",
        user.get_username() if user is not None else "-",
        request.method,
        request.path,
    )
    message = _("Your role does not allow this here.")
    return _error(request, 403, [item((), message, "permission_denied")])


@api.exception_handler(ApiError)
def api_error(request, exc):
    return _error(request, exc.status, exc.items)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """Ninja's own refusals: a body that is not JSON (400), and the rest as they come."""
    if exc.status_code == 400 and isinstance(exc.__cause__, RequestDataTooBig):
        message = _("The body is larger than this server takes (%(limit)d bytes).") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
        return _error(request, 400, [item(("body",), message, "body_too_large")])
    if exc.status_code == 400:
        message = _("The body is not valid JSON.")
        return _error(request, 400, [item(("body",), message, "json_invalid")])
    return _error(request, exc.status_code, [item((), str(exc), "http_error")])


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    """422 naming the field as the client sent it: the body parameter's own name (every
    route calls it `payload`) is dropped, and only loc, msg and type are kept."""
    items = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        kind = error.get("type", "value_error")
        message = _schema_message(kind, error.get("ctx") or {})
        items.append(item(loc, message or error.get("msg", ""), kind))
    return _error(request, 422, items)


def _schema_message(kind, ctx):
    """The schema's own refusals (pydantic's, in English, a pattern shown as a regular
    expression) in the caller's language; None keeps pydantic's words."""
    if kind in ("string_too_long", "too_long"):
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("At least %(n)s characters.") % {"n": ctx.get("min_length", "?")}
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(n)s.") % {"n": ctx.get("le", ctx.get("lt", "?"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in ("enum", "literal_error"):
        return _("One of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "value_error" and ctx.get("error"):
        # Our own validators' words, already in the caller's language; pydantic would
        # put "Value error, " in English before them.
        return str(ctx["error"])
    return {
        "missing": _("This field is required."),
        "string_pattern_mismatch": _(
            "The value is blank or holds a character or form this field does not take."
        ),
        # A lone surrogate sent as a JSON escape ("\ud800"): no character at all.
        "string_unicode": _(
            "The value is blank or holds a character or form this field does not take."
        ),
        "string_type": _("A text is required."),
        "int_parsing": _("A whole number is required."),
        "int_type": _("A whole number is required."),
        "int_from_float": _("A whole number is required."),
        "bool_parsing": _("true or false is required."),
        "bool_type": _("true or false is required."),
        "date_parsing": _("A date (YYYY-MM-DD) is required."),
        "date_from_datetime_parsing": _("A date (YYYY-MM-DD) is required."),
        "date_from_datetime_inexact": _("A date (YYYY-MM-DD) is required."),
        "date_type": _("A date (YYYY-MM-DD) is required."),
        "extra_forbidden": _("This field is not taken here."),
        "list_type": _("A list is required."),
        "dict_type": _("An object is required."),
        "model_attributes_type": _("An object is required."),
        "json_invalid": _("The body is not valid JSON."),
    }.get(kind)


@api.exception_handler(DjangoValidationError)
def invalid(request, exc):
    # A service raised it without the route translating it: keep its field names.
    translated = service_errors(exc)
    if isinstance(translated, ApiError):
        return api_error(request, translated)
    return invalid_input(request, translated)


class RoleOut(Schema):
    role: str
    unit: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    token: str | None
    roles: list[RoleOut]


@api.get("/me", response=responses({200: MeOut}, ANY), tags=["me"], url_name="me")
def me(request):
    """Who the token (or session) belongs to, and the roles the scope is built from."""
    user = user_of(request)
    token = getattr(request, "api_token", None)
    roles = RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__path")
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "token": token.prefix if token is not None else None,
        "roles": [{"role": r.role, "unit": r.unit.code} for r in roles],
    }


for _router in (
    org_router,
    people_router,
    pipeline_router,
    transfers_router,
    plans_router,
    reports_router,
    conferences_router,
):
    api.add_router("", _router)


@login_not_required
@csrf_exempt  # it only redirects: the request is checked where it arrives
def unversioned(request, rest=""):
    """/api/… from before the version: 308 to /api/v1/…, which keeps the method and the
    body, so that a client's POST or PATCH arrives as it was sent."""
    target = reverse(f"{NAMESPACE}:api-root") + rest
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(
        f"{target}?{query}" if query else target, preserve_request=True
    )

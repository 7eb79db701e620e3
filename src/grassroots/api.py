"""The REST API at /api/: one NinjaAPI, one router per app, the web app's scope and services.

- Authentication: `Authorization: Bearer <token>` (tokens are made and revoked by their
  user in the app); a logged-in session may also read (GET), for the interactive docs.
- Every view is exempt from LoginRequiredMiddleware: the API answers 401 in JSON itself.
- Errors: 401/403/404 as {"detail": "..."}; invalid input as 422 with
  {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}, for ninja's own checks and
  for the services' ValidationErrors alike.
- The schema (/api/openapi.json) and the docs (/api/docs) are public and load only this
  server's static files (Swagger UI ships with ninja).
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from grassroots.accounts.models import RoleAssignment
from grassroots.api_auth import AUTH
from grassroots.api_common import MessageOut, service_errors, user_of
from grassroots.org.api import router as org_router
from grassroots.people.api import router as people_router
from grassroots.pipeline.api import router as pipeline_router
from grassroots.plans.api import router as plans_router
from grassroots.transfers.api import router as transfers_router

NAMESPACE = "api"


class GrassrootsAPI(NinjaAPI):
    """NinjaAPI whose URLs skip the login redirect and whose root leads to the docs."""

    def _get_urls(self):
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                pattern = path("", api_root, name="api-root")
            login_not_required(pattern.callback)
            patterns.append(pattern)
        return patterns


def api_root(request):
    return HttpResponseRedirect(reverse(f"{NAMESPACE}:openapi-view"))


api = GrassrootsAPI(
    title="Grassroots API",
    version="1",
    description=(
        "Units, people, sources, courses, admissions, transfers and targets, scoped like "
        "the web app. Authenticate with `Authorization: Bearer <token>` (create a token "
        "under your account). Lists take `limit` (default 50, at most 500) and `offset`."
    ),
    auth=AUTH,
    urls_namespace=NAMESPACE,
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


def _json(request, status, detail, headers=None):
    response = api.create_response(request, {"detail": detail}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _json(request, 401, _("Authentication required."), {"WWW-Authenticate": "Bearer"})


@api.exception_handler(Http404)
def not_found(request, exc):
    return _json(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _json(request, 403, _("Your role does not allow this here."))


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    """422 with {"loc": ["body", "field"], ...}: the body parameter's own name (every
    route calls it `payload`) is dropped, so that the field is named as the client sent it."""
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 2 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        errors.append({**error, "loc": loc})
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid(request, exc):
    # A service raised it without the route translating it: keep its field names.
    return invalid_input(request, service_errors(exc))


class RoleOut(Schema):
    role: str
    unit: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    token: str | None
    roles: list[RoleOut]


@api.get("/me", response={200: MeOut, 401: MessageOut}, tags=["me"], url_name="me")
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


for _router in (org_router, people_router, pipeline_router, transfers_router, plans_router):
    api.add_router("", _router)

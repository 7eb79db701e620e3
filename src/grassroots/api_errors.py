"""4xx answers under /api/ that no route gives, in the API's Error shape (a middleware).

Kept apart from `api_common` so that loading the middleware imports neither ninja nor
pydantic."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _


def item(loc, msg, kind):
    return {"loc": list(loc), "msg": str(msg), "type": kind}


API_PREFIX = "/api/"


def json_errors(get_response):
    """Every 4xx under /api/ has the Error shape, also those Django gives before or instead
    of a route: an unknown path (404), a method the route does not take (405), a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE refused while it is read (400)."""

    def middleware(request):
        response = get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _as_error(request, response)
        return response

    return middleware


def _as_error(request, response):
    status = response.status_code
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if status == 400 and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        message = _("The body is larger than this server takes (%(limit)d bytes).") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
        detail = [item(("body",), message, "body_too_large")]
    elif status == 404:
        detail = [item(("path",), _("Not found."), "not_found")]
    elif status == 405:
        message = _("This path does not take %(method)s.") % {"method": request.method}
        detail = [item(("method",), message, "method_not_allowed")]
    else:
        detail = [item((), _("The request was refused."), "http_error")]
    answer = JsonResponse({"detail": detail}, status=status)
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in response:
            answer[header] = response[header]
    for header in ("Cache-Control",):
        if header in response:
            answer[header] = response[header]
    return answer

"""Error pages in the user's language, without stack traces."""

import logging

from django.shortcuts import render

# Refused actions (403) are security events: a role trying what it may not.
security_log = logging.getLogger("grassroots.security")


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    user = getattr(request, "user", None)
    security_log.warning(
        "forbidden: user=%s method=%s path=%s",
        user.get_username() if user is not None and user.is_authenticated else "-",
        request.method,
        request.path,
    )
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid security token (an old tab, cookies refused): said in
    the user's language, with the way out, never Django's developer text."""
    security_log.warning("csrf failure: path=%s reason=%s", request.path, reason)
    return render(request, "errors/csrf.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)

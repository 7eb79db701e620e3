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


def server_error(request):
    return render(request, "errors/500.html", status=500)

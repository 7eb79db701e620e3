"""Sessions that end after a time without use, and after a maximum time in any case."""

import time

from django.conf import settings
from django.contrib.auth import logout

# Renew the session's expiry at most this often, so that a page view does not write the
# session row every time (the expiry is SESSION_COOKIE_AGE after the last renewal).
RENEW_AFTER_SECONDS = 60
LAST_SEEN = "grassroots_last_seen"
LOGGED_IN_AT = "grassroots_logged_in_at"


def note_login(sender, request, user, **kwargs):
    """user_logged_in: the log-in is the session's first activity (no renewal right after)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LAST_SEEN] = now
        request.session[LOGGED_IN_AT] = now


def idle_session(get_response):
    """A logged-in session expires SESSION_COOKIE_AGE seconds after its last request
    (SESSION_IDLE_MINUTES): each request at least a minute after the last renewal renews it.
    Whatever its use, it ends SESSION_MAX_HOURS after the log-in (the user logs in again)."""

    def middleware(request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(LOGGED_IN_AT, now) >= settings.SESSION_MAX_SECONDS:
                logout(request)
                return get_response(request)
            last = session.get(LAST_SEEN)
            if last is None or now - last >= min(RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE):
                session[LAST_SEEN] = now
        return get_response(request)

    return middleware

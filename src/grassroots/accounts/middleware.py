"""Sessions that end after a time without use, and after a maximum time in any case."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation

from .services import profile_of

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


# Read from the profile once, at log-in, so that no page pays a query for them.
MUST_CHANGE_PASSWORD = "grassroots_must_change_password"
LANGUAGE = "grassroots_language"

# Where a user with a one-time password may still go: the page that changes it, and out.
OPEN_WITH_ONE_TIME_PASSWORD = (
    "accounts:password_change",
    "accounts:password_change_done",
    "logout",
    "set_language",
)


def note_profile(sender, request, user, **kwargs):
    """user_logged_in: remember in the session the account's language and whether its
    password is a one-time one."""
    if request is None or not hasattr(request, "session"):
        return
    profile = profile_of(user)
    request.session[MUST_CHANGE_PASSWORD] = profile.must_change_password
    if profile.language:
        request.session[LANGUAGE] = profile.language


def account_preferences(get_response):
    """Pages in the account's own language (chosen on My account or in the menu, kept on
    the profile); and, while the password is a one-time one set by an administrator,
    every page leads to the page that changes it."""

    def middleware(request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return get_response(request)
        language = session.get(LANGUAGE)
        if not language or language == request.LANGUAGE_CODE:
            return respond(request, session)
        # Only for this request: the thread serves other users next.
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = respond(request, session)
        response.headers["Content-Language"] = language
        return response

    def respond(request, session):
        if session.get(MUST_CHANGE_PASSWORD) and not _open_anyway(request):
            if request.headers.get("HX-Request"):
                # A piece of a page (the menu's badge): nothing, rather than the
                # password page swapped into it.
                return HttpResponse(status=204)
            return redirect("accounts:password_change")
        return get_response(request)

    return middleware


def _open_anyway(request):
    if request.path.startswith(("/api/", settings.STATIC_URL or "/static/")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_WITH_ONE_TIME_PASSWORD

"""Log-in that resists guessing: throttling and lock-out (django-axes), and the record of
failed log-ins for the administrators above the account (accounts.LoginFailure).

Settings: LOGIN_FAILURE_LIMIT failures in a row for one account or from one address lock
it for LOGIN_LOCKOUT_MINUTES (settings.AXES_*); `grassroots unlock` lifts a lock-out.
"""

import datetime as dt

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils import timezone

from . import services
from .models import LoginFailure

# Set on a request whose log-in the lock-out refused before the password was checked.
REFUSED = "grassroots_login_refused"


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a log-in while its account or its address is locked out, and marks the
    request so that the failure is recorded as refused, not as a wrong password.
    Authentication without a request (a script calling authenticate()) is not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, REFUSED, True)
            raise


def client_address(request):
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def locked_until(request, username):
    """When the lock-out on this account or this address ends."""
    latest = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=client_address(request))
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + (get_cool_off(request) or dt.timedelta())


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out log-in gets (429), saying when to try again."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(request, username)
    wait = max(1, int((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {"until": until, "minutes": -(-wait // 60)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Django's user_login_failed: a wrong password or code, or a refusal by the lock-out."""
    if request is None:
        return
    kind = (
        LoginFailure.Kind.REFUSED if getattr(request, REFUSED, False) else LoginFailure.Kind.FAILED
    )
    services.login_failure_record(
        username=(credentials or {}).get("username") or "",
        ip_address=client_address(request),
        kind=kind,
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    """axes' user_locked_out: sent when a failure starts a lock-out (and again for every
    refusal during it, which on_login_failed has recorded already)."""
    if getattr(request, REFUSED, False):
        return
    services.login_failure_record(
        username=username or "", ip_address=ip_address, kind=LoginFailure.Kind.LOCKED_OUT
    )

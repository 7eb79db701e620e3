"""The optional second factor: a time-based one-time code (TOTP, django-otp) from an
authenticator app, for administrators and organisation committees.

Enrolment shows a QR code the app renders itself (segno, as inline SVG: no outside
service) and the secret for typing in by hand; the device counts once a code from it has
been typed back. From then on log-in asks for a code as well as the password
(accounts.forms.LoginForm). Each step is a service that writes history.
"""

import base64

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from grassroots.history.models import Change
from grassroots.history.services import record_change

from . import scope
from .models import Role, RoleAssignment

DEVICE_NAME = "authenticator"
# The roles whose holders may protect their account with a second factor.
OFFICER_ROLES = (Role.ADMINISTRATOR, Role.ORGANISATION_COMMITTEE)


def may_use(user):
    """Administrators and organisation committees (of any unit), and superusers."""
    if scope.is_everywhere(user):
        return True
    return RoleAssignment.objects.filter(user=user, role__in=OFFICER_ROLES).exists()


def device_of(user, confirmed=True):
    """The user's authenticator (confirmed, or the one being set up), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def verify(device, token):
    """Does the code match? django-otp throttles repeated wrong codes per device and
    refuses a code that was used already."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return False
    allowed, _extra = device.verify_is_allowed()
    return bool(allowed and device.verify_token(token))


def secret_of(device):
    """The key as the base32 text an authenticator app accepts when typed in."""
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device):
    """The otpauth:// URL as a QR code, inline SVG (no style attributes: CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def _record(trace, user, before, after):
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"second_factor": before},
        after={"second_factor": after},
    )


@transaction.atomic
def totp_begin(*, trace, user):
    """Start setting up an authenticator: a new secret, not yet in force."""
    if not may_use(user):
        raise PermissionDenied
    if device_of(user) is not None:
        raise ValidationError(_("A second factor is set up already."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, trace, user, token):
    """Put the authenticator in force once it shows a code that matches."""
    device = device_of(user, confirmed=False)
    if device is None:
        raise ValidationError(_("Start the set-up again."))
    if not verify(device, token):
        raise ValidationError({"token": [_("The code does not match. Try the next one.")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _record(trace, user, "off", "on")
    return device


@transaction.atomic
def totp_remove(*, trace, user, token):
    """Switch the second factor off, proven by a current code."""
    device = device_of(user)
    if device is None:
        raise ValidationError(_("No second factor is set up."))
    if not verify(device, token):
        raise ValidationError({"token": [_("The code does not match. Try the next one.")]})
    TOTPDevice.objects.filter(user=user).delete()
    _record(trace, user, "on", "off")

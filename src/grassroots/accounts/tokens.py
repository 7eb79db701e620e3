"""API tokens: shown once at creation, stored only as their SHA-256 digest."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.history.models import Change
from grassroots.history.services import Trace, record_change
from grassroots.inputs import field_errors

from .models import ApiToken

TOKEN_PREFIX = "gr_"


def digest_of(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def token_create(user, name, *, trace=None):
    """Create a token for `user`; returns (ApiToken, plaintext). The plaintext is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    errors = field_errors(ApiToken(name=name), ("name",))
    if errors:
        raise ValidationError(errors)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plaintext[:8], digest=digest_of(plaintext)
    )
    record_change(
        trace or Trace(user=user),
        token,
        action=Change.Action.CREATE,
        after={"name": token.name, "prefix": token.prefix, "user": user.get_username()},
    )
    return token, plaintext


@transaction.atomic
def token_revoke(token, *, trace=None):
    """Revoke a token (idempotent); it stops working at once."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            trace or Trace(user=token.user),
            token,
            action=Change.Action.UPDATE,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
    return token


# How often the last use is written: once a minute is exact enough for the profile page,
# and an API client making many calls does not write a row on each.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_for(plaintext):
    """The unrevoked token of an active user for this plaintext (user loaded), or None.
    Notes when it was last used."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_for_token(plaintext):
    """The active user owning this unrevoked token, or None. Notes when it was last used."""
    token = token_for(plaintext)
    return token.user if token is not None else None

"""Erasing a person who never became a member (docs/personal-data.md, "Erasure").

History is never deleted by normal action. Erasure is the one administrative exception:
for someone who was only ever a source or candidate (no membership, admission or
transfer), their pipeline records are deleted, their personal fields are replaced by a
tombstone, and the values kept in history about them are blanked. The rows of history
themselves stay (who changed or read what, when), so the record of work is not lost.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history import selectors as history_selectors
from grassroots.history.models import Access, Change
from grassroots.history.services import record_change, snapshot

from .models import Person

ERASED = "[erased]"
TOMBSTONE_BIRTH_DATE = dt.date(1900, 1, 1)


def erased_national_id(national_id):
    """The tombstone's ID: a keyed hash of the real one ('X' + 19 hex digits).

    Keyed with SECRET_KEY so that the 12-digit IDs cannot be recovered by trying them all;
    with the same key an officer can still answer "was this ID erased?".
    """
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, national_id.upper().encode(), hashlib.sha256).hexdigest()
    return ("X" + digest[:19]).upper()


def may_erase(user):
    """Superusers and administrators of a root unit."""
    return scope.is_everywhere(user) or scope.holds_root(user, Action.MANAGE_ACCOUNTS)


def _blank(values):
    if not isinstance(values, dict):
        return values
    return {key: ERASED for key in values}


@transaction.atomic
def person_erase(*, trace, person, reason):
    """Erase a person who never became a member; returns the tombstoned person.

    Refuses (PermissionDenied) unless the actor may erase, (Http404) a person outside the
    actor's units, and (ValidationError) a person with a membership, admission or
    transfer, one already erased, or an empty reason.
    Deletes their sources, enrolments, dossiers and steps (scans after commit), replaces
    their personal fields by a tombstone, blanks the values that history and the access
    log hold about them, and writes one Change row with the reason.
    """
    if not may_erase(trace.user):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    # An administrator of one root unit erases only the people below it (or without a
    # unit): a person of another tree is out of sight, as one that does not exist (404).
    scope.require(trace.user, Action.MANAGE_ACCOUNTS, person.unit)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the erasure.")]
    if person.full_name == ERASED:
        errors["person"] = [_("This person has already been erased.")]
    elif person.memberships.exists() or person.admissions.exists() or person.transfers.exists():
        errors["person"] = [
            _("%(person)s has been a member: members' records are kept, not erased.")
            % {"person": person}
        ]
    if errors:
        raise ValidationError(errors)

    # What the apps above keep about the person goes with them (history/subjects.py:
    # the record kinds registered as erasable), with the files of those records.
    records, scans = {}, []
    for label, queryset in history_selectors.erasable_records(person):
        rows = list(queryset)
        records[label] = [row.pk for row in rows]
        for row in rows:
            scans += [
                getattr(row, field.name)
                for field in row._meta.concrete_fields
                if isinstance(field, models.FileField) and getattr(row, field.name)
            ]
        queryset.delete()
    for scan in scans:
        transaction.on_commit(lambda scan=scan: scan.storage.delete(scan.name))

    old_id = person.national_id
    _blank_history(person, records)
    Access.objects.filter(what__contains=old_id).update(what=f"{ERASED} ({_('erased person')})")

    person.national_id = erased_national_id(old_id)
    person.full_name = ERASED
    person.gender = ""
    person.birth_date = TOMBSTONE_BIRTH_DATE
    for field in (
        "ethnicity",
        "religion",
        "education",
        "occupation",
        "job_title",
        "phone",
        "email",
        "address",
    ):
        setattr(person, field, "")
    person.ethnic_minority = False
    person.youth_union = False
    person.save()
    person.refresh_from_db()
    record_change(
        trace,
        person,
        action=Change.Action.UPDATE,
        before={"deleted": {model: len(pks) for model, pks in records.items()}},
        after=snapshot(person),
        reason=reason.strip(),
    )
    return person


def _blank_history(person, records):
    """Keep every history row, but blank the values it holds about the person."""
    about = Q(model="people.person", object_id=str(person.pk))
    for model, pks in records.items():
        if pks:
            about |= Q(model=model, object_id__in=[str(pk) for pk in pks])
    changes = list(Change.objects.filter(about))
    for change in changes:
        change.before = _blank(change.before)
        change.after = _blank(change.after)
        change.object_repr = ERASED
    Change.objects.bulk_update(changes, ["before", "after", "object_repr"], batch_size=500)

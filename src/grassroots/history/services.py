"""Writing history: every service calls `record_change` inside its own transaction.

A `Trace` says who acts and why (form, import, API, command) and travels from the view,
command or importer into the service, so the same service records the right cause.
"""

import dataclasses
import datetime as dt
import decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import Access, Cause, Change


@dataclasses.dataclass(frozen=True)
class Trace:
    """Who is acting and through what: passed to every service that changes data."""

    user: object = None
    cause: str = Cause.FORM
    reference: str = ""
    reason: str = ""

    @classmethod
    def command(cls, name, user=None):
        return cls(user=user, cause=Cause.COMMAND, reference=name)

    @classmethod
    def system(cls, reference=""):
        return cls(cause=Cause.SYSTEM, reference=reference)

    @property
    def actor(self):
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or getattr(value, "national_id", None) or str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(obj, fields=None):
    """The record's editable fields as JSON-friendly values; foreign keys by code or name."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in {"path", "depth", "numchild"}:
            continue
        if fields is not None and field.name not in fields:
            continue
        if field.is_relation:
            value = getattr(obj, field.name)
        else:
            value = field.value_from_object(obj)
        data[field.name] = _plain(value)
    return data


def change_row(trace, obj, *, action, before=None, after=None, reason=""):
    """The history row for `obj`, unsaved (bulk writers save many at once)."""
    if after is None and action != Change.Action.DELETE:
        after = snapshot(obj)
    return Change(
        actor=trace.actor,
        cause=trace.cause,
        reference=trace.reference[:120],
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:240],
        before=before,
        after=after,
        reason=reason or trace.reason,
    )


def record_change(trace, obj, *, action, before=None, after=None, reason=""):
    """Write one history row for `obj`. Call inside the service's transaction."""
    row = change_row(trace, obj, action=action, before=before, after=after, reason=reason)
    if action == Change.Action.UPDATE and row.before == row.after:
        return None
    row.save()
    return row


def record_changes(rows):
    """Save many history rows from `change_row` in one go (unchanged updates left out)."""
    rows = [
        row for row in rows if not (row.action == Change.Action.UPDATE and row.before == row.after)
    ]
    Change.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def record_access(user, *, kind, what, unit_path=""):
    """Log a read or export of personal data."""
    actor = user if getattr(user, "is_authenticated", False) else None
    return Access.objects.create(actor=actor, kind=kind, what=str(what)[:240], unit_path=unit_path)


def reassigned_rows(trace, records, *, field, to):
    """Unsaved history rows for records whose `field` (a foreign key to a unit) is about to
    point to `to`: before and after name the units by code."""
    rows = []
    for record in records:
        old = getattr(record, field)
        rows.append(
            change_row(
                trace,
                record,
                action=Change.Action.UPDATE,
                before={field: old.code if old is not None else None},
                after={field: to.code},
            )
        )
    return rows

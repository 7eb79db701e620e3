"""Writing history: every service calls `record_change` inside its own transaction.

A `Trace` says who acts and why (form, import, API, command) and travels from the view,
command or importer into the service, so the same service records the right cause.
"""

import dataclasses
import datetime as dt
import decimal
import json

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from grassroots import bulk

from . import generation
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
        # By a key that reads the same in every language: a record's name may hold a
        # translated label (a membership's is its status), which would stay in the
        # language of whoever made the change.
        return (
            getattr(value, "code", None)
            or getattr(value, "national_id", None)
            or getattr(value, "history_key", None)
            or str(value)
        )
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
    generation.data_changed()
    return row


def record_changes(rows):
    """Save many history rows from `change_row` in one go (unchanged updates left out)."""
    rows = [
        row for row in rows if not (row.action == Change.Action.UPDATE and row.before == row.after)
    ]
    Change.objects.bulk_create(rows, batch_size=2000)
    if rows:
        generation.data_changed()
    return len(rows)


CHANGE_COLUMNS = (
    "at",
    "actor_id",
    "cause",
    "reference",
    "action",
    "model",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
)


def insert_changes(trace, model, action, changes):
    """Write many history rows of one kind at once, without model instances (the services'
    bulk variants: `people.services.person_bulk_create`). `changes` yields
    (object id, record as text, before, after), snapshots as `snapshot` makes them;
    returns how many were written. Call inside the service's transaction."""
    at = bulk.adapt_datetime(timezone.now())
    actor = trace.actor
    fixed = (
        at,
        actor.pk if actor is not None else None,
        trace.cause,
        trace.reference[:120],
        action,
        model._meta.label_lower,
    )
    reason = trace.reason
    dumps = json.dumps
    rows = (
        (
            *fixed,
            str(object_id),
            str(text)[:240],
            None if before is None else dumps(before),
            None if after is None else dumps(after),
            reason,
        )
        for object_id, text, before, after in changes
    )
    generation.data_changed()
    return bulk.insert_rows(Change, CHANGE_COLUMNS, rows)


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


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def record_access(user, *, kind, what, person=None, unit=None):
    """Log one read or export of personal data: about `person` (filed under their unit
    unless `unit` is given) or about the data of `unit` (an export, a report)."""
    if unit is None and person is not None:
        unit_id = person.unit_id
    else:
        unit_id = unit.pk if unit is not None else None
    access = Access.objects.create(
        actor=_actor(user),
        kind=kind,
        what=str(what)[:240],
        person_id=person.pk if person is not None else None,
        unit_id=unit_id,
    )
    generation.note_reads([(access.kind, access.what, access.person_id, access.unit_id)])
    return access


ACCESS_COLUMNS = ("at", "actor_id", "kind", "what", "person_id", "unit_id")


def record_reads(user, *, what, shown, kind=Access.Kind.VIEW):
    """Log the people a page or an API list showed: one row per person, all written in
    one statement, without model instances (`bulk.insert_values`: a list page logs fifty
    rows on every view). `shown` holds people or (person, unit) pairs, the unit a Unit or
    its id; it defaults to the person's own (a source is filed under the nominating unit,
    a transfer under its sending unit, so that the officers responsible for the record
    see the read). None items (an empty mentor) are skipped. Returns how many rows."""
    actor = _actor(user)
    fixed = (
        bulk.adapt_datetime(timezone.now()),
        actor.pk if actor is not None else None,
        str(kind),
        str(what)[:240],
    )
    rows, seen = [], set()
    for item in shown:
        person, unit = item if isinstance(item, tuple) else (item, None)
        if person is None:
            continue
        if unit is None:
            unit_id = person.unit_id
        else:
            unit_id = unit if isinstance(unit, int) else unit.pk
        if (person.pk, unit_id) in seen:
            continue
        seen.add((person.pk, unit_id))
        rows.append((*fixed, person.pk, unit_id))
    generation.note_reads([row[2:] for row in rows])
    return bulk.insert_values(Access, ACCESS_COLUMNS, rows) if rows else 0

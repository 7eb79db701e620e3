"""Reading history: a change is shown to whoever may see the record it is about, now.

Nothing about a record's place is copied into its history rows. When a change is read,
`history.subjects` says how that kind of record is scoped, and `accounts.scope` decides
against the tree as it stands: a person who moved to another cell takes their history with
them, a unit moved in the tree takes its records', and a sibling inserted beside a cell
changes nothing.
"""

import functools
import operator

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from grassroots.accounts import scope

from . import subjects
from .models import Access, Change


def _visible_ids(user, subject, records=None):
    """The ids (as text, like Change.object_id) of the subject's records the user sees."""
    model = apps.get_model(subject.label)
    records = model.objects.all() if records is None else records
    visible = functools.reduce(
        operator.or_,
        [scope.scoped(user, records, unit_field=unit_field) for unit_field in subject.units],
    )
    return visible.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def visible_changes(user, changes):
    """`changes` narrowed to those about records the user may see now."""
    if scope.is_everywhere(user) or scope.holds_every_root(user):
        return changes
    query = Q(pk__in=[])
    for subject in subjects.registered().values():
        query |= Q(model=subject.label, object_id__in=_visible_ids(user, subject))
    return changes.filter(query)


def changes_for(user, *, model="", cause=""):
    """Changes to records in the user's units, newest first."""
    changes = Change.objects.select_related("actor")
    if model:
        changes = changes.filter(model=model)
    if cause:
        changes = changes.filter(cause=cause)
    return visible_changes(user, changes)


def changes_about_person(user, person):
    """Changes to the person and to every record about them that the user may see."""
    query = Q(model="people.person", object_id=str(person.pk))
    for subject in subjects.registered().values():
        if not subject.person:
            continue
        model = apps.get_model(subject.label)
        records = model.objects.filter(**{subject.person: person})
        query |= Q(model=subject.label, object_id__in=_visible_ids(user, subject, records))
    return Change.objects.filter(query).select_related("actor")


def changes_about(model_label, object_id):
    """Changes to one record (the caller has checked that the user may see it)."""
    return Change.objects.filter(model=model_label, object_id=str(object_id)).select_related(
        "actor"
    )


def changes_with_reference(reference):
    """Every change that one cause (an import, a restructuring event) made."""
    return Change.objects.filter(reference=reference).select_related("actor")


def models_for(user):
    """The record types that occur in the user's history, for the filter."""
    return sorted(changes_for(user).order_by().values_list("model", flat=True).distinct())


def may_read_access_log(user):
    return scope.is_everywhere(user) or bool(scope.paths_for(user, scope.Action.MANAGE_ACCOUNTS))


def accesses_for(user, *, kind=""):
    """Reads and exports of personal data in the units where the user manages accounts.
    Exports of lists that span no single unit (unit_path '') only for root holders."""
    accesses = Access.objects.select_related("actor")
    if not scope.is_everywhere(user):
        query = scope.unit_q(user, scope.Action.MANAGE_ACCOUNTS, "unit_path")
        if scope.holds_root(user, scope.Action.MANAGE_ACCOUNTS):
            query |= Q(unit_path="")
        accesses = accesses.filter(query)
    if kind:
        accesses = accesses.filter(kind=kind)
    return accesses

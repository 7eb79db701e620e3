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
        [
            scope.scoped(user, records, unit_field=unit_field, action=subject.action)
            for unit_field in subject.units
        ],
    )
    return visible.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def visible_changes(user, changes):
    """`changes` narrowed to those about records the user may see now (with the action
    their kind is read with: accounts by their administrators)."""
    if scope.is_everywhere(user):
        return changes
    registered = subjects.registered().values()
    if scope.holds_every_root(user):
        # The whole tree: every kind of record but those read with an action the user
        # does not hold everywhere, which are narrowed as for anyone.
        narrowed = [s for s in registered if not scope.holds_every_root(user, s.action)]
        if not narrowed:
            return changes
        query = ~Q(model__in=[s.label for s in narrowed])
        for subject in narrowed:
            query |= Q(model=subject.label, object_id__in=_visible_ids(user, subject))
        return changes.filter(query)
    query = Q(pk__in=[])
    for subject in registered:
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


def records_about_person(user, person):
    """[(export key, records the user sees, how many there are in all)] for every record
    kind registered with an export key (history/subjects.py), in registration order."""
    found = []
    for subject in subjects.registered().values():
        if not (subject.person and subject.export):
            continue
        model = apps.get_model(subject.label)
        records = model.objects.filter(**{subject.person: person})
        visible = functools.reduce(
            operator.or_,
            [
                scope.scoped(user, records, unit_field=unit_field, action=subject.action)
                for unit_field in subject.units
            ],
        )
        found.append((subject.export, visible.distinct().order_by("pk"), records.count()))
    return found


def erasable_records(person):
    """[(model label, queryset)] of what is erased with a person who never became a member,
    dependants first (reverse order of registration)."""
    return [
        (subject.label, apps.get_model(subject.label).objects.filter(**{subject.person: person}))
        for subject in reversed(list(subjects.registered().values()))
        if subject.erasable and subject.person
    ]


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


# Keys under which a change's before/after name a person by national ID.
PERSON_KEYS = ("national_id", "person", "mentor")


def people_named(changes):
    """The people a page of changes shows: the people changed, and those a record's
    values name by national ID (a source's person and mentor, a transfer's member).
    One query; the person model is the one `Access.person` refers to."""
    Person = Access._meta.get_field("person").related_model
    pks, national_ids = set(), set()
    for change in changes:
        if change.model == Person._meta.label_lower and change.object_id.isdigit():
            pks.add(int(change.object_id))
        for values in (change.before or {}, change.after or {}):
            for key in PERSON_KEYS:
                if isinstance(values.get(key), str) and values[key]:
                    national_ids.add(values[key])
    if not pks and not national_ids:
        return []
    return list(Person.objects.filter(Q(pk__in=pks) | Q(national_id__in=national_ids)))


REVIEW = scope.Action.REVIEW_ACCESS


def may_read_access_log(user):
    """Officers (organisation committee, administrator) of some unit, and superusers."""
    return scope.is_everywhere(user) or bool(scope.paths_for(user, REVIEW))


def accesses_for(user, *, kind="", person="", actor=""):
    """Reads and exports of personal data below the units where the user reviews access.

    Scoped when read, against the tree as it stands: a row is shown when the unit it is
    filed under, or the current unit of the person it names, lies in the reviewer's
    subtree. Rows about no unit (a person without a unit, a register-wide export) only to
    reviewers of a root unit. `person` is a national ID, `actor` a user name.
    """
    accesses = Access.objects.select_related("actor", "person", "unit")
    if not scope.is_everywhere(user):
        query = scope.unit_q(user, REVIEW, "unit__path") | scope.unit_q(
            user, REVIEW, "person__unit__path"
        )
        if scope.holds_root(user, REVIEW):
            query |= Q(unit__isnull=True, person__unit__isnull=True)
        accesses = accesses.filter(query)
    if kind:
        accesses = accesses.filter(kind=kind)
    if person:
        accesses = accesses.filter(person__national_id=person.strip().upper())
    if actor:
        accesses = accesses.filter(actor__username=actor.strip())
    return accesses

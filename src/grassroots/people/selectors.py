"""Reading the person register, always through the acting user's scope."""

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from grassroots.accounts import scope
from grassroots.history import selectors as history_selectors
from grassroots.history.models import Access, Change
from grassroots.history.services import snapshot
from grassroots.org.models import Unit
from grassroots.org.selectors import subtree_counts, unit_totals
from grassroots.paths import under
from grassroots.vietnamese import fold

from .models import Membership, Person


def looks_like_national_id(text):
    """One word with a digit in it: a (start of a) national ID rather than a name."""
    text = text.strip()
    return bool(text) and " " not in text and any(c.isdigit() for c in text)


def search_q(text):
    """Q matching people whose name or national ID contains every word of `text`.

    Both sides are folded (no diacritics, lower case), so "dang huu tu", "DANG" and
    "Đặng Hữu Tú" all find Đặng Hữu Tú on SQLite and PostgreSQL alike. On PostgreSQL the
    trigram index on `search_text` serves words of three characters or more.

    A national-ID-looking query (one word with digits) matches IDs that START with it, on
    the national ID's own index (PostgreSQL's `varchar_pattern_ops` index serves LIKE
    'X%'; on SQLite it is a range), instead of searching inside every name.
    """
    if looks_like_national_id(text):
        start = text.strip().upper()
        if connection.vendor == "postgresql":
            return Q(national_id__startswith=start)
        return Q(national_id__gte=start, national_id__lt=start + "\uffff")
    query = Q()
    for word in fold(text).split():
        query &= Q(search_text__contains=word)
    return query


def people_for(user, *, q="", unit=None):
    """People in the user's scope, optionally searched and narrowed to `unit` and below,
    in Vietnamese roster order."""
    people = Person.objects.select_related("unit")
    if q:
        people = people.filter(search_q(q))
    if unit is not None:
        people = people.filter(under(unit.path, "unit__path"))
    return scope.scoped(user, people).order_by("sort_key", "national_id")


def people_count(user, *, q="", unit=None):
    """How many people `people_for` lists, from the unit counters when there is no search
    (no counting of millions); None when only counting would tell."""
    if q:
        return None
    if unit is not None:
        # unit_filter_for only returns units in scope, and a scope covers whole subtrees.
        return unit_totals(unit)[0]
    if scope.is_everywhere(user):
        tops = list(Unit.get_root_nodes())
    else:
        tops = scope.top_units(user)
    total = sum(subtree_counts(tops)[0].values()) if tops else 0
    if scope.holds_root(user):
        total += Person.objects.filter(unit__isnull=True).count()
    return total


class Roster:
    """A list of people for the paginator, read in two steps.

    First the national IDs of the page, in roster order: on PostgreSQL an index-only scan
    of the covering index (sort_key, national_id INCLUDE search_text, unit_id) that
    filters names without reading the table; then those rows with their units.
    """

    def __init__(self, queryset):
        self.queryset = queryset

    def order_by(self, *fields):
        """The queryset reordered (the paginator counts with `order_by()`)."""
        return self.queryset.order_by(*fields)

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = list(self.queryset.values_list("national_id", flat=True)[index])
        rows = Person.objects.select_related("unit").in_bulk(keys, field_name="national_id")
        return [rows[key] for key in keys]


def person_for(user, national_id, action=scope.Action.VIEW):
    """The person with this national ID in the user's scope (404), or 403 if `action` is denied."""
    return scope.get_scoped(
        user,
        Person.objects.select_related("unit"),
        action=action,
        national_id=(national_id or "").upper(),
    )


def memberships_of(person):
    return person.memberships.select_related("unit").order_by("-admitted_on")


def person_history(person):
    """Changes recorded on the person record, newest first."""
    return Change.objects.filter(model="people.person", object_id=str(person.pk)).select_related(
        "actor"
    )


def unit_filter_for(user, code):
    """The unit named in a `?unit=` filter, in the user's scope (404 otherwise)."""
    return scope.get_scoped(user, Unit.objects.all(), unit_field="", code=code)


# Everything held on one person (subject export) -----------------------------------------


def _row(obj):
    """A record as the subject export gives it: its fields (history's snapshot), its id,
    the ids it refers to, its times, and the names of its files (never their bytes)."""
    row = {"id": obj.pk, **snapshot(obj)}
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.name in row:
            row[field.name + "_id"] = getattr(obj, field.attname)
        elif isinstance(field, models.FileField):
            name = getattr(obj, field.name).name or None
            row[field.name] = name
            row[field.name + "_name"] = name.rsplit("/", 1)[-1] if name else None
        elif isinstance(field, models.DateTimeField) and field.name not in row:
            value = getattr(obj, field.name)
            row[field.name] = value.isoformat() if value else None
    return row


def everything_about(user, person):
    """Everything the register holds on `person`, as JSON-friendly data (subject export).

    The caller has checked that the user may export this person. Each record type is read
    through the user's scope: records in units the user cannot see are left out and only
    counted under "outside_your_scope", so a ward administrator never receives another
    ward's files but knows to ask an officer of a higher unit for a complete answer.
    Dossier steps carry the name of their scan, never its bytes. History rows are those
    on the person and on each record listed here; access rows are those whose description
    names the person's national ID. Reads only: the caller logs the export.
    """
    data = {
        "person": {"id": person.pk, **snapshot(person)},
        "generated_at": timezone.now().isoformat(),
        "generated_by": user.get_username(),
    }
    about = Q(model="people.person", object_id=str(person.pk))
    withheld = {}
    for key, visible, total in history_selectors.records_about_person(user, person):
        rows = list(visible)
        data[key] = [_row(obj) for obj in rows]
        if rows:
            about |= Q(model=rows[0]._meta.label_lower, object_id__in=[str(o.pk) for o in rows])
        if total - len(rows):
            withheld[key] = total - len(rows)
    data["history"] = [
        {
            "at": change.at.isoformat(),
            "actor": change.actor.get_username() if change.actor else None,
            "cause": change.cause,
            "reference": change.reference,
            "action": change.action,
            "model": change.model,
            "object_id": change.object_id,
            "record": change.object_repr,
            "before": change.before,
            "after": change.after,
            "reason": change.reason,
        }
        for change in Change.objects.filter(about).select_related("actor").order_by("at", "id")
    ]
    data["accesses"] = [
        {
            "at": access.at.isoformat(),
            "actor": access.actor.get_username() if access.actor else None,
            "kind": access.kind,
            "what": access.what,
        }
        for access in Access.objects.filter(Q(person=person) | Q(what__contains=person.national_id))
        .select_related("actor")
        .order_by("at", "id")
    ]
    data["outside_your_scope"] = withheld
    return data


ACTIVE_STATUSES = (Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL)


def unit_people(user, unit):
    """People registered in `unit` or below, in roster order."""
    return scope.scoped(
        user, Person.objects.filter(under(unit.path, "unit__path")).select_related("unit")
    ).order_by("sort_key", "national_id")


def unit_members(user, unit):
    """Active members (probationary or official) in `unit` or below."""
    return scope.scoped(
        user,
        Membership.objects.filter(under(unit.path, "unit__path"), status__in=ACTIVE_STATUSES)
        .select_related("person", "unit")
        .order_by("person__sort_key", "person__national_id"),
    )

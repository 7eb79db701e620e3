"""Reading the person register, always through the acting user's scope."""

from django.db.models import Q

from grassroots.accounts import scope
from grassroots.history.models import Change
from grassroots.org.models import Unit
from grassroots.org.paths import under
from grassroots.vietnamese import fold

from .models import Person


def search_q(text):
    """Q matching people whose name or national ID contains every word of `text`.

    Both sides are folded (no diacritics, lower case), so "dang huu tu", "DANG" and
    "Đặng Hữu Tú" all find Đặng Hữu Tú on SQLite and PostgreSQL alike.
    """
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

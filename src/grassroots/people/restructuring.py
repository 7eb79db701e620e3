"""What of the person register passes with a unit that ends in a restructuring: the people
registered there and its active members (registered with `org.holdings` in apps.py)."""

from django.utils.translation import gettext_lazy as _

from grassroots.history.services import reassigned_rows, record_changes

from .models import Membership, Person

ACTIVE = (Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL)


class People:
    name = "people"
    label = _("people")

    def records(self, unit_ids):
        return Person.objects.filter(unit_id__in=unit_ids).select_related("unit")

    def key(self, person):
        return person.national_id

    def person_id(self, person):
        return person.pk

    def pass_to(self, *, trace, records, unit):
        rows = reassigned_rows(trace, records, field="unit", to=unit)
        Person.objects.filter(pk__in=[p.pk for p in records]).update(unit=unit)
        record_changes(rows)


class Members:
    name = "members"
    label = _("members")

    def records(self, unit_ids):
        return Membership.objects.filter(unit_id__in=unit_ids, status__in=ACTIVE).select_related(
            "unit", "person"
        )

    def key(self, membership):
        return membership.person.national_id

    def person_id(self, membership):
        return membership.person_id

    def pass_to(self, *, trace, records, unit):
        rows = reassigned_rows(trace, records, field="unit", to=unit)
        Membership.objects.filter(pk__in=[m.pk for m in records]).update(unit=unit)
        record_changes(rows)


class Directory:
    def national_ids(self, person_ids):
        ids = list(person_ids)
        found = {}
        for start in range(0, len(ids), 900):
            found.update(
                Person.objects.filter(pk__in=ids[start : start + 900]).values_list(
                    "national_id", "pk"
                )
            )
        return found

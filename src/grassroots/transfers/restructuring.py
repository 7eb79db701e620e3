"""Transfers and restructuring: transfers in flight to a unit that ends pass to its
successor, and a transfer dated on or after the event's date refuses it. Registered with
`org.holdings` in apps.py."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.history.services import reassigned_rows, record_changes

from .models import Transfer


class IncomingTransfers:
    name = "transfers"
    label = gettext_lazy("transfers on their way")

    def records(self, unit_ids):
        return Transfer.objects.filter(
            to_unit_id__in=unit_ids, status=Transfer.Status.ISSUED
        ).select_related("to_unit", "person")

    def key(self, transfer):
        return transfer.person.national_id

    def person_id(self, transfer):
        return transfer.person_id

    def pass_to(self, *, trace, records, unit):
        rows = reassigned_rows(trace, records, field="to_unit", to=unit)
        Transfer.objects.filter(pk__in=[t.pk for t in records]).update(to_unit=unit)
        record_changes(rows)


class TransferFacts:
    def conflicts(self, unit_ids, day):
        near = Q(from_unit_id__in=unit_ids) | Q(to_unit_id__in=unit_ids)
        dated = Q(issued_on__gte=day) | Q(arrived_on__gte=day)
        return [
            _(
                "A transfer of %(person)s dated %(day)s involves %(units)s, on or after the event's date."
            )
            % {
                "person": t.person,
                "day": max(d for d in (t.issued_on, t.arrived_on) if d).isoformat(),
                "units": ", ".join(u.code for u in (t.from_unit, t.to_unit) if u),
            }
            for t in Transfer.objects.filter(near & dated)
            .select_related("person", "from_unit", "to_unit")
            .order_by("issued_on", "id")
        ]

    def person_ids(self, unit_ids):
        return []

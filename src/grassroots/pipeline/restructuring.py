"""What of the pipeline passes with a unit that ends in a restructuring (open dossiers and
sources), and the facts that tie a unit to a date (admissions). Registered with
`org.holdings` in apps.py."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.history.services import reassigned_rows, record_changes

from .models import Admission, Dossier, Source

CLOSED_SOURCE = (Source.Status.ADMITTED, Source.Status.DROPPED)


class OpenDossiers:
    name = "dossiers"
    label = gettext_lazy("open dossiers")

    def records(self, unit_ids):
        return Dossier.objects.filter(
            unit_id__in=unit_ids, status=Dossier.Status.OPEN
        ).select_related("unit", "person")

    def key(self, dossier):
        return dossier.person.national_id

    def person_id(self, dossier):
        return dossier.person_id

    def pass_to(self, *, trace, records, unit):
        rows = reassigned_rows(trace, records, field="unit", to=unit)
        Dossier.objects.filter(pk__in=[d.pk for d in records]).update(unit=unit)
        record_changes(rows)


class OpenSources:
    name = "sources"
    label = gettext_lazy("sources")

    def records(self, unit_ids):
        return (
            Source.objects.filter(unit_id__in=unit_ids)
            .exclude(status__in=CLOSED_SOURCE)
            .select_related("unit", "person")
        )

    def key(self, source):
        return source.person.national_id

    def person_id(self, source):
        return source.person_id

    def pass_to(self, *, trace, records, unit):
        # A person who is already a source of the successor keeps that one; the other stays
        # where it was (one source per person and unit).
        taken = set(
            Source.objects.filter(
                unit=unit, person_id__in=[s.person_id for s in records]
            ).values_list("person_id", flat=True)
        )
        passing = [s for s in records if s.person_id not in taken]
        rows = reassigned_rows(trace, passing, field="unit", to=unit)
        # The nominating unit is kept as it leaves (one UPDATE reads the old unit).
        Source.objects.filter(pk__in=[s.pk for s in passing]).update(
            nominated_in=Coalesce(F("nominated_in"), F("unit")), unit=unit
        )
        record_changes(rows)


class AdmissionFacts:
    def conflicts(self, unit_ids, day):
        return [
            _("%(unit)s admitted %(person)s on %(day)s, on or after the event's date.")
            % {"unit": a.unit.code, "person": a.person, "day": a.decision_date.isoformat()}
            for a in Admission.objects.filter(unit_id__in=unit_ids, decision_date__gte=day)
            .select_related("unit", "person")
            .order_by("decision_date", "id")
        ]

    def person_ids(self, unit_ids):
        return Admission.objects.filter(unit_id__in=unit_ids).values_list("person_id", flat=True)

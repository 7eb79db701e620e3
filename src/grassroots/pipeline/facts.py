"""Building the engine's `Facts` from the database (the one place that does)."""

from django.utils import timezone

from grassroots.people.models import Membership

from .engine import Facts, StepFact
from .models import Dossier, Enrollment


def latest_certificate_date(person, before=None):
    """The most recent completed course certificate of the person (on or before `before`)."""
    enrollments = Enrollment.objects.filter(
        person=person, result=Enrollment.Result.COMPLETED, certificate_date__isnull=False
    )
    if before is not None:
        enrollments = enrollments.filter(certificate_date__lte=before)
    return (
        enrollments.order_by("-certificate_date").values_list("certificate_date", flat=True).first()
    )


_UNKNOWN = object()


def dossier_facts(dossier, steps=None, today=None, certificate_date=_UNKNOWN, previous=None):
    """Facts for the engine. `steps` may be a prefetched list of DossierStep rows; lists pass
    `certificate_date` (None: no certificate) and `previous` to avoid a query per row."""
    person = dossier.person
    steps = list(dossier.steps.all()) if steps is None else steps
    if certificate_date is _UNKNOWN:
        certificate_date = latest_certificate_date(person)
    if previous is None:
        previous = (
            Membership.objects.filter(person=person, readmission=True)
            .exclude(admission__dossier=dossier)
            .count()
            if dossier.readmission
            else 0
        )
    return Facts(
        birth_date=person.birth_date,
        education=person.education or "",
        certificate_date=certificate_date,
        steps=tuple(StepFact(s.step, s.date, s.data or {}) for s in steps),
        readmission=dossier.readmission,
        previous_readmissions=previous,
        closed=dossier.status == Dossier.Status.CLOSED,
        today=today or timezone.localdate(),
    )

"""Statuses derived from the facts, never set by hand.

A person's status in the pipeline follows from their records: a source, a course, a
dossier, a membership. `person_status_expression()` computes it in SQL (for lists,
filters and counts); `person_status(person)` for one person. A source's stored status is
recomputed from the same facts by the services (`source_status(source)`).
"""

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from grassroots.people.models import Membership

from .models import Admission, Dossier, Enrollment, Source


class PersonStatus:
    OFFICIAL = "official"
    PROBATIONARY = "probationary"
    TRANSFERRED_OUT = "transferred_out"
    REMOVED = "removed"
    IN_DOSSIER = "in_dossier"
    IN_COURSE = "in_course"
    SOURCE = "source"
    NONE = "none"

    CHOICES = (
        (SOURCE, _("source")),
        (IN_COURSE, _("in a course")),
        (IN_DOSSIER, _("in a dossier")),
        (PROBATIONARY, _("probationary member")),
        (OFFICIAL, _("official member")),
        (TRANSFERRED_OUT, _("transferred out")),
        (REMOVED, _("removed")),
        (NONE, _("in the register only")),
    )

    @classmethod
    def label(cls, code):
        return dict(cls.CHOICES).get(code, code)


def _latest_membership(status):
    """The person's latest membership (by admission) has `status`."""
    newer = Membership.objects.filter(
        person=OuterRef("person"), admitted_on__gt=OuterRef("admitted_on")
    )
    return Exists(
        Membership.objects.filter(person=OuterRef("pk"), status__in=status).filter(~Exists(newer))
    )


def person_status_expression():
    """A Case expression giving the status of the Person rows of a queryset."""
    active = Membership.objects.filter(person=OuterRef("pk"))
    return Case(
        When(
            Exists(active.filter(status=Membership.Status.OFFICIAL)),
            then=Value(PersonStatus.OFFICIAL),
        ),
        When(
            Exists(active.filter(status=Membership.Status.PROBATIONARY)),
            then=Value(PersonStatus.PROBATIONARY),
        ),
        When(
            _latest_membership([Membership.Status.TRANSFERRED_OUT]),
            then=Value(PersonStatus.TRANSFERRED_OUT),
        ),
        When(
            _latest_membership([Membership.Status.NOT_CONFIRMED, Membership.Status.LEFT]),
            then=Value(PersonStatus.REMOVED),
        ),
        When(
            Exists(Dossier.objects.filter(person=OuterRef("pk"), status=Dossier.Status.OPEN)),
            then=Value(PersonStatus.IN_DOSSIER),
        ),
        When(
            Exists(
                Enrollment.objects.filter(person=OuterRef("pk"), result=Enrollment.Result.ENROLLED)
            ),
            then=Value(PersonStatus.IN_COURSE),
        ),
        When(
            Exists(Source.objects.filter(person=OuterRef("pk"))),
            then=Value(PersonStatus.SOURCE),
        ),
        default=Value(PersonStatus.NONE),
    )


def with_status(people):
    """People annotated with `pipeline_status`."""
    return people.annotate(pipeline_status=person_status_expression())


def person_status(person):
    """One person's status (see PersonStatus)."""
    return with_status(type(person).objects.filter(pk=person.pk)).values_list(
        "pipeline_status", flat=True
    )[0]


def source_status(source):
    """The status a source has by the facts: admitted, in admission, dropped (the last
    dossier was closed), trained, registered, or nominated."""
    person = source.person_id
    admitted = Q(decision_date__gte=source.nominated_on)
    if source.pk is not None:
        admitted |= Q(dossier__source=source)
    if Admission.objects.filter(admitted, person=person).exists():
        return Source.Status.ADMITTED
    dossiers = Dossier.objects.filter(person=person, opened_on__gte=source.nominated_on)
    if dossiers.filter(status=Dossier.Status.OPEN).exists():
        return Source.Status.IN_DOSSIER
    latest = dossiers.order_by("-opened_on", "-id").first()
    if latest is not None and latest.status == Dossier.Status.CLOSED:
        return Source.Status.DROPPED
    enrollments = Enrollment.objects.filter(person=person)
    if enrollments.filter(result=Enrollment.Result.COMPLETED).exists():
        return Source.Status.TRAINED
    if enrollments.filter(result=Enrollment.Result.ENROLLED).exists():
        return Source.Status.REGISTERED
    return Source.Status.NOMINATED

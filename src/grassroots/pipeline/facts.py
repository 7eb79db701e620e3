"""Building the engine's `Facts` from the database (the one place that does).

The register part (`engine.Register`) holds the memberships of the dossier's cell, to
count its official members at a vote, and those of the people a proposed step names
(introducers), to check them from the data rather than from what a form says.
"""

from django.db.models import F, Q
from django.utils import timezone

from grassroots.paths import under
from grassroots.people.models import Membership

from .engine import Facts, MemberFact, Register, StepFact
from .models import Admission, Confirmation, Dossier, Enrollment
from .rules import get_rules


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


def former_membership(person):
    """The person's latest membership that ended by leaving or removal from the rolls: what
    makes them a former member, who returns only by readmission (one transferred out is a
    member elsewhere, received back by transfer). None if there is none."""
    return (
        Membership.objects.filter(
            person=person, status__in=[Membership.Status.LEFT, Membership.Status.NOT_CONFIRMED]
        )
        .order_by(F("ended_on").desc(nulls_last=True), "-pk")
        .first()
    )


def active_steps(dossier, steps=None):
    """The dossier's steps that count: annulled ones stay for the record only."""
    steps = list(dossier.steps.all()) if steps is None else steps
    return [step for step in steps if step.annulled_at is None]


def step_fact(step):
    data = dict(step.data or {})
    if step.exception_rule:
        data["_exceptions"] = step.exception_rule.split(",")
    return StepFact(step.step, step.date, data)


def _member_fact(membership, cell_path):
    return MemberFact(
        national_id=membership.person.national_id,
        name=membership.person.full_name,
        admitted_on=membership.admitted_on,
        official_since=membership.official_since,
        ended_on=membership.ended_on,
        in_cell=membership.unit.path.startswith(cell_path),
        unit_since=membership.unit_since,
    )


def named_national_ids(data):
    """The register members a step's data names (fields of kind "member")."""
    rules = get_rules()
    names = set()
    for step in rules.steps:
        for field in step.fields:
            if field.kind == "member" and (data or {}).get(field.name):
                names.add(str(data[field.name]).strip().upper())
    return names


def register_for(cell, national_ids=()):
    """The register as the engine reads it: the cell's memberships and those of the named
    people (any unit)."""
    query = under(cell.path, "unit__path")
    if national_ids:
        query |= Q(person__national_id__in=list(national_ids))
    memberships = Membership.objects.filter(query).select_related("person", "unit")
    roll, members = [], {}
    for membership in memberships:
        fact = _member_fact(membership, cell.path)
        if fact.in_cell:
            roll.append(fact)
        members.setdefault(fact.national_id, []).append(fact)
    return Register(
        cell_roll=tuple(roll), members={key: tuple(value) for key, value in members.items()}
    )


_UNKNOWN = object()


def dossier_facts(
    dossier,
    steps=None,
    today=None,
    certificate_date=_UNKNOWN,
    previous=None,
    data=None,
    after=None,
):
    """Facts for the engine. `steps` may be a prefetched list of DossierStep rows; lists pass
    `certificate_date` (None: no certificate) and `previous` to avoid a query per row.
    `data` is a proposed step's data: the register members it names are loaded too (and,
    with it, the cell's roll and the failed cell votes; lists that only want due dates pass
    no data)."""
    person = dossier.person
    steps = active_steps(dossier, steps)
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
    register = None
    left_on = None
    leave_reason = ""
    failed_votes = ()
    if data is not None:
        failed_votes = tuple(
            dossier.failed_votes.filter(annulled_at__isnull=True).values_list("date", flat=True)
        )
        if dossier.readmission:
            former = former_membership(person)
            left_on = former.ended_on if former else None
            leave_reason = former.leave_reason if former else ""
        named = named_national_ids(data)
        for step in steps:
            named |= named_national_ids(step.data)
        register = register_for(dossier.unit, named)
    return Facts(
        birth_date=person.birth_date,
        education=person.education or "",
        certificate_date=certificate_date,
        steps=tuple(step_fact(s) for s in steps),
        readmission=dossier.readmission,
        previous_readmissions=previous,
        closed=dossier.status == Dossier.Status.CLOSED,
        today=today or timezone.localdate(),
        opened_on=dossier.opened_on,
        national_id=person.national_id,
        cell=dossier.unit.code,
        special_area=bool(dossier.unit.special_area),
        register=register,
        left_on=left_on,
        leave_reason=leave_reason,
        failed_cell_votes=failed_votes,
        **(after_decision(dossier) if after is None else after),
    )


def after_decision(dossier):
    """What the admission, membership and confirmation say (for the time limits)."""
    if dossier.status != Dossier.Status.ADMITTED:
        return {}
    admission = Admission.objects.filter(dossier=dossier).select_related("membership").first()
    if admission is None:
        return {}
    return after_facts(admission, Confirmation.objects.filter(admission=admission).first())


def after_facts(admission, confirmation):
    return {
        "membership_status": admission.membership.status if admission.membership else "",
        "member_record_on": admission.member_record_on,
        "confirmation_vote_on": confirmation.cell_vote_date if confirmation else None,
        "confirmation_decided": bool(confirmation and confirmation.decided_on),
    }

"""A dossier's progress for lists: its current and next step and its time limits, worked
out for many dossiers at once (their steps, certificates and admissions read by subqueries
of the dossiers' own query). Read by the dossier lists (`selectors`) and by the stored time
limits of the work list (`dues`)."""

from collections import defaultdict

from grassroots.workdays import calendar_overrides

from . import engine
from .facts import after_facts, dossier_facts
from .models import Admission, Confirmation, Dossier, DossierStep, Enrollment
from .rules import get_rules

# What the rules (facts.dossier_facts) and the work list's items read of a dossier.
DUE_FIELDS = (
    "id",
    "status",
    "opened_on",
    "readmission",
    "person_id",
    "unit_id",
    "person__national_id",
    "person__full_name",
    "person__sort_key",
    "person__birth_date",
    "person__education",
    "unit__code",
    "unit__name",
    "unit__path",
    "unit__special_area",
)


def _steps_of(dossiers):
    """{dossier id: [its steps by date]} of the dossiers of a queryset, in one query."""
    found = defaultdict(list)
    steps = DossierStep.objects.filter(dossier__in=_ids(dossiers)).order_by("date", "id")
    for step in steps:
        found[step.dossier_id].append(step)
    return found


def _after(dossiers, source=None):
    """{dossier id: facts after the decision} for admitted dossiers, in two queries.

    With `source` (the queryset the dossiers came from) the admitted ones are named by a
    subquery of it rather than by a list of their ids."""
    admitted = [d.pk for d in dossiers if d.status == Dossier.Status.ADMITTED]
    if not admitted:
        return {}
    if source is not None:
        admitted = _ids(source.filter(status=Dossier.Status.ADMITTED))
    admissions = Admission.objects.filter(dossier_id__in=admitted).select_related("membership")
    confirmations = {
        c.admission_id: c for c in Confirmation.objects.filter(admission__dossier_id__in=admitted)
    }
    return {a.dossier_id: after_facts(a, confirmations.get(a.pk)) for a in admissions}


def _ids(queryset, field="pk"):
    """`field` of a queryset's rows as a subquery (no prefetch, no order)."""
    return queryset.prefetch_related(None).order_by().values(field)


def _certificates(people_ids):
    rows = (
        Enrollment.objects.filter(
            person_id__in=people_ids,
            result=Enrollment.Result.COMPLETED,
            certificate_date__isnull=False,
        )
        .order_by("person_id", "certificate_date")
        .values_list("person_id", "certificate_date")
    )
    return dict(rows)  # the latest wins: ordered ascending


def annotate_progress(dossiers, today=None, rules=None, source=None):
    """Attach .current_step, .next_step and .next_due (engine.Due or None) to each dossier.

    With `source`, the queryset the dossiers come from, their steps, certificates and
    admissions are read by subqueries of it instead of by lists of ids: the work list
    reads tens of thousands of dossiers nationally."""
    rules = rules or get_rules()
    overrides = calendar_overrides()  # once per list, not once per row
    dossiers = list(dossiers)
    if not dossiers:
        return dossiers
    if source is None:
        certificates = _certificates([d.person_id for d in dossiers])
        steps_by_dossier = None
    else:
        certificates = _certificates(_ids(source, "person_id"))
        steps_by_dossier = _steps_of(source)
    after = _after(dossiers, source)
    for dossier in dossiers:
        all_steps = (
            dossier.steps.all()
            if steps_by_dossier is None
            else steps_by_dossier.get(dossier.pk, ())
        )
        steps = [step for step in all_steps if step.annulled_at is None]
        facts = dossier_facts(
            dossier,
            steps=steps,
            today=today,
            certificate_date=certificates.get(dossier.person_id),
            previous=0,
            after=after.get(dossier.pk, {}),
        )
        dossier.current_step = rules.step_label(steps[-1].step) if steps else ""
        code = engine.next_step(facts, rules)
        dossier.next_step = rules.step_label(code) if code else ""
        dues = engine.due_dates(facts, rules, overrides=overrides)
        dues = [d for d in dues if d.kind != "probation_ends"]
        dossier.dues = dues
        dossier.next_due = dues[0] if dues else None
        dossier.last_date = steps[-1].date if steps else dossier.opened_on
    return dossiers

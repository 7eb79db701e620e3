"""Reading the pipeline, always through the acting user's scope (accounts.scope)."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.dates import shown_day
from grassroots.org.models import UnitAncestry
from grassroots.people.models import Membership, Person
from grassroots.vietnamese import fold
from grassroots.workdays import (
    add_months,
    add_working_days,
    calendar_overrides,
    latest_start,
)

from . import dues, engine
from .models import Admission, Confirmation, Course, Dossier, DossierStep, Enrollment, Source
from .progress import annotate_progress
from .rules import get_rules
from .status import with_status

STEPLEN = 4  # treebeard's path step


def sources_for(
    user,
    *,
    unit=None,
    category="",
    status="",
    education="",
    min_age=None,
    max_age=None,
    q="",
    today=None,
):
    """Sources in the user's scope, optionally below `unit`, filtered; ages in whole years."""
    sources = scope.scoped(
        user, Source.objects.select_related("person", "unit", "mentor"), unit_field="unit"
    )
    if unit is not None:
        sources = sources.filter(scope.under(unit.path, "unit__path"))
    if category:
        sources = sources.filter(category=category)
    if status:
        sources = sources.filter(status=status)
    if education:
        sources = sources.filter(person__education=education)
    today = today or dt.date.today()
    if min_age is not None:
        sources = sources.filter(person__birth_date__lte=add_months(today, -12 * min_age))
    if max_age is not None:
        born_after = add_months(today, -12 * (max_age + 1))
        sources = sources.filter(person__birth_date__gt=born_after)
    if q:
        sources = sources.filter(person__search_text__contains=fold(q))
    return sources.order_by("unit__path", "person__sort_key", "id")


def _ancestor_paths(paths):
    return {path[:end] for path in paths for end in range(STEPLEN, len(path) + 1, STEPLEN)}


def courses_for(user):
    """Courses organised in the user's scope or by a committee above one of their units,
    then or now: a cell's pupils attended the town's courses before the 2025 reform made
    the town part of the city, and its secretary still sees them."""
    courses = (
        Course.objects.select_related("organizer")
        .annotate(
            participants=Count("enrollments", distinct=True),
            completed=Count(
                "enrollments",
                filter=Q(enrollments__result=Enrollment.Result.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("-start_date", "code")
    )
    if scope.is_everywhere(user):
        return courses
    paths = scope.paths_for(user)
    above_ever = UnitAncestry.objects.filter(unit__path__in=paths, distance__gt=0).values(
        "ancestor_id"
    )
    return courses.filter(
        scope.unit_q(user, field="organizer__path")
        | Q(organizer__path__in=_ancestor_paths(paths))
        | Q(organizer_id__in=above_ever)
    )


def course_for(user, code):
    """One course the user may see, or 404. The code is read as `course_create` stores it
    (`Course.written_code`), so that `k1-2026` finds the course stored as `K1-2026`."""
    course = courses_for(user).filter(code=Course.written_code(code)).first()
    if course is None:
        raise Http404
    return course


def enrollments_for(user, course):
    """Participants of a course: all of them for the organiser's users, else those in scope."""
    enrollments = course.enrollments.select_related("person", "person__unit")
    if scope.can_see(user, course.organizer):
        return enrollments
    return scope.scoped(user, enrollments, unit_field="person__unit")


def registration_candidates(user, course, *, unit=None, category="", today=None):
    """Sources in scope not yet registered for this course and not yet trained."""
    sources = sources_for(user, unit=unit, category=category, today=today).filter(
        status__in=[Source.Status.NOMINATED, Source.Status.REGISTERED],
        # Nobody nominated after the course began can have been registered for it.
        nominated_on__lte=course.start_date,
    )
    return sources.exclude(person__enrollments__course=course)


def screening(source, on, rules=None):
    """Eligibility hints for a source at a date (age and education), for the registration list."""
    rules = rules or get_rules()
    facts = engine.Facts(birth_date=source.person.birth_date, education=source.person.education)
    months = engine.age_in_months(facts.birth_date, on)
    notes = []
    if months < rules.limits.min_age_months:
        notes.append(_("under 18"))
    elif months > rules.limits.max_age_months:
        notes.append(_("over 60"))
    if not engine.education_ok(facts, rules):
        notes.append(_("education below the minimum"))
    return notes


def dossiers_for(user, *, status="", unit=None, q="", person_status=""):
    """Dossiers in scope with their steps prefetched (no query per row); `person_status`
    keeps those whose person has that derived status (status.PersonStatus)."""
    dossiers = scope.scoped(
        user,
        Dossier.objects.select_related("person", "unit").prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.order_by("date", "id"))
        ),
        unit_field="unit",
    )
    if status:
        dossiers = dossiers.filter(status=status)
    if person_status:
        people = with_status(Person.objects.all()).filter(pipeline_status=person_status)
        dossiers = dossiers.filter(person__in=people.values("pk"))
    if unit is not None:
        dossiers = dossiers.filter(scope.under(unit.path, "unit__path"))
    if q:
        dossiers = dossiers.filter(person__search_text__contains=fold(q))
    return dossiers


def dossier_status_counts(user, *, unit=None, q=""):
    """{person status: dossiers} over the dossiers in scope, counted in the database: the
    filter of the dossier list (each figure equals the register's for those people)."""
    status_of_person = Subquery(
        with_status(Person.objects.filter(pk=OuterRef("person_id"))).values("pipeline_status")[:1]
    )
    rows = (
        dossiers_for(user, unit=unit, q=q)
        .order_by()
        .annotate(person_status=status_of_person)
        .values("person_status")
        .annotate(n=Count("pk"))
    )
    return {row["person_status"]: row["n"] for row in rows}


def members_for(user, *, status="", unit=None, q=""):
    """The member register: memberships in the user's scope."""
    memberships = scope.scoped(
        user,
        Membership.objects.select_related("person", "unit", "admission"),
        unit_field="unit",
    )
    if status:
        memberships = memberships.filter(status=status)
    if unit is not None:
        memberships = memberships.filter(scope.under(unit.path, "unit__path"))
    if q:
        memberships = memberships.filter(person__search_text__contains=fold(q))
    return memberships.order_by("unit__path", "person__sort_key", "id")


def person_timeline(user, person):
    """The person's way through the pipeline, in the user's scope, oldest first."""
    rules = get_rules()
    events = []
    for source in scope.scoped(user, person.sources.select_related("unit"), unit_field="unit"):
        events.append(
            {
                "date": source.nominated_on,
                "what": _("nominated as a source"),
                "unit": source.unit,
                "detail": source.get_category_display(),
                "url": "",
            }
        )
    enrollments = list(person.enrollments.select_related("course__organizer"))
    visible_courses = set(
        courses_for(user)
        .filter(pk__in=[e.course_id for e in enrollments])
        .values_list("pk", flat=True)
    )
    for enrollment in enrollments:
        events.append(
            {
                "date": enrollment.course.start_date,
                "what": _("course %(code)s") % {"code": enrollment.course.code},
                "unit": enrollment.course.organizer,
                "detail": enrollment.get_result_display()
                + (f" · {enrollment.certificate_no}" if enrollment.certificate_no else ""),
                "url": reverse("pipeline:course", args=[enrollment.course.code])
                if enrollment.course_id in visible_courses
                else "",
            }
        )
    dossiers = scope.scoped(
        user, person.dossiers.select_related("unit").prefetch_related("steps"), unit_field="unit"
    )
    for dossier in dossiers:
        url = reverse("pipeline:dossier", args=[dossier.pk])
        events.append(
            {
                "date": dossier.opened_on,
                "what": _("dossier opened"),
                "unit": dossier.unit,
                "detail": "",
                "url": url,
            }
        )
        for step in dossier.steps.all():
            if step.annulled_at is not None:
                continue
            events.append(
                {
                    "date": step.date,
                    "what": rules.step_label(step.step),
                    "unit": dossier.unit,
                    "detail": step.document_no,
                    "url": url,
                    "exception": step.exception_rule,
                }
            )
    admissions = scope.scoped(
        user, person.admissions.select_related("unit", "membership"), unit_field="unit"
    )
    for admission in admissions:
        membership = admission.membership
        if admission.dossier_id is None:
            # Admitted without a dossier here (imported, or from before the system): the
            # decision and the ceremony are not among any dossier's steps above.
            events.append(
                {
                    "date": admission.decision_date,
                    "what": rules.step_label("admission_decision"),
                    "unit": admission.unit,
                    "detail": admission.decision_no,
                    "url": "",
                }
            )
            if admission.ceremony_date:
                events.append(
                    {
                        "date": admission.ceremony_date,
                        "what": rules.step_label("ceremony"),
                        "unit": admission.unit,
                        "detail": "",
                        "url": "",
                    }
                )
        if membership and membership.probation_ends_on:
            events.append(
                {
                    "date": membership.probation_ends_on,
                    "what": _("end of probation"),
                    "unit": admission.unit,
                    "detail": "",
                    "url": "",
                }
            )
        confirmation = getattr(admission, "confirmation", None)
        if confirmation is not None:
            events.append(
                {
                    "date": confirmation.decided_on or confirmation.cell_vote_date,
                    "what": _("confirmation"),
                    "unit": admission.unit,
                    "detail": confirmation.get_outcome_display(),
                    "url": "",
                    "exception": confirmation.exception_rule,
                }
            )
    return sorted(events, key=lambda event: event["date"])


def due_items(user, today, *, horizon_days=30, unit=None, limit=None):
    """What needs doing in the user's scope: dicts {kind, person, unit, due_on, url, label}.

    Open dossiers whose next time limit falls within `horizon_days` (or has passed), dossiers
    stalled for longer than the rule set allows, ceremonies not yet held and confirmations
    due after probation. The deadlines work list imports this function.

    `unit` narrows to that unit and below (in SQL). `limit` bounds the dossiers' limits and
    the confirmations, the kinds that run to the ten thousands nationally, each to its first
    `limit` by due date (then name): the caller pages through them; `dues.counts` and
    `confirmation_counts` count them all.
    """
    rules = get_rules()
    horizon = today + dt.timedelta(days=horizon_days)
    items = dues.items(user, today, horizon=horizon, unit=unit, limit=limit)
    items.extend(_decisions_due(user, horizon, rules, unit=unit))
    items.extend(_confirmations_due(user, horizon, rules, unit=unit, limit=limit))
    return sorted(items, key=lambda item: item["due_on"])


def _on_roll_in_scope(user, prefix=""):
    """Q for admissions (through `prefix`, e.g. "admission__") whose member's roll lies in
    the user's scope: the membership's unit, or without a membership the admitting unit
    (`Admission.roll_unit` in SQL)."""
    return scope.unit_q(user, field=f"{prefix}membership__unit__path") | (
        Q(**{f"{prefix}membership__isnull": True}) & scope.unit_q(user, field=f"{prefix}unit__path")
    )


def admission_to_confirm(user, pk):
    """The admission `pk` whose confirmation the user records: seen through the unit whose
    roll holds the member (`Admission.roll_unit`, the one the service asks for), so that
    the receiving side of an official transfer during probation finds it and the admitting
    side does not (404); 403 where the user sees it but may not decide."""
    admissions = Admission.objects.select_related(
        "person", "unit", "membership__unit", "dossier"
    ).filter(pk=pk)
    if not scope.is_everywhere(user):
        admissions = admissions.filter(_on_roll_in_scope(user))
    admission = admissions.first()
    if admission is None:
        raise Http404
    scope.require(user, Action.DECIDE, admission.roll_unit)
    return admission


def _decisions_due(user, horizon, rules, *, unit=None):
    """Confirmation votes held and not decided yet: the committee decides within 30
    working days of the vote (extendable by 30). Listed, like the votes, under the unit
    whose roll holds the member (the committee that decides)."""
    pending = Confirmation.objects.filter(
        decided_on__isnull=True, cell_vote_date__isnull=False
    ).select_related("admission__person", "admission__unit", "admission__membership__unit")
    if not scope.is_everywhere(user):
        pending = pending.filter(_on_roll_in_scope(user, "admission__"))
    if unit is not None:
        pending = pending.filter(
            scope.under(unit.path, "admission__membership__unit__path")
            | Q(admission__membership__isnull=True)
            & scope.under(unit.path, "admission__unit__path")
        )
    overrides = calendar_overrides()
    days = rules.limits.confirmation_decision_working_days
    items = []
    for confirmation in pending:
        due = add_working_days(confirmation.cell_vote_date, days, overrides)
        if due <= horizon:
            admission = confirmation.admission
            items.append(
                {
                    "kind": "confirmation_decision",
                    "person": admission.person,
                    "unit": admission.roll_unit,
                    "due_on": due,
                    "url": reverse("pipeline:confirm", args=[admission.pk]),
                    "label": _("confirmation decision (cell vote %(date)s)")
                    % {"date": shown_day(confirmation.cell_vote_date)},
                }
            )
    return items


def _pending_confirmations(user, unit=None):
    """Admissions whose member is on probation after the ceremony, unconfirmed, in scope by
    the unit whose roll holds the member: the cell that votes on recognition (after an
    official transfer during probation the receiving one, not the admitting one)."""
    pending = scope.scoped(
        user,
        # NOT EXISTS rather than a LEFT JOIN: PostgreSQL estimates the anti-join well and
        # starts from the (status, probation_ends_on) index on memberships.
        Admission.objects.filter(
            ~Exists(Confirmation.objects.filter(admission=OuterRef("pk"))),
            ceremony_date__isnull=False,
            membership__status=Membership.Status.PROBATIONARY,
        ),
        unit_field="membership__unit",
    )
    if unit is not None:
        pending = pending.filter(scope.under(unit.path, "membership__unit__path"))
    return pending


class _ConfirmationDue:
    """Probation end → confirmation due date (monotonic), with the bounds the counts use."""

    def __init__(self, rules):
        self.rules = rules
        self.overrides = calendar_overrides()
        self.days = rules.limits.confirmation_vote_working_days

    def ends(self, admission):
        membership = admission.membership
        if membership.probation_ends_on:
            return membership.probation_ends_on
        return engine.probation_end(admission.ceremony_date, self.rules)

    def due(self, ends):
        return add_working_days(ends, self.days, self.overrides)

    def last_end(self, due_by, start):
        """The latest probation end on or before `start` whose vote is due by `due_by`."""
        if self.days < 0:  # not a rule anyone sets; the lookup below needs count >= 0
            day = start
            while self.due(day) > due_by:
                day -= dt.timedelta(days=1)
            return day
        return min(start, latest_start(due_by, self.days, self.overrides))


def _confirmations_due(user, horizon, rules, *, unit=None, limit=None):
    """Confirmation votes for probations ending by `horizon`, earliest due first.

    Probation ends are read from the membership (indexed with its status); those without
    one are derived from the ceremony date. With `limit`, only the first `limit` items by
    (due date, name) are built.
    """
    if limit == 0:
        return []
    calc = _ConfirmationDue(rules)
    pending = _pending_confirmations(user, unit).select_related("person", "membership__unit")
    dated = pending.filter(membership__probation_ends_on__lte=horizon).order_by(
        "membership__probation_ends_on", "person__sort_key", "pk"
    )
    undated = list(pending.filter(membership__probation_ends_on__isnull=True))
    undated = [a for a in undated if calc.ends(a) <= horizon]
    if limit is None:
        admissions = [*dated, *undated]
    else:
        admissions = list(dated[:limit])
        if len(admissions) == limit:
            # Later probation ends that still fall due on the last item's day may sort
            # before it by name: fetch them too (a few days' worth at most).
            last = admissions[-1]
            last_due = calc.due(calc.ends(last))
            bound = calc.last_end(last_due, last_due)
            admissions += list(
                dated.filter(
                    membership__probation_ends_on__gt=last.membership.probation_ends_on,
                    membership__probation_ends_on__lte=bound,
                )
            )
        admissions += undated
    items = []
    for admission in admissions:
        ends = calc.ends(admission)
        items.append(
            {
                "kind": "confirmation",
                "person": admission.person,
                "unit": admission.membership.unit,
                "due_on": calc.due(ends),
                "url": reverse("pipeline:confirm", args=[admission.pk]),
                "label": _("confirmation vote (probation ends %(date)s)")
                % {"date": shown_day(ends)},
            }
        )
    items.sort(key=lambda item: (item["due_on"], item["person"].sort_key))
    return items if limit is None else items[:limit]


def confirmations_due(user, today, *, horizon_days=30, unit=None, limit=None):
    """The confirmation votes of `due_items` alone (the first `limit` of them)."""
    horizon = today + dt.timedelta(days=horizon_days)
    return _confirmations_due(user, horizon, get_rules(), unit=unit, limit=limit)


def confirmation_counts(user, today, *, horizon_days=30, unit=None, cap=None):
    """{"overdue", "due_today", "upcoming": n} of the confirmation votes due by the horizon,
    counted in the database (no rows loaded), as the work list shows them.

    With `cap`, each figure stops at `cap` + 1 (more than `cap`): nationally there are
    tens of thousands, and a bounded count reads the (status, probation_ends_on) index
    only that far.
    """
    rules = get_rules()
    calc = _ConfirmationDue(rules)
    horizon = today + dt.timedelta(days=horizon_days)
    last_overdue = calc.last_end(today - dt.timedelta(days=1), today)
    last_today = calc.last_end(today, today)
    last_listed = calc.last_end(horizon, horizon)
    pending = _pending_confirmations(user, unit)
    ends = "membership__probation_ends_on"
    buckets = {
        "overdue": Q(**{f"{ends}__lte": last_overdue}),
        "due_today": Q(**{f"{ends}__gt": last_overdue, f"{ends}__lte": last_today}),
        "upcoming": Q(**{f"{ends}__gt": last_today, f"{ends}__lte": last_listed}),
    }
    listed = pending.filter(**{f"{ends}__lte": last_listed}).order_by()
    found = None if cap is None else listed[: cap + 1].count()
    if found is not None and found > cap:
        counts = {
            level: pending.filter(query).order_by()[: cap + 1].count()
            for level, query in buckets.items()
        }
    elif found == 0:
        counts = dict.fromkeys(buckets, 0)
    else:
        counts = listed.aggregate(
            **{level: Count("pk", filter=query) for level, query in buckets.items()}
        )
    undated = pending.filter(**{f"{ends}__isnull": True}).select_related("membership")
    for admission in undated:
        due = calc.due(calc.ends(admission))
        if due < today:
            counts["overdue"] += 1
        elif due == today:
            counts["due_today"] += 1
        elif due <= horizon:
            counts["upcoming"] += 1
    return counts


def admissions_for(user):
    return scope.scoped(
        user, Admission.objects.select_related("person", "unit", "membership"), unit_field="unit"
    )


__all__ = [
    "Action",
    "admissions_for",
    "annotate_progress",
    "confirmation_counts",
    "confirmations_due",
    "course_for",
    "courses_for",
    "dossiers_for",
    "due_items",
    "enrollments_for",
    "members_for",
    "person_timeline",
    "registration_candidates",
    "screening",
    "sources_for",
]

"""Reading targets and findings, always through the user's scope."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org import timeline
from grassroots.org.models import Unit
from grassroots.org.pickers import unit_from_filter
from grassroots.paths import under, under_any
from grassroots.pipeline.models import Admission, Dossier, Enrollment, Source

from . import allocation
from .models import Finding, Target


def start_unit(user, code=None):
    """The unit a page is about: `code` (or a name only one unit matches) if given (404
    when out of scope), else the user's first top unit, else None."""
    if code:
        return unit_from_filter(user, code)
    tops = scope.top_units(user)
    return tops[0] if tops else None


def targets_under(user, unit):
    """Targets of the unit and every unit below it, in tree and period order."""
    scope.require(user, Action.VIEW, unit)
    return scope.scoped(
        user,
        Target.objects.filter(under(unit.path, "unit__path")).select_related("unit"),
    ).order_by("unit__path", "period_start", "-period_end", "id")


def target_for(user, pk, action=Action.VIEW):
    return scope.get_scoped(user, Target.objects.select_related("unit"), pk=pk)


def findings_under(user, unit, open_only=False):
    """Findings about the unit and the units below it, newest first."""
    scope.require(user, Action.VIEW, unit)
    findings = scope.scoped(
        user,
        Finding.objects.filter(under(unit.path, "unit__path")).select_related("unit", "by_unit"),
    )
    if open_only:
        findings = findings.filter(follow_up_done_on__isnull=True)
    return findings.order_by("-date", "-id")


def open_findings_count(units):
    """{unit id: findings about it whose follow-up is not done} for units already checked
    to be in scope, in one query."""
    return dict(
        Finding.objects.filter(unit__in=units, follow_up_done_on__isnull=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )


def finding_for(user, pk):
    return scope.get_scoped(user, Finding.objects.select_related("unit", "by_unit"), pk=pk)


def units_user_may_plan_for(user):
    """Units whose superior the user may decide for: everything strictly below a unit where
    the user holds DECIDE, and the roots themselves for those who hold a root."""
    units = Unit.objects.all()
    if scope.is_everywhere(user):
        return units
    paths = scope.paths_for(user, Action.DECIDE)
    if not paths:
        return units.none()
    strictly_below = Q(pk__in=[])
    for path in paths:
        strictly_below |= under(path) & ~Q(path=path)
    roots = Q(depth=1) & under_any(paths)
    return units.filter(strictly_below | roots)


# --- allocation ---------------------------------------------------------------------------


def target_to_allocate(user, pk):
    """The target `pk` for allocation: 404 when out of scope, 403 unless the user may set
    targets on the units below its unit (DECIDE on the target's unit, as `target_set`
    requires for each child)."""
    target = target_for(user, pk)
    if not scope.can(user, Action.DECIDE, target.unit):
        raise PermissionDenied
    return target


def _years_back(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _stage_history(path, start, end):
    """{stage: (converted, seen)} for candidates who entered a stage in [start, end], below
    `path` (the whole organisation when None)."""
    sources = Source.objects.all()
    dossiers = Dossier.objects.all()
    if path is not None:
        sources = sources.filter(under(path, "unit__path"))
        dossiers = dossiers.filter(under(path, "unit__path"))
    admitted = Admission.objects.values("person_id")
    nominated = sources.filter(nominated_on__gte=start, nominated_on__lte=end)
    nominated_people = nominated.values("person_id").distinct()
    graduated = Enrollment.objects.filter(
        result=Enrollment.Result.COMPLETED,
        course__end_date__gte=start,
        course__end_date__lte=end,
        person_id__in=sources.values("person_id"),
    )
    graduated_people = graduated.values("person_id").distinct()
    opened = dossiers.filter(opened_on__gte=start, opened_on__lte=end)
    return {
        "sources": (
            nominated_people.filter(person_id__in=admitted).count(),
            nominated_people.count(),
        ),
        "graduates": (
            graduated_people.filter(person_id__in=admitted).count(),
            graduated_people.count(),
        ),
        "dossiers": (opened.filter(status=Dossier.Status.ADMITTED).count(), opened.count()),
    }


def _open_pool(path):
    """{stage: people} open below `path` today, each person once at their furthest stage: an
    open dossier, else a completed course, else a source neither admitted nor dropped."""
    sources = Source.objects.filter(under(path, "unit__path"))
    admitted = Admission.objects.values("person_id")
    in_dossier = Dossier.objects.filter(
        under(path, "unit__path"), status=Dossier.Status.OPEN
    ).values("person_id")
    graduates = (
        Enrollment.objects.filter(
            result=Enrollment.Result.COMPLETED, person_id__in=sources.values("person_id")
        )
        .exclude(person_id__in=admitted)
        .exclude(person_id__in=in_dossier)
        .values("person_id")
    )
    waiting = (
        sources.exclude(status__in=[Source.Status.ADMITTED, Source.Status.DROPPED])
        .exclude(person_id__in=admitted)
        .exclude(person_id__in=in_dossier)
        .exclude(person_id__in=graduates)
        .values("person_id")
    )
    return {
        "sources": waiting.distinct().count(),
        "graduates": graduates.distinct().count(),
        "dossiers": in_dossier.distinct().count(),
    }


def _basis(rate, org_rate):
    """Whose figures a unit's rate rests on: its own, the organisation's, or the default."""
    if rate.own:
        return "own"
    return "organisation" if org_rate.own else "default"


def allocation_proposal(user, target):
    """What `plans.allocation` proposes for dividing `target` among the units directly below
    its unit on the period's first day, with the reasons: for each child its open pool by
    stage, the conversion rates (its own over the last `HISTORY_YEARS` years, the
    organisation's when it saw fewer than `MIN_HISTORY` candidates, `DEFAULT_RATES` when
    the organisation did too), its admissions in each
    of the last calendar years, the weight and the proposed minimum (and stretch). Also the
    child's existing target for exactly this period, if any.

    Pools and history are counted in today's tree (a unit's current subtree).
    """
    scope.require(user, Action.VIEW, target.unit)
    start, end = target.period_start, target.period_end
    children = timeline.children_on(target.unit, start)
    window = (_years_back(start, allocation.HISTORY_YEARS), start - dt.timedelta(days=1))
    org_history = _stage_history(None, *window)
    org_rates = {
        stage: allocation.rate(converted, seen, fallback=allocation.DEFAULT_RATES[stage])
        for stage, (converted, seen) in org_history.items()
    }
    years = list(range(start.year - allocation.HISTORY_YEARS, start.year))
    length = allocation.period_years(start, end)
    existing = {
        t.unit_id: t
        for t in Target.objects.filter(unit__in=children, period_start=start, period_end=end)
    }
    names = timeline.names_on([c.pk for c in children], start)
    rows = []
    for child in children:
        history = _stage_history(child.path, *window)
        rates = {
            stage: allocation.rate(converted, seen, fallback=org_rates[stage].value)
            for stage, (converted, seen) in history.items()
        }
        pool = _open_pool(child.path)
        counts = dict(
            Admission.objects.filter(
                under(child.path, "unit__path"),
                decision_date__gte=dt.date(years[0], 1, 1),
                decision_date__lte=dt.date(years[-1], 12, 31),
            )
            .annotate(year=ExtractYear("decision_date"))
            .values_list("year")
            .annotate(n=Count("id"))
            .values_list("year", "n")
        )
        past = [counts.get(year, 0) for year in years]
        expected = allocation.expected(pool, rates)
        pace = allocation.pace(past, length)
        rows.append(
            {
                "unit": child,
                "name": names.get(child.pk, child.name),
                "pool": pool,
                "stages": [
                    (stage, pool[stage], rates[stage], _basis(rates[stage], org_rates[stage]))
                    for stage in allocation.STAGES
                ],
                "expected": expected,
                "past": list(zip(years, past, strict=True)),
                "past_average": allocation.pace(past, 1),
                "pace": pace,
                "weight": allocation.weight(expected, pace),
                "existing": existing.get(child.pk),
            }
        )
    weights = [row["weight"] for row in rows]
    minimums = allocation.largest_remainder(target.minimum, weights) if rows else []
    stretches = (
        allocation.stretch_shares(target.stretch, weights, minimums)
        if rows and target.stretch is not None
        else [None] * len(rows)
    )
    for row, minimum, stretch in zip(rows, minimums, stretches, strict=True):
        row["minimum"] = minimum
        row["stretch"] = stretch
    return {
        "target": target,
        "rows": rows,
        "org_rates": org_rates,
        "years": years,
        "period_years": length,
        "window": window,
    }

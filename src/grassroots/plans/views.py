"""Target and finding pages: lists per unit, and the forms of the superior unit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.dates import shown_day
from grassroots.downloads import table_response
from grassroots.formerrors import add_service_errors
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.paging import paginate

from . import forecasting, selectors, services
from .forms import AllocationForm, FindingCloseForm, FindingForm, TargetCreateForm, TargetForm
from .models import Finding, Target
from .services import TARGET_FIELDS


def _may_plan(user):
    return scope.can_somewhere(user, Action.DECIDE)


@require_GET
def targets(request):
    unit = selectors.start_unit(request.user, request.GET.get("unit"))
    context = {"unit": unit, "may_plan": _may_plan(request.user)}
    if unit is not None:
        context.update(paginate(request, selectors.targets_under(request.user, unit)))
        context["allocatable"] = {
            t.pk for t in context["page_obj"] if scope.can(request.user, Action.DECIDE, t.unit)
        }
        context["may_plan_here"] = scope.can(
            request.user, Action.DECIDE, services.deciding_unit(unit)
        )
    return render(request, "plans/targets.html", context)


@require_GET
def targets_export(request, fmt="csv"):
    """The targets below the chosen unit as the exchange format's targets file."""
    unit = selectors.start_unit(request.user, request.GET.get("unit"))
    records = Target.objects.none() if unit is None else selectors.targets_under(request.user, unit)
    records = records.select_related("unit").iterator(chunk_size=500)
    return table_response("targets", records, fmt=fmt, filename="targets")


@require_http_methods(["GET", "POST"])
def target_new(request):
    user = request.user
    initial = {}
    if request.GET.get("unit"):
        unit = selectors.start_unit(user, request.GET["unit"])
        services.require_superior(user, unit)
        initial["unit"] = unit.code
    elif not _may_plan(user):
        raise PermissionDenied
    form = TargetCreateForm(
        request.POST or None, initial=initial, units=selectors.units_user_may_plan_for(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.target_set(trace=Trace(user=user), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Target saved: %(target)s") % {"target": _shown_target(target)}
            )
            return redirect(f"{_targets_url()}?unit={target.unit.code}")
    return render(request, "plans/form.html", {"form": form, "title": _("New target")})


def _shown_target(target):
    """The target as a message names it, its dates as the reader writes them (the record's
    own text, kept in the history, has ISO dates)."""
    start, end = shown_day(target.period_start), shown_day(target.period_end)
    return f"{target.unit.code} {start}–{end}: {target.minimum}"


def _shown_finding(finding):
    return f"{finding.unit.code} {shown_day(finding.date)} {finding.get_kind_display()}"


def _targets_url():
    from django.urls import reverse

    return reverse("plans:targets")


@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    user = request.user
    target = selectors.target_for(user, pk)
    services.require_superior(user, target.unit)
    if request.method == "POST" and request.POST.get("delete"):
        services.target_delete(
            trace=Trace(user=user), target=target, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Target deleted; it stays in the history."))
        return redirect(f"{_targets_url()}?unit={target.unit.code}")
    initial = {name: getattr(target, name) for name in TARGET_FIELDS}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_update(
                trace=Trace(user=user), target=target, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Target saved: %(target)s") % {"target": _shown_target(target)}
            )
            return redirect(f"{_targets_url()}?unit={target.unit.code}")
    title = _("Change target of %(unit)s") % {"unit": target.unit}
    changes = Change.objects.filter(model="plans.target", object_id=str(target.pk)).select_related(
        "actor"
    )[:20]
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": title,
            "target": target,
            "can_delete": True,
            "changes": changes,
            "can_allocate": scope.can(user, Action.DECIDE, target.unit),
        },
    )


@require_http_methods(["GET", "POST"])
def target_allocate(request, pk):
    """Propose shares of a target for the units below, let the committee change them, and
    save them as the units' targets."""
    user = request.user
    target = selectors.target_to_allocate(user, pk)
    proposal = selectors.allocation_proposal(user, target)
    rows = proposal["rows"]
    form = AllocationForm(request.POST or None, target=target, rows=rows)
    if request.method == "POST" and form.is_valid():
        proposed = {row["unit"].code: (row["minimum"], row["stretch"]) for row in rows}
        try:
            services.target_allocate(
                trace=Trace(user=user), target=target, shares=form.shares(), proposal=proposed
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Targets saved for the %(n)s units below.") % {"n": len(rows)}
            )
            return redirect(f"{_targets_url()}?unit={target.unit.code}")
    return render(
        request,
        "plans/allocate.html",
        {**proposal, "form": form, "bound_rows": list(form.bound_rows())},
    )


@require_GET
def findings(request):
    unit = selectors.start_unit(request.user, request.GET.get("unit"))
    open_only = request.GET.get("open") == "1"
    context = {"unit": unit, "open_only": open_only, "may_plan": _may_plan(request.user)}
    if unit is not None:
        context.update(
            paginate(request, selectors.findings_under(request.user, unit, open_only=open_only))
        )
    return render(request, "plans/findings.html", context)


@require_GET
def findings_export(request, fmt="csv"):
    """The findings below the chosen unit as the exchange format's findings file."""
    unit = selectors.start_unit(request.user, request.GET.get("unit"))
    open_only = request.GET.get("open") == "1"
    records = (
        Finding.objects.none()
        if unit is None
        else selectors.findings_under(request.user, unit, open_only=open_only)
    )
    records = records.select_related("unit", "by_unit").iterator(chunk_size=500)
    return table_response("findings", records, fmt=fmt, filename="findings")


@require_http_methods(["GET", "POST"])
def finding_new(request):
    user = request.user
    initial = {}
    if request.GET.get("unit"):
        unit = selectors.start_unit(user, request.GET["unit"])
        services.require_superior(user, unit)
        initial["unit"] = unit.code
    elif not _may_plan(user):
        raise PermissionDenied
    form = FindingForm(
        request.POST or None, initial=initial, units=selectors.units_user_may_plan_for(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(trace=Trace(user=user), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(f"{_findings_url()}?unit={finding.unit.code}")
    return render(request, "plans/form.html", {"form": form, "title": _("New finding")})


def _findings_url():
    from django.urls import reverse

    return reverse("plans:findings")


@require_http_methods(["GET", "POST"])
def finding_close(request, pk):
    user = request.user
    finding = selectors.finding_for(user, pk)
    if not scope.can(user, Action.DECIDE, finding.by_unit):
        raise PermissionDenied
    form = FindingCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_close(
                trace=Trace(user=user),
                finding=finding,
                done_on=form.cleaned_data["follow_up_done_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect(f"{_findings_url()}?unit={finding.unit.code}")
    title = _("Close the follow-up of %(finding)s") % {"finding": _shown_finding(finding)}
    return render(request, "plans/form.html", {"form": form, "title": title, "finding": finding})


SORTS = {"probability": False, "-probability": True}


@require_GET
def at_risk(request):
    """The units directly below a committee whose running period is at risk: a chance
    below one half of reaching the minimum, or behind plan. `?all=1` lists every unit with a
    running target; `?sort=-probability` puts the likeliest first."""
    user = request.user
    unit = selectors.start_unit(user, request.GET.get("unit"))
    everyone = request.GET.get("all") == "1"
    sort = request.GET.get("sort", "probability")
    if sort not in SORTS:
        sort = "probability"
    today = timezone.localdate()
    context = {"unit": unit, "everyone": everyone, "sort": sort, "today": today}
    if unit is not None:
        rows = forecasting.units_at_risk(user, unit, today, everyone=everyone)
        if SORTS[sort]:
            rows.sort(key=lambda r: (-(r.probability or 0), r.unit.path))
        elif everyone:
            rows.sort(key=lambda r: (forecasting.sortable(r.probability), r.unit.path))
        counts = selectors.open_findings_count([r.unit for r in rows])
        for row in rows:
            row.open_findings = counts.get(row.unit.pk, 0)
        context["rows"] = rows
        context["may_record"] = scope.can(user, Action.DECIDE, unit)
    return render(request, "plans/at_risk.html", context)

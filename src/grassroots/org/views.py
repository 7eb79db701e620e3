"""Unit pages: the tree on any day, one unit, the forms that create and correct units, and
the restructuring events (move, rename, merge, split, close) with a preview before they
are confirmed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts import scope
from grassroots.accounts.models import Role
from grassroots.accounts.roles import Action
from grassroots.formerrors import add_service_errors
from grassroots.history.selectors import changes_with_reference, visible_changes
from grassroots.history.services import Trace
from grassroots.paging import paginate

from . import restructure, sections, selectors, services, timeline, treenodes
from .forms import (
    CloseEventForm,
    MergeEventForm,
    MoveEventForm,
    RenameEventForm,
    SplitEventForm,
    TreeDayForm,
    UnitCreateForm,
    UnitForm,
)
from .models import Unit, UnitEvent


def _day(request):
    """The `?on=` date of the page (today when absent or not a date)."""
    form = TreeDayForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("on"):
        return form, form.cleaned_data["on"]
    return form, timezone.localdate()


@require_GET
def tree(request):
    form, day = _day(request)
    context = {
        "roots": treenodes.label(selectors.tree_for(request.user, day), day),
        "day": day,
        "today": timezone.localdate(),
        "day_form": form,
    }
    return render(request, "org/tree.html", context)


@require_GET
def children(request, code):
    """The next level below a unit: the partial the tree fetches when a node is opened."""
    unit = selectors.unit_for(request.user, code)
    _form, day = _day(request)
    nodes = treenodes.label(selectors.children_of(request.user, unit, day), day)
    return render(request, "org/partials/tree_nodes.html", {"nodes": nodes, "day": day})


@require_GET
def unit_detail(request, code):
    unit = selectors.unit_for(request.user, code)
    form, day = _day(request)
    today = timezone.localdate()
    parent = timeline.parent_on(unit, day if unit.is_valid_on(day) else unit.valid_to or today)
    may_restructure = unit.valid_to is None and services.can_restructure(
        request.user, [timeline.parent_on(unit, today)]
    )
    context = {
        "unit": unit,
        "day": day,
        "today": today,
        "day_form": form,
        "exists_on_day": unit.is_valid_on(day),
        "name_on_day": timeline.name_on(unit, day),
        "parent": parent,
        "parent_visible": parent is not None and scope.can_see(request.user, parent),
        "subunits": treenodes.label(selectors.children_of(request.user, unit, day), day),
        "versions": list(unit.versions.select_related("parent").order_by("valid_from")),
        "successors": selectors.successors_of(unit),
        "predecessors": selectors.predecessors_of(unit),
        "events": selectors.events_of(unit),
        "sections": sections.for_unit(request, unit),
        "changes": selectors.unit_history(unit)[:20],
        "can_edit": services.can_edit_unit(request.user, unit),
        "can_add_below": unit.kind != Unit.Kind.GROUP
        and unit.valid_to is None
        and services.can_create_unit(request.user, unit),
        "can_restructure": may_restructure,
        "can_merge_into_new": may_restructure,
    }
    return render(request, "org/unit.html", context)


@require_GET
def unit_history(request, code):
    unit = selectors.unit_for(request.user, code)
    context = {"unit": unit, **paginate(request, selectors.unit_history(unit))}
    context["changes"] = context["page_obj"]
    return render(request, "org/history.html", context)


@require_http_methods(["GET", "POST"])
def unit_create(request):
    user = request.user
    initial = {}
    parent_code = request.GET.get("parent")
    if parent_code:
        parent = selectors.unit_for(user, parent_code, action=Action.EDIT_UNITS)
        if not services.can_create_unit(user, parent):
            raise PermissionDenied
        initial["parent"] = parent.code
    scope.require_somewhere(user, Action.EDIT_UNITS)
    if request.method == "POST" and not request.POST.get("parent", "").strip():
        # A unit without a parent is a root: the same predicate as the API, the same 403.
        services.require(services.can_create_unit(user, None), user)
    form = UnitCreateForm(
        request.POST or None,
        initial=initial,
        parents=scope.units_visible_to(user, Action.EDIT_UNITS).filter(valid_to__isnull=True),
        parent_required=not services.can_create_unit(user, None),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = data.pop("parent")
        try:
            unit = services.unit_create(trace=Trace(user=user), parent=parent, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit %(unit)s created.") % {"unit": unit})
            return redirect("org:unit", code=unit.code)
    return render(request, "org/form.html", {"form": form, "title": _("New unit")})


@require_http_methods(["GET", "POST"])
def unit_edit(request, code):
    unit = selectors.unit_for(request.user, code, action=Action.EDIT_UNITS)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(request.POST or None, initial=initial)
    if timeline.has_events(unit):
        for name in ("valid_from", "valid_to"):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Changes only through restructuring events.")
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("valid_from") is None:
            data["valid_from"] = unit.valid_from
        try:
            unit = services.unit_update(trace=Trace(user=request.user), unit=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit %(unit)s saved.") % {"unit": unit})
            return redirect("org:unit", code=unit.code)
    title = _("Change %(unit)s") % {"unit": unit}
    return render(request, "org/form.html", {"form": form, "title": title, "unit": unit})


# --- restructuring -------------------------------------------------------------------------


def _restructurable(request, code):
    """The unit, if the user may restructure it (404 out of sight, 403 without the role).
    An ended unit is refused by the event itself, naming the date, as in the API."""
    unit = selectors.unit_for(request.user, code)
    restructure.require_restructurable(request.user, unit)
    return unit


def _unit_by_code(user, code, field):
    """A unit named in a restructuring form: one the user may see, else a form error."""
    unit = Unit.objects.filter(code=(code or "").strip()).first()
    if unit is None or not scope.can_see(user, unit):
        raise ValidationError({field: _("No unit with this code among your units.")})
    return unit


def _summary_shown(summary):
    """An event's stored summary (language-neutral: role codes) with each role by its name
    in the reader's language."""
    if not summary or not summary.get("roles_ended"):
        return summary
    names = dict(Role.choices)
    roles = [{**r, "role": names.get(r.get("role"), r.get("role"))} for r in summary["roles_ended"]]
    return {**summary, "roles_ended": roles}


def _event_page(request, unit, form, title, perform):
    """Show the form; on a valid POST, preview the event (a dry run) or, confirmed, record
    it and go to its page."""
    outcome = None
    if request.method == "POST" and form.is_valid():
        confirmed = request.POST.get("confirm") == "1"
        trace = Trace(user=request.user)
        try:
            outcome = perform(trace, form.cleaned_data, not confirmed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if confirmed:
                messages.success(request, _("The restructuring is recorded."))
                return redirect("restructuring:event", pk=outcome.event.pk)
    context = {"form": form, "title": title, "unit": unit, "outcome": outcome}
    context["summary"] = _summary_shown(outcome.summary) if outcome else None
    return render(request, "org/event_form.html", context)


@require_http_methods(["GET", "POST"])
def unit_move(request, code):
    unit = _restructurable(request, code)

    def perform(trace, data, dry_run):
        parent = data["parent"]
        return restructure.unit_move(
            trace=trace,
            unit=unit,
            new_parent=parent,
            day=data["day"],
            reference=data["reference"],
            dry_run=dry_run,
        )

    form = MoveEventForm(
        request.POST or None,
        initial={"day": timezone.localdate()},
        units=scope.units_visible_to(request.user),
    )
    title = _("Move %(unit)s") % {"unit": unit}
    return _event_page(request, unit, form, title, perform)


@require_http_methods(["GET", "POST"])
def unit_rename(request, code):
    unit = _restructurable(request, code)

    def perform(trace, data, dry_run):
        return restructure.unit_rename(
            trace=trace,
            unit=unit,
            name=data["name"],
            day=data["day"],
            reference=data["reference"],
            dry_run=dry_run,
        )

    form = RenameEventForm(request.POST or None, initial={"day": timezone.localdate()})
    title = _("Rename %(unit)s") % {"unit": unit}
    return _event_page(request, unit, form, title, perform)


@require_http_methods(["GET", "POST"])
def unit_merge(request, code):
    unit = _restructurable(request, code)

    def perform(trace, data, dry_run):
        others = [_unit_by_code(request.user, c, "others") for c in form.codes()]
        into = data["into"].strip()
        parent = data.get("parent")
        return restructure.unit_merge(
            trace=trace,
            units=[unit, *others],
            into=into,
            name=data.get("name", ""),
            parent=parent,
            day=data["day"],
            reference=data["reference"],
            dry_run=dry_run,
        )

    form = MergeEventForm(
        request.POST or None,
        initial={"day": timezone.localdate()},
        units=scope.units_visible_to(request.user),
    )
    title = _("Merge %(unit)s") % {"unit": unit}
    return _event_page(request, unit, form, title, perform)


@require_http_methods(["GET", "POST"])
def unit_split(request, code):
    unit = _restructurable(request, code)

    def perform(trace, data, dry_run):
        assign = restructure.read_assignments(data["assign"]) if data.get("assign") else {}
        return restructure.unit_split(
            trace=trace,
            unit=unit,
            into=data["units"],
            assign=assign,
            day=data["day"],
            reference=data["reference"],
            dry_run=dry_run,
        )

    form = SplitEventForm(request.POST or None, initial={"day": timezone.localdate()})
    title = _("Split %(unit)s") % {"unit": unit}
    return _event_page(request, unit, form, title, perform)


@require_http_methods(["GET", "POST"])
def unit_close(request, code):
    unit = _restructurable(request, code)

    def perform(trace, data, dry_run):
        return restructure.unit_close(
            trace=trace, unit=unit, day=data["day"], reference=data["reference"], dry_run=dry_run
        )

    form = CloseEventForm(request.POST or None, initial={"day": timezone.localdate()})
    title = _("Close %(unit)s") % {"unit": unit}
    return _event_page(request, unit, form, title, perform)


@require_GET
def event_list(request):
    context = paginate(request, selectors.events_for(request.user))
    context["events"] = context["page_obj"]
    return render(request, "org/event_list.html", context)


@require_GET
def event_detail(request, pk):
    event = selectors.event_for(request.user, pk)
    parts = list(event.parts.select_related("unit").order_by("role", "position"))
    visible = {p.unit.pk for p in parts if scope.can_see(request.user, p.unit)}
    changes = paginate(
        request, visible_changes(request.user, changes_with_reference(event.history_reference))
    )
    context = {
        "event": event,
        "summary": _summary_shown(event.summary),
        "parts": parts,
        "visible": visible,
        "ended_assignments": event.ended_assignments.select_related("user", "unit"),
        "may_follow_up": {
            a.pk
            for a in event.ended_assignments.select_related("unit")
            if scope.can(request.user, Action.MANAGE_ACCOUNTS, a.unit)
        },
        "kinds": UnitEvent.Kind,
        **changes,
    }
    context["changes"] = context["page_obj"]
    return render(request, "org/event_detail.html", context)

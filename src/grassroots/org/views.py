"""Unit pages: the tree, one unit, and the forms that create, change and move units."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.paging import paginate
from grassroots.people.access import log_list_view

from . import selectors, services
from .forms import UnitCreateForm, UnitForm, UnitMoveForm
from .models import Unit


@require_GET
def tree(request):
    return render(request, "org/tree.html", {"roots": selectors.tree_for(request.user)})


@require_GET
def children(request, code):
    """The next level below a unit: the partial the tree fetches when a node is opened."""
    unit = selectors.unit_for(request.user, code)
    nodes = selectors.children_of(request.user, unit)
    return render(request, "org/partials/tree_nodes.html", {"nodes": nodes})


@require_GET
def unit_detail(request, code):
    unit = selectors.unit_for(request.user, code)
    # The unit is in the user's scope, so everything below it is: the counters give the
    # totals without counting.
    people_total, member_total = selectors.unit_totals(unit)
    people = paginate(request, selectors.unit_people(request.user, unit), count=people_total)
    # The people section shows national IDs: one Access row per page view.
    log_list_view(request, name=_("Unit page, people"), filters=[(_("unit"), unit.code)], unit=unit)
    members = selectors.unit_members(request.user, unit)
    subunits = selectors.children_of(request.user, unit)
    parent = unit.get_parent()
    context = {
        "unit": unit,
        "parent": parent,
        "parent_visible": parent is not None and scope.can_see(request.user, parent),
        "subunits": subunits,
        "members": members[:50],
        "member_total": member_total,
        "changes": selectors.unit_history(unit)[:20],
        "can_edit": scope.can(request.user, Action.EDIT_UNITS, unit),
        # unit_move: a top unit moves only for those who hold everything.
        "can_move": scope.can(request.user, Action.EDIT_UNITS, unit)
        and (parent is not None or scope.is_everywhere(request.user)),
        **people,
    }
    return render(request, "org/unit.html", context)


@require_GET
def unit_history(request, code):
    unit = selectors.unit_for(request.user, code)
    context = {"unit": unit, **paginate(request, selectors.unit_history(unit))}
    context["changes"] = context["page_obj"]
    return render(request, "org/history.html", context)


def _units_user_may_change(user):
    return scope.units_visible_to(user, Action.EDIT_UNITS)


def unit_create(request):
    user = request.user
    initial = {}
    parent_code = request.GET.get("parent")
    if parent_code:
        parent = selectors.unit_for(user, parent_code, action=Action.EDIT_UNITS)
        initial["parent"] = parent.code
    if not scope.is_everywhere(user) and not scope.paths_for(user, Action.EDIT_UNITS):
        raise PermissionDenied
    form = UnitCreateForm(
        request.POST or None,
        initial=initial,
        parents=_units_user_may_change(user),
        parent_required=not scope.is_everywhere(user),
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


def unit_edit(request, code):
    unit = selectors.unit_for(request.user, code, action=Action.EDIT_UNITS)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(request.POST or None, initial=initial)
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


def unit_move(request, code):
    """Move a unit: the user needs EDIT_UNITS on the unit's old and new parent."""
    user = request.user
    unit = selectors.unit_for(user, code, action=Action.EDIT_UNITS)
    old_parent = unit.get_parent()
    if old_parent is None:
        if not scope.is_everywhere(user):
            raise PermissionDenied
    else:
        scope.require(user, Action.EDIT_UNITS, old_parent)
    form = UnitMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_parent = Unit.objects.filter(code=form.cleaned_data["parent"].strip()).first()
        if new_parent is None or not scope.can_see(user, new_parent):
            form.add_error("parent", _("No unit with this code among your units."))
        elif not scope.can(user, Action.EDIT_UNITS, new_parent):
            form.add_error("parent", _("Your role does not allow changing units there."))
        else:
            try:
                unit = services.unit_move(trace=Trace(user=user), unit=unit, new_parent=new_parent)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Unit %(unit)s moved under %(parent)s.")
                    % {"unit": unit, "parent": new_parent},
                )
                return redirect("org:unit", code=unit.code)
    title = _("Move %(unit)s") % {"unit": unit}
    context = {"form": form, "title": title, "unit": unit, "old_parent": old_parent}
    return render(request, "org/form.html", context)

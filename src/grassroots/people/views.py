"""The person register: list and search, one person's page, create and change."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.downloads import table_response
from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.paging import paginate

from . import sections, selectors, services
from .access import log_export, log_list_view, log_person
from .forms import PersonForm, SearchForm
from .services import PERSON_FIELDS
from .subject_export import as_xlsx


def _filtered(request):
    """The search form and the people it selects. A unit filter that names no unit in
    scope, or several, is a form error listing the candidates; the list is then empty."""
    form = SearchForm(request.GET or None, units=scope.units_visible_to(request.user))
    q = request.GET.get("q", "").strip()
    if form.is_bound and not form.is_valid():
        return form, q, None, selectors.people_for(request.user, q=q).none()
    unit = form.cleaned_data.get("unit") if form.is_bound else None
    return form, q, unit, selectors.people_for(request.user, q=q, unit=unit)


@require_GET
def person_list(request):
    form, q, unit, people = _filtered(request)
    count = 0 if form.errors else selectors.people_count(request.user, q=q, unit=unit)
    context = {
        "form": form,
        "q": q,
        "unit": unit,
        "can_create": scope.is_everywhere(request.user)
        or bool(scope.paths_for(request.user, Action.EDIT_PEOPLE)),
        **paginate(request, selectors.Roster(people), count=count),
    }
    log_list_view(
        request,
        name=_("People list"),
        filters=[(_("search"), q), (_("unit"), unit.code if unit else "")],
        shown=context["page_obj"].object_list,
    )
    return render(request, "people/list.html", context)


@require_GET
def person_export(request, fmt="csv"):
    """The filtered list as the exchange format's people file (CSV or Excel), which
    imports back; every export is logged as an Access row."""
    form, q, unit, people = _filtered(request)
    if form.errors:
        raise Http404
    what = _("People list (search: %(q)s, unit: %(unit)s)") % {
        "q": q or "—",
        "unit": unit.code if unit else "—",
    }
    log_export(request.user, what=what, unit=unit)
    # The queryset itself: the exporter reads it as plain values, a chunk at a time.
    return table_response("people", people, fmt=fmt, filename="people")


@require_GET
def person_detail(request, national_id):
    person = selectors.person_for(request.user, national_id)
    log_person(request, person, what=_("Person page"))
    context = {
        "person": person,
        "memberships": selectors.memberships_of(person),
        "changes": selectors.person_history(person)[:20],
        "person_sections": sections.for_person(request.user, person),
        "can_edit": scope.can(request.user, Action.EDIT_PEOPLE, person.unit),
        "can_export_subject": scope.can(request.user, SUBJECT_EXPORT_ACTION, person.unit),
    }
    return render(request, "people/detail.html", context)


# Who may export everything held on one person: the administrators of the person's unit
# (the organisation committee reviews the access log but may not take the whole file).
SUBJECT_EXPORT_ACTION = Action.MANAGE_ACCOUNTS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def subject_export(request, national_id):
    """Everything held on one person as JSON (or .xlsx with ?format=xlsx); logged."""
    person = selectors.person_for(request.user, national_id, action=SUBJECT_EXPORT_ACTION)
    data = selectors.everything_about(request.user, person)
    log_export(request.user, what=_("Everything held on this person"), person=person)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(as_xlsx(data), content_type=XLSX)
        extension = "xlsx"
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        extension = "json"
    filename = f"person-{person.national_id}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def person_history(request, national_id):
    person = selectors.person_for(request.user, national_id)
    log_person(request, person, what=_("Person history"))
    context = {"person": person, **paginate(request, selectors.person_history(person))}
    context["changes"] = context["page_obj"]
    return render(request, "people/history.html", context)


def _units_for_people(user):
    return scope.units_visible_to(user, Action.EDIT_PEOPLE)


@require_http_methods(["GET", "POST"])
def person_create(request):
    user = request.user
    scope.require_somewhere(user, Action.EDIT_PEOPLE)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = PersonForm(request.POST or None, initial=initial, units=_units_for_people(user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(trace=Trace(user=user), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(person)s registered.") % {"person": person})
            return redirect("people:detail", national_id=person.national_id)
    return render(request, "people/form.html", {"form": form, "title": _("Register a person")})


@require_http_methods(["GET", "POST"])
def person_edit(request, national_id):
    user = request.user
    person = selectors.person_for(user, national_id, action=Action.EDIT_PEOPLE)
    log_person(request, person, what=_("Person form"))
    initial = {field: getattr(person, field) for field in PERSON_FIELDS}
    initial["unit"] = person.unit.code if person.unit else ""
    form = PersonForm(request.POST or None, initial=initial, units=_units_for_people(user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                trace=Trace(user=user), person=person, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(person)s saved.") % {"person": person})
            return redirect("people:detail", national_id=person.national_id)
    title = _("Change %(person)s") % {"person": person}
    return render(request, "people/form.html", {"form": form, "title": title, "person": person})

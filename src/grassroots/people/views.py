"""The person register: list and search, one person's page, create and change."""

import csv
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.paging import paginate

from . import sections, selectors, services
from .access import log_export, log_list_view, log_person
from .forms import PersonForm, SearchForm
from .services import PERSON_FIELDS
from .subject_export import as_xlsx


def _filtered(request):
    form = SearchForm(request.GET or None)
    q = request.GET.get("q", "").strip()
    code = request.GET.get("unit", "").strip()
    unit = selectors.unit_filter_for(request.user, code) if code else None
    return form, q, unit, selectors.people_for(request.user, q=q, unit=unit)


@require_GET
def person_list(request):
    form, q, unit, people = _filtered(request)
    count = selectors.people_count(request.user, q=q, unit=unit)
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
def person_export(request):
    """The filtered list as CSV; every export is logged as an Access row."""
    _form, q, unit, people = _filtered(request)
    what = _("People list (search: %(q)s, unit: %(unit)s)") % {
        "q": q or "—",
        "unit": unit.code if unit else "—",
    }
    log_export(request.user, what=what, unit=unit)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    columns = [f for f in PERSON_FIELDS]
    writer.writerow(columns)
    for person in people.iterator(chunk_size=500):
        row = []
        for field in columns:
            value = getattr(person, field)
            row.append(value.code if field == "unit" and value else value)
        writer.writerow(row)
    return response


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

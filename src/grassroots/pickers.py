"""Choosing a unit or a person by typing: the one place that turns text into a record.

A picker is a plain text input. Without JavaScript the user types a code, a national ID
or a name and sends the form; the field resolves the text within the user's scope. With
JavaScript, `app.js` asks `/pick/units/?q=` or `/pick/people/?q=` while the user types
and offers the answers in the input's `<datalist>` (the browser's own widget, so nothing
is loaded from outside and the input stays a text field).

The text is matched accent-free (`grassroots.vietnamese.fold`): "dang huu tu" finds
Đặng Hữu Tú and "phuong 1" finds "Phường 1". An exact code or national ID wins; otherwise
every word must appear in the name. A wrong or ambiguous entry is a form error that keeps
the input and lists the candidates (never a 404 that loses what was typed).

Scope: a unit field searches the queryset its form gives it (the units the user may act
on); a person field searches the people of the user's scope (`people.selectors`); the
search pages read the same querysets, so a picker never offers what the form would refuse,
nor anything outside the user's units.
"""

from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history.services import record_reads
from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person
from grassroots.people.selectors import looks_like_national_id, search_q
from grassroots.vietnamese import fold

MAX_CANDIDATES = 8
MAX_QUERY = 100
ACTIONS = {
    Action.VIEW,
    Action.EDIT_PEOPLE,
    Action.RECORD_STEP,
    Action.EDIT_UNITS,
    Action.DECIDE,
    Action.MANAGE_ACCOUNTS,
    Action.RESTRUCTURE,
}


# Units -----------------------------------------------------------------------------------


def describe_unit(unit, parent=None):
    """“W1C1 · Residential area 1 · in W1 Ward 1”: the code, the name and the unit above."""
    text = f"{unit.code} · {unit.name}"
    if parent is not None:
        text += " · " + _("in %(parent)s") % {"parent": f"{parent.code} {parent.name}"}
    return text


def _parents(units):
    """The parent of each unit, read in one query (materialized path: parent = path[:-4])."""
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    by_path = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    return {u.pk: by_path.get(u.path[: -Unit.steplen]) for u in units}


def find_units(queryset, text, limit=MAX_CANDIDATES + 1, *, suggest=False):
    """Units of `queryset` matching `text`: the exact code alone if there is one, else
    those whose code starts with the text or whose name holds every word, accent-free.
    To `suggest` while the user types, the exact code comes first among the others."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return []
    exact = queryset.filter(code__iexact=text).first()
    if exact is not None and not suggest:
        return [exact]
    words = fold(text).split()
    folded_code = fold(text).replace(" ", "")
    found = []
    for pk, code, name in queryset.order_by("path").values_list("pk", "code", "name"):
        haystack = fold(name)
        if fold(code).startswith(folded_code) or all(w in haystack for w in words):
            found.append(pk)
            if len(found) >= limit:
                break
    units = Unit.objects.in_bulk(found)
    matched = [units[pk] for pk in found]
    # A name typed in full picks its unit even when longer names contain it too.
    if suggest:
        return sorted(matched, key=lambda u: u != exact)
    same_name = [u for u in matched if fold(u.name) == fold(text)]
    return same_name if len(same_name) == 1 else matched


class PickerInput(forms.TextInput):
    """A text input with an empty `<datalist>` that app.js fills from `data-picker`:
    the search page `search` (a URL name) with `params`."""

    def __init__(self, search="pick:units", params=None, attrs=None):
        super().__init__(attrs)
        self.search = search
        self.params = params or {}

    def search_url(self):
        params = {k: v for k, v in self.params.items() if v}
        url = reverse(self.search)
        return f"{url}?{urlencode(params)}" if params else url

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-choices"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "data-picker": self.search_url(),
                "spellcheck": "false",
            }
        )
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)


class UnitPickerField(forms.Field):
    """A unit typed by code or name, chosen among `queryset` (the units the form allows).

    `action` and `kind` tell the search page which units to offer; they should describe
    the same units as `queryset`."""

    default_error_messages = {
        "none": gettext_lazy("No unit among those you may choose here matches “%(text)s”."),
        "several": gettext_lazy(
            "Several units match “%(text)s”: %(candidates)s. Type the code of one."
        ),
    }

    def __init__(self, queryset, *, action=Action.VIEW, kind=None, **kwargs):
        kwargs.setdefault("widget", PickerInput)
        super().__init__(**kwargs)
        self.queryset = queryset
        self.action = action
        self.kind = kind
        self.widget.search = "pick:units"
        self.widget.params = {"action": action, "kind": kind}
        self.widget.attrs.setdefault("maxlength", str(MAX_QUERY))

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.queryset.all()
        return result

    def prepare_value(self, value):
        return value.code if isinstance(value, Unit) else value

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if isinstance(text, Unit):
            return text
        found = find_units(self.queryset, text)
        if not found:
            raise forms.ValidationError(
                self.error_messages["none"], code="none", params={"text": text}
            )
        if len(found) > 1:
            parents = _parents(found)
            shown = "; ".join(describe_unit(u, parents[u.pk]) for u in found[:MAX_CANDIDATES])
            raise forms.ValidationError(
                self.error_messages["several"],
                code="several",
                params={"text": text, "candidates": shown},
            )
        return found[0]

    def has_changed(self, initial, data):
        return (self.prepare_value(initial) or "") != (data or "")


def unit_from_filter(user, text):
    """The unit a page's `?unit=` filter names: its code, or a name (accent-free) that
    only one unit in the user's scope matches; 404 otherwise, as for a unit out of sight
    (the filter's own datalist offers the candidates while typing)."""
    found = find_units(scope.units_visible_to(user), text)
    if len(found) != 1:
        raise Http404
    return found[0]


# People ----------------------------------------------------------------------------------


def _with_memberships(people):
    return people.select_related("unit").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").order_by("-admitted_on"),
        )
    )


def describe_person(person):
    """“Đặng Hữu Tú (001090000001) · born 1975 · official member · W1”."""
    memberships = list(person.memberships.all())
    status = memberships[0].get_status_display() if memberships else _("not a member")
    unit = person.unit.code if person.unit else ""
    born = _("born %(year)s") % {"year": person.birth_date.year}
    return " · ".join(
        part for part in (f"{person.full_name} ({person.national_id})", born, status, unit) if part
    )


def people_in_scope(user, *, members_only=False):
    """The people the picker may offer `user`: those of the user's units, or (members
    only) the members whose membership lies in the user's units."""
    if members_only:
        people = Person.objects.filter(memberships__isnull=False).distinct()
        return scope.scoped(user, people, unit_field="memberships__unit")
    return scope.scoped(user, Person.objects.all(), unit_field="unit")


def find_people(people, text, limit=MAX_CANDIDATES + 1):
    """People of `people` matching `text`: the exact national ID alone if there is one,
    else the search of the register (every word of the name, accent-free)."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return []
    if looks_like_national_id(text):
        exact = list(_with_memberships(people.filter(national_id=text.upper())))
        if exact:
            return exact
    found = list(
        _with_memberships(people.filter(search_q(text))).order_by("sort_key", "national_id")[:limit]
    )
    same_name = [p for p in found if fold(p.full_name) == fold(text)]
    return same_name if len(same_name) == 1 else found


class PersonPickerField(forms.Field):
    """A person typed by national ID or name, in the acting user's scope (set `user`
    before cleaning, as `ScopedForm` does). Cleans to the Person."""

    default_error_messages = {
        "none": gettext_lazy("Nobody in your units matches “%(text)s”."),
        "several": gettext_lazy(
            "Several people match “%(text)s”: %(candidates)s. Type the national ID."
        ),
    }

    def __init__(self, *, members_only=False, **kwargs):
        kwargs.setdefault("widget", PickerInput)
        super().__init__(**kwargs)
        self.user = None
        self.members_only = members_only
        self.widget.search = "pick:people"
        self.widget.params = {"members": "1" if members_only else ""}
        self.widget.attrs.setdefault("maxlength", str(MAX_QUERY))

    def prepare_value(self, value):
        return value.national_id if isinstance(value, Person) else value

    def candidates(self, text):
        if self.user is None:
            return []
        return find_people(people_in_scope(self.user, members_only=self.members_only), text)

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if isinstance(text, Person):
            return text
        found = self.candidates(text)
        if not found:
            raise forms.ValidationError(
                self.error_messages["none"], code="none", params={"text": text}
            )
        if len(found) > 1:
            record_reads(self.user, what=_("person picker"), shown=found[:MAX_CANDIDATES])
            shown = "; ".join(describe_person(p) for p in found[:MAX_CANDIDATES])
            raise forms.ValidationError(
                self.error_messages["several"],
                code="several",
                params={"text": text, "candidates": shown},
            )
        return found[0]


# Search pages ----------------------------------------------------------------------------


def _query(request):
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


@require_GET
def units(request):
    """Units in the user's scope (for `action`, of `kind`) matching `q`, as JSON."""
    action = request.GET.get("action") or Action.VIEW
    if action not in ACTIONS:
        action = Action.VIEW
    queryset = scope.units_visible_to(request.user, action)
    kind = request.GET.get("kind") or ""
    if kind in Unit.Kind.values:
        queryset = queryset.filter(kind=kind)
    found = find_units(queryset, _query(request), limit=MAX_CANDIDATES, suggest=True)
    parents = _parents(found)
    results = [
        {"value": u.code, "label": describe_unit(u, parents[u.pk]), "name": u.name} for u in found
    ]
    return JsonResponse({"results": results})


@require_GET
def people(request):
    """People in the user's scope (members only with `members=1`) matching `q`, as JSON."""
    members_only = request.GET.get("members") == "1"
    candidates = people_in_scope(request.user, members_only=members_only)
    found = find_people(candidates, _query(request), limit=MAX_CANDIDATES)
    record_reads(request.user, what=_("person picker"), shown=found)
    results = [
        {"value": p.national_id, "label": describe_person(p), "name": p.full_name} for p in found
    ]
    return JsonResponse({"results": results})

"""The unit picker: a unit typed by code or name (grassroots/pickers.py says how pickers work)."""

from django import forms
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.pickers import ACTIONS, MAX_CANDIDATES, MAX_QUERY, PickerInput, query_text
from grassroots.vietnamese import fold

from .models import Unit


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
    found = find_units(queryset, query_text(request), limit=MAX_CANDIDATES, suggest=True)
    parents = _parents(found)
    results = [
        {"value": u.code, "label": describe_unit(u, parents[u.pk]), "name": u.name} for u in found
    ]
    return JsonResponse({"results": results})

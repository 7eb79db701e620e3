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

The unit picker lives with the units (`org/pickers.py`), the person picker with the
register (`people/pickers.py`); this module holds what both share, the input and the
limits.

Scope: a unit field searches the queryset its form gives it (the units the user may act
on); a person field searches the people of the user's scope (`people.selectors`); the
search pages read the same querysets, so a picker never offers what the form would refuse,
nor anything outside the user's units.
"""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from grassroots.accounts.roles import Action

MAX_CANDIDATES = 8
MAX_QUERY = 100
# The actions a unit search may be asked for (anything else searches what the user sees).
ACTIONS = {
    Action.VIEW,
    Action.EDIT_PEOPLE,
    Action.RECORD_STEP,
    Action.EDIT_UNITS,
    Action.DECIDE,
    Action.MANAGE_ACCOUNTS,
    Action.RESTRUCTURE,
}


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


def query_text(request):
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]

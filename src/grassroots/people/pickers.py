"""The person picker: a person typed by national ID or name (grassroots/pickers.py says
how pickers work)."""

from django import forms
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.accounts import scope
from grassroots.history.services import record_reads
from grassroots.pickers import MAX_CANDIDATES, MAX_QUERY, PickerInput, query_text
from grassroots.vietnamese import fold

from .models import Membership, Person
from .selectors import looks_like_national_id, search_q


def _with_memberships(people):
    return people.select_related("unit").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").order_by("-admitted_on"),
        )
    )


def describe_person(person, user=None):
    """“Đặng Hữu Tú (001090000001) · born 1975 · official member · W1”.

    For `user`, only what lies in their sight: a former member of their unit who is now
    registered or a member elsewhere is described by the membership they see, without the
    unit they belong to now."""
    memberships = [
        m for m in person.memberships.all() if user is None or scope.can_see(user, m.unit)
    ]
    status = memberships[0].get_status_display() if memberships else _("not a member")
    shown = person.unit and (user is None or scope.can_see(user, person.unit))
    unit = person.unit.code if shown else ""
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
            shown = "; ".join(describe_person(p, self.user) for p in found[:MAX_CANDIDATES])
            raise forms.ValidationError(
                self.error_messages["several"],
                code="several",
                params={"text": text, "candidates": shown},
            )
        return found[0]


@require_GET
def people(request):
    """People in the user's scope (members only with `members=1`) matching `q`, as JSON."""
    members_only = request.GET.get("members") == "1"
    candidates = people_in_scope(request.user, members_only=members_only)
    found = find_people(candidates, query_text(request), limit=MAX_CANDIDATES)
    record_reads(request.user, what=_("person picker"), shown=found)
    results = [
        {"value": p.national_id, "label": describe_person(p, request.user), "name": p.full_name}
        for p in found
    ]
    return JsonResponse({"results": results})

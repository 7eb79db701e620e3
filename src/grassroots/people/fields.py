"""Form fields that choose someone from the register.

`MemberField` is the one field for choosing a member (an introducer, a mentor): typed by
national ID, or by name, searched accent-free through `selectors.search_q` in the acting
user's scope. A wrong or ambiguous entry gives the form back with the input kept and the
candidates listed. The widget is the picker's text input (grassroots.pickers), which
offers the members of the user's units as the user types.
"""

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts import scope
from grassroots.pickers import PickerInput

from .models import Membership, Person
from .selectors import looks_like_national_id, search_q

MAX_CANDIDATES = 8


def _describe(person, user=None):
    """The candidate as `user` may see them: the memberships of their units (a former
    member now elsewhere is not described by where they are now)."""
    memberships = [
        m for m in person.memberships.all() if user is None or scope.can_see(user, m.unit)
    ]
    status = memberships[0].get_status_display() if memberships else _("not a member")
    if memberships:
        unit = memberships[0].unit.code
    elif person.unit and (user is None or scope.can_see(user, person.unit)):
        unit = person.unit.code
    else:
        unit = ""
    return f"{person.full_name} ({person.national_id}) · {unit} · {status}"


class MemberField(forms.CharField):
    """A member of the register, by national ID or name; cleans to the national ID."""

    default_error_messages = {
        "none": gettext_lazy("No member of the register in your units matches “%(text)s”."),
        "several": gettext_lazy(
            "Several members match “%(text)s”: %(candidates)s. Type the national ID."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", PickerInput("pick:people", {"members": "1"}))
        super().__init__(*args, **kwargs)
        self.user = None

    def candidates(self, text):
        people = (
            Person.objects.filter(memberships__isnull=False)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("unit").order_by("-admitted_on"),
                )
            )
            .distinct()
        )
        if self.user is not None:
            people = scope.scoped(self.user, people, unit_field="memberships__unit")
        if looks_like_national_id(text):
            exact = people.filter(national_id=text.strip().upper())
            if exact.exists():
                return list(exact)
        return list(people.filter(search_q(text)).order_by("sort_key")[: MAX_CANDIDATES + 1])

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        found = self.candidates(value)
        if not found:
            raise forms.ValidationError(self.error_messages["none"], params={"text": value})
        if len(found) > 1:
            shown = "; ".join(_describe(person, self.user) for person in found[:MAX_CANDIDATES])
            raise forms.ValidationError(
                self.error_messages["several"], params={"text": value, "candidates": shown}
            )
        return found[0].national_id

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import form_field
from grassroots.workdays.models import CalendarDay


class CalendarDayForm(forms.Form):
    day = forms.DateField(
        label=_("day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_working_day = forms.TypedChoiceField(
        label=_("the day is"),
        choices=[("0", _("a day off")), ("1", _("a working day"))],
        coerce=lambda value: value == "1",
    )
    note = form_field(CalendarDay, "note", label=_("note"))

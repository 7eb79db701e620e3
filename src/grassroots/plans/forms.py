from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.org.forms import UnitCodeField

from .models import Finding


class TargetForm(forms.Form):
    period_start = forms.DateField(
        label=_("period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minimum = forms.IntegerField(label=_("minimum"), min_value=0)
    stretch = forms.IntegerField(
        label=_("stretch"), min_value=0, required=False,
        help_text=_("The upper end when the plan is a range (e.g. 5–6 a year)."),
    )  # fmt: skip
    women_share = forms.DecimalField(
        label=_("share of women (%)"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    university_share = forms.DecimalField(
        label=_("share of university graduates (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    student_share = forms.DecimalField(
        label=_("share of students (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    non_state_worker_share = forms.DecimalField(
        label=_("share of workers in non-state enterprises (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    resolution_ref = forms.CharField(label=_("resolution"), max_length=120, required=False)
    resolution_date = forms.DateField(
        label=_("resolution date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TargetCreateForm(TargetForm):
    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            units, label=_("unit"), help_text=_("Code of the unit the target is set for.")
        )
        self.order_fields(["unit", *TargetForm.base_fields])


class FindingForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=Finding.Kind.choices)
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 5}))
    follow_up_due = forms.DateField(
        label=_("follow-up due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            units, label=_("unit inspected"), help_text=_("Code of the unit inspected.")
        )
        self.order_fields(["unit", *FindingForm.base_fields])


class FindingCloseForm(forms.Form):
    follow_up_done_on = forms.DateField(
        label=_("follow-up done on"), widget=forms.DateInput(attrs={"type": "date"})
    )

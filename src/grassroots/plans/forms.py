from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.pickers import UnitPickerField

from .models import Finding, Target


class TargetForm(forms.Form):
    period_start = forms.DateField(
        label=_("period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minimum = form_field(Target, "minimum", label=_("minimum"))
    stretch = form_field(
        Target,
        "stretch",
        label=_("stretch"),
        help_text=_("The upper end when the plan is a range (e.g. 5–6 a year)."),
    )
    women_share = form_field(Target, "women_share", label=_("share of women (%)"))
    university_share = form_field(
        Target, "university_share", label=_("share of university graduates (%)")
    )
    student_share = form_field(Target, "student_share", label=_("share of students (%)"))
    non_state_worker_share = form_field(
        Target, "non_state_worker_share", label=_("share of workers in non-state enterprises (%)")
    )
    resolution_ref = form_field(Target, "resolution_ref", label=_("resolution"))
    resolution_date = forms.DateField(
        label=_("resolution date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TargetCreateForm(TargetForm):
    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(
            units,
            label=_("unit"),
            action=Action.DECIDE,
            help_text=_("Code or name of the unit the target is set for."),
        )
        self.order_fields(["unit", *TargetForm.base_fields])


class FindingForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=Finding.Kind.choices)
    findings = form_field(
        Finding, "findings", label=_("findings"), widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up_due = forms.DateField(
        label=_("follow-up due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(
            units,
            label=_("unit inspected"),
            action=Action.DECIDE,
            help_text=_("Code or name of the unit inspected."),
        )
        self.order_fields(["unit", *FindingForm.base_fields])


class FindingCloseForm(forms.Form):
    follow_up_done_on = forms.DateField(
        label=_("follow-up done on"), widget=forms.DateInput(attrs={"type": "date"})
    )

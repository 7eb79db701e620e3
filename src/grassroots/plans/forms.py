from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.pickers import UnitPickerField

from .models import Finding, Target

# ISO in the value: a date input takes no other form, whatever the language's format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TargetForm(forms.Form):
    period_start = forms.DateField(label=_("period start"), widget=DATE)
    period_end = forms.DateField(label=_("period end"), widget=DATE)
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
    resolution_date = forms.DateField(label=_("resolution date"), required=False, widget=DATE)


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
    date = forms.DateField(label=_("date"), widget=DATE)
    kind = forms.ChoiceField(label=_("kind"), choices=Finding.Kind.choices)
    findings = form_field(
        Finding, "findings", label=_("findings"), widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up_due = forms.DateField(label=_("follow-up due"), required=False, widget=DATE)

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
    follow_up_done_on = forms.DateField(label=_("follow-up done on"), widget=DATE)


class AllocationForm(forms.Form):
    """One minimum (and one stretch when the target has one) for each unit below; the
    numbers must add up to the target's."""

    def __init__(self, *args, target, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.rows = rows
        for row in rows:
            code = row["unit"].code
            # The inputs stand in a table without their own <label>: they carry it.
            label = _("minimum for %(unit)s") % {"unit": row["name"]}
            self.fields[f"minimum_{code}"] = forms.IntegerField(
                label=label,
                min_value=0,
                initial=row["minimum"],
                widget=forms.NumberInput(
                    attrs={"data-allocate": "minimum", "min": 0, "aria-label": label}
                ),
            )
            if target.stretch is not None:
                label = _("stretch for %(unit)s") % {"unit": row["name"]}
                self.fields[f"stretch_{code}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    initial=row["stretch"],
                    widget=forms.NumberInput(
                        attrs={"data-allocate": "stretch", "min": 0, "aria-label": label}
                    ),
                )

    def clean(self):
        data = super().clean()
        checks = [("minimum", self.target.minimum)]
        if self.target.stretch is not None:
            checks.append(("stretch", self.target.stretch))
        for kind, total in checks:
            values = [data.get(f"{kind}_{row['unit'].code}") for row in self.rows]
            if any(v is None for v in values):
                continue
            if sum(values) != total:
                message = (
                    _("The minimums add up to %(sum)s, not to the target's %(target)s.")
                    if kind == "minimum"
                    else _("The stretch targets add up to %(sum)s, not to the target's %(target)s.")
                )
                self.add_error(None, message % {"sum": sum(values), "target": total})
        return data

    def shares(self):
        """{unit: (minimum, stretch)} from the cleaned numbers."""
        data = self.cleaned_data
        return {
            row["unit"]: (
                data[f"minimum_{row['unit'].code}"],
                data.get(f"stretch_{row['unit'].code}"),
            )
            for row in self.rows
        }

    def bound_rows(self):
        """The proposal's rows, each with its minimum and stretch fields."""
        for row in self.rows:
            code = row["unit"].code
            yield {
                **row,
                "minimum_field": self[f"minimum_{code}"],
                "stretch_field": self[f"stretch_{code}"]
                if f"stretch_{code}" in self.fields
                else None,
            }

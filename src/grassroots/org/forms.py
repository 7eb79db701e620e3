from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.pickers import UnitPickerField

from .models import Cluster, Sector, Unit, UnitEvent

# A unit typed by code or name, chosen among the units the form allows (grassroots.pickers).
UnitCodeField = UnitPickerField


# The browser's date picker, the value written as ISO 8601 (what the field reads back).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitForm(forms.Form):
    code = form_field(Unit, "code", label=_("code"))
    name = form_field(Unit, "name", label=_("name"))
    kind = forms.ChoiceField(label=_("kind"), choices=Unit.Kind.choices)
    cluster = forms.ModelChoiceField(
        label=_("cluster"),
        queryset=Cluster.objects.all(),
        required=False,
        help_text=_("Leave empty to inherit the cluster of the unit above."),
    )
    sector = forms.ModelChoiceField(
        label=_("sector"),
        queryset=Sector.objects.all(),
        required=False,
        help_text=_("Leave empty to inherit the sector of the unit above."),
    )
    valid_from = forms.DateField(label=_("valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("valid until"), required=False, widget=DATE)


class UnitCreateForm(UnitForm):
    field_order = ["parent"]

    def __init__(self, *args, parents, parent_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitCodeField(
            parents,
            label=_("parent unit"),
            required=parent_required,
            action=Action.EDIT_UNITS,
            help_text=_("Code or name of the unit the new unit belongs to."),
        )
        self.order_fields(["parent", *UnitForm.base_fields])


class UnitMoveForm(forms.Form):
    parent = form_field(
        Unit,
        "code",
        label=_("new parent unit"),
        help_text=_("Code of the unit to move this unit (and everything below it) under."),
    )


class EventForm(forms.Form):
    """What every restructuring form asks: the effective date and the resolution."""

    day = forms.DateField(
        label=_("effective date"),
        widget=DATE,
        help_text=_("The first day of the new structure (YYYY-MM-DD); today or earlier."),
    )
    reference = form_field(
        UnitEvent,
        "reference",
        label=_("resolution"),
        help_text=_("Number and date of the resolution that decided it."),
    )


class UnitsInSightForm(EventForm):
    """Units named in a restructuring form are chosen among those the user may see."""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, UnitPickerField):
                field.queryset = units


class MoveEventForm(UnitsInSightForm):
    field_order = ["parent", "day", "reference"]
    parent = UnitPickerField(
        Unit.objects.none(),
        label=_("new parent unit"),
        help_text=_("Code or name of the unit to move this unit (and everything below it) under."),
    )


class RenameEventForm(EventForm):
    field_order = ["name", "day", "reference"]
    name = form_field(Unit, "name", label=_("new name"))


class MergeEventForm(UnitsInSightForm):
    field_order = ["others", "into", "name", "parent", "day", "reference"]
    others = forms.CharField(
        label=_("other units merged"),
        max_length=2000,
        required=False,
        help_text=_("Codes of the units merged with this one, separated by commas."),
    )
    into = forms.CharField(
        label=_("into unit"),
        max_length=40,
        help_text=_(
            "Code of the unit that absorbs them, or a new code for a unit made by the merge."
        ),
    )
    name = form_field(
        Unit,
        "name",
        label=_("name of the new unit"),
        required=False,
        help_text=_("Only for a new unit."),
    )
    parent = UnitPickerField(
        Unit.objects.none(),
        label=_("parent of the new unit"),
        required=False,
        help_text=_("Only for a new unit; empty: where this unit stands."),
    )

    def codes(self):
        return [c.strip() for c in self.cleaned_data.get("others", "").split(",") if c.strip()]


class SplitEventForm(EventForm):
    field_order = ["units", "assign", "day", "reference"]
    units = forms.CharField(
        label=_("new units"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One new unit a line: code, then a comma, then its name. The first one "
            "receives whatever is not assigned below."
        ),
    )
    assign = forms.CharField(
        label=_("assignments"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Optional, CSV with the header key,unit_code: a person's national ID or "
            "a subunit's code, and the new unit it goes to."
        ),
    )

    def clean_units(self):
        made = []
        for number, line in enumerate(self.cleaned_data["units"].splitlines(), start=1):
            if not line.strip():
                continue
            code, _sep, name = line.partition(",")
            if not code.strip() or not name.strip():
                raise forms.ValidationError(
                    _("Line %(line)d: write the code, a comma and the name.") % {"line": number}
                )
            made.append((code.strip(), name.strip()))
        return made


class CloseEventForm(EventForm):
    pass


class TreeDayForm(forms.Form):
    on = forms.DateField(label=_("structure on"), required=False, widget=DATE)

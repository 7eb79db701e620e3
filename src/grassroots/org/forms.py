from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cluster, Sector, Unit


class UnitCodeField(forms.ModelChoiceField):
    """A unit typed by its code, chosen among the units the form allows."""

    widget = forms.TextInput

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("No unit with this code among the units you may change.")},
        )
        super().__init__(queryset, to_field_name="code", **kwargs)


class UnitForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
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
    valid_from = forms.DateField(label=_("valid from"), required=False)
    valid_to = forms.DateField(label=_("valid until"), required=False)


class UnitCreateForm(UnitForm):
    field_order = ["parent"]

    def __init__(self, *args, parents, parent_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitCodeField(
            parents,
            label=_("parent unit"),
            required=parent_required,
            help_text=_("Code of the unit the new unit belongs to."),
        )
        self.order_fields(["parent", *UnitForm.base_fields])


class UnitMoveForm(forms.Form):
    parent = forms.CharField(
        label=_("new parent unit"),
        max_length=40,
        help_text=_("Code of the unit to move this unit (and everything below it) under."),
    )

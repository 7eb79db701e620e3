from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.org.forms import UnitCodeField

from .models import Education, Gender


class PersonForm(forms.Form):
    """The person's fields; the service validates them again and names bad fields."""

    national_id = forms.CharField(label=_("national ID"), max_length=20)
    full_name = forms.CharField(label=_("full name"), max_length=200)
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
    birth_date = forms.DateField(
        label=_("birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = None  # set in __init__: the units the user may change people in
    ethnicity = forms.CharField(label=_("ethnicity"), max_length=60, required=False)
    ethnic_minority = forms.BooleanField(label=_("ethnic minority"), required=False)
    religion = forms.CharField(label=_("religion"), max_length=60, required=False)
    education = forms.ChoiceField(
        label=_("education"), choices=[("", "—"), *Education.choices], required=False
    )
    occupation = forms.CharField(label=_("occupation"), max_length=120, required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            units,
            label=_("unit"),
            help_text=_("Code of the unit where the person lives, works or studies."),
        )
        self.order_fields(["national_id", "full_name", "gender", "birth_date", "unit"])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or national ID"), required=False)
    unit = forms.CharField(label=_("Unit code"), required=False)

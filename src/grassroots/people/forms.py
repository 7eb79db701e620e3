from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.pickers import UnitPickerField

from .models import Education, Gender, Occupation, Person


class PersonForm(forms.Form):
    """The person's fields; the service validates them again and names bad fields."""

    national_id = form_field(Person, "national_id", label=_("national ID"))
    full_name = form_field(Person, "full_name", label=_("full name"))
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
    birth_date = forms.DateField(
        label=_("birth date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    unit = None  # set in __init__: the units the user may change people in
    ethnicity = form_field(Person, "ethnicity", label=_("ethnicity"))
    ethnic_minority = forms.BooleanField(label=_("ethnic minority"), required=False)
    religion = form_field(Person, "religion", label=_("religion"))
    education = forms.ChoiceField(
        label=_("education"), choices=[("", "—"), *Education.choices], required=False
    )
    occupation = forms.ChoiceField(
        label=_("occupation"),
        choices=[("", "—"), *Occupation.choices],
        required=False,
        help_text=_("The group of the statistical form."),
    )
    job_title = form_field(Person, "job_title", label=_("job title"))
    youth_union = forms.BooleanField(label=_("Youth Union member"), required=False)
    phone = form_field(Person, "phone", label=_("phone"))
    email = form_field(Person, "email", label=_("e-mail"))
    address = form_field(Person, "address", label=_("address"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(
            units,
            label=_("unit"),
            action=Action.EDIT_PEOPLE,
            help_text=_("Code or name of the unit where the person lives, works or studies."),
        )
        self.order_fields(["national_id", "full_name", "gender", "birth_date", "unit"])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or national ID"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(units, label=_("Unit"), required=False)

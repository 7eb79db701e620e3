from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class RoleGrantForm(forms.Form):
    unit = forms.CharField(label=_("unit code"), max_length=40)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)


class UserCreateForm(RoleGrantForm):
    username = forms.CharField(label=_("user name"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    field_order = ["username", "first_name", "last_name", "email", "password", "unit", "role"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("token name"), max_length=100, help_text=_("What the token is for, e.g. a script.")
    )

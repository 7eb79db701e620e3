from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import form_field
from grassroots.org.pickers import UnitPickerField

from . import services, twofactor
from .models import ApiToken, Role
from .roles import Action


class RoleGrantForm(forms.Form):
    """A role on a unit the administrator manages accounts in (`units`, from the scope)."""

    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(
            units,
            label=_("unit"),
            action=Action.MANAGE_ACCOUNTS,
            help_text=_("Code or name of the unit; the role holds there and below."),
        )
        self.order_fields(self.field_order or ["unit", "role"])


class UserCreateForm(RoleGrantForm):
    username = forms.CharField(label=_("user name"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password = forms.CharField(
        label=_("one-time password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("Tell it to the holder: they must choose their own at the first log-in."),
    )
    field_order = ["username", "first_name", "last_name", "email", "password", "unit", "role"]

    def clean(self):
        """The service's own checks (a name taken, the password rules) beside the fields'
        checks, so that every error shows in one round; a field keeps its first error."""
        data = super().clean()
        errors = services.new_account_errors(
            **{
                name: data.get(name) or ""
                for name in ("username", "password", "role", "first_name", "last_name", "email")
            }
        )
        for name, messages in errors.items():
            if name not in self.errors and name in self.fields:
                self.add_error(name, messages)
        return data


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("new one-time password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("The holder must choose their own at the next log-in."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES)


class TokenForm(forms.Form):
    name = form_field(
        ApiToken,
        "name",
        label=_("token name"),
        help_text=_("What the token is for, e.g. a script."),
    )


class LoginForm(AuthenticationForm):
    """User name and password, and the code of the second factor for those who set one
    up. Any failure gives the same message, so that a right password with a wrong code
    tells a guesser nothing; a wrong code counts as a failed log-in for the lock-out."""

    otp_token = forms.CharField(
        label=_("code from your authenticator app"),
        help_text=_("Only if you set up a second factor."),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Enter a correct user name and password, and the code from your authenticator "
            "app if you set one up. Both fields may be case-sensitive."
        ),
    }

    def clean(self):
        cleaned = super().clean()
        device = twofactor.device_of(self.user_cache) if self.user_cache else None
        if device is not None and not twofactor.verify(device, cleaned.get("otp_token")):
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned.get("username")},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        return cleaned


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.inputs import form_field, plain_text
from grassroots.org.models import Unit
from grassroots.org.pickers import UnitPickerField
from grassroots.people.models import Membership
from grassroots.people.pickers import PersonPickerField

from .models import Transfer
from .services import END_REASON_MAX_LENGTH, LEAVE_NOTE_MAX_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The dues month is typed as the register keeps it (models.month_validator): in words.
DUES_MONTH_HELP = _("Year and month, written YYYY-MM (for example 2026-03).")


def _unit_choices_field(queryset, **kwargs):
    return UnitPickerField(queryset, **kwargs)


class TransferIssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Transfer.Kind.choices)
    issued_on = forms.DateField(label=_("date of the introduction letter"), widget=DateInput())
    to_unit = _unit_choices_field(
        Unit.objects.filter(valid_to__isnull=True),
        label=_("receiving unit in the system"),
        required=False,
    )
    destination = form_field(Transfer, "destination", label=_("or destination outside the system"))
    destination_type = forms.ChoiceField(
        label=_("destination type"),
        choices=[("", "—"), *Transfer.DestinationType.choices],
        required=False,
    )
    ends_on = forms.DateField(
        label=_("temporary until"),
        widget=DateInput(),
        required=False,
        help_text=_("For a temporary transfer: the day it is planned to end."),
    )
    letter_no = form_field(Transfer, "letter_no", label=_("letter number"))
    dues_paid_until = form_field(
        Transfer, "dues_paid_until", label=_("dues paid until (month)"), help_text=DUES_MONTH_HELP
    )
    note = form_field(Transfer, "note", label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))


class TransferEndForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[
            ("returned", _("the member returns to the sending unit")),
            ("made_official", _("the transfer becomes official")),
        ],
    )
    reason = forms.CharField(
        label=_("note"),
        required=False,
        max_length=END_REASON_MAX_LENGTH,
        validators=[plain_text],
    )


class TransferReceiveForm(forms.Form):
    arrived_on = forms.DateField(label=_("arrived on"), widget=DateInput())


class TransferCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class MembershipLeaveForm(forms.Form):
    """That a member left: the day, the reason (the rule set's list) and a note."""

    ended_on = forms.DateField(label=_("left on"), widget=DateInput())
    reason = forms.ChoiceField(label=_("reason for leaving"))
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=LEAVE_NOTE_MAX_LENGTH,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the number and date of the committee's decision."),
    )

    def __init__(self, *args, leave_reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *leave_reasons]


class MembershipLeaveUndoForm(forms.Form):
    reason = forms.CharField(
        label=_("why the leaving is taken back"),
        max_length=LEAVE_NOTE_MAX_LENGTH,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChoosePersonForm(forms.Form):
    """Whom to transfer: a person of the user's units, by national ID or name."""

    who = PersonPickerField(label=_("member (national ID or name)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].user = user


class TransferIncomingForm(forms.Form):
    national_id = PersonPickerField(
        label=_("person (national ID or name)"),
        help_text=_("Register the person first if they are new."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Transfer.Kind.choices)
    origin = form_field(
        Transfer, "origin", label=_("coming from (outside the system)"), required=True
    )
    to_unit = _unit_choices_field(
        Unit.objects.none(), label=_("receiving unit"), action=Action.RECORD_STEP
    )
    issued_on = forms.DateField(label=_("date of the introduction letter"), widget=DateInput())
    arrived_on = forms.DateField(label=_("arrived on"), widget=DateInput())
    membership_status = forms.ChoiceField(
        label=_("membership status on the letter"),
        choices=[
            (Membership.Status.OFFICIAL, Membership.Status.OFFICIAL.label),
            (Membership.Status.PROBATIONARY, Membership.Status.PROBATIONARY.label),
        ],
        help_text=_("For an official transfer: the member is counted in the receiving unit."),
    )
    admitted_on = forms.DateField(
        label=_("admitted on (decision date)"), widget=DateInput(), required=False
    )
    letter_no = form_field(Transfer, "letter_no", label=_("letter number"))
    dues_paid_until = form_field(
        Transfer, "dues_paid_until", label=_("dues paid until (month)"), help_text=DUES_MONTH_HELP
    )
    note = form_field(Transfer, "note", label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_id"].user = user
        self.fields["to_unit"].queryset = scope.units_visible_to(user, Action.RECORD_STEP).order_by(
            "path"
        )


class TransferFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all")), *Transfer.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("all")), *Transfer.Kind.choices], required=False
    )
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=[
            ("", _("all")),
            ("within", _("within the system")),
            ("out", _("out of the system")),
            ("in", _("into the system")),
        ],
        required=False,
    )

"""Forms of the pipeline pages. Step forms are built from the rule set's field lists."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.models import Unit
from grassroots.org.pickers import UnitPickerField
from grassroots.people.fields import MemberField
from grassroots.people.models import Education
from grassroots.people.pickers import PersonPickerField

from . import engine
from .models import Confirmation, Course, Dossier, DossierStep, Enrollment, Source
from .rules import get_rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(user, action, kind=None):
    units = scope.units_visible_to(user, action).order_by("path")
    if kind:
        units = units.filter(kind=kind)
    return units


class PersonByIdField(PersonPickerField):
    """A person typed by national ID or name, looked up in the user's scope only."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("The person's national ID, or their name."))
        super().__init__(*args, **kwargs)


class ScopedForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, PersonPickerField | MemberField):
                field.user = user


class SourceForm(ScopedForm):
    person = PersonByIdField(label=_("person"))
    unit = UnitPickerField(Unit.objects.none(), label=_("unit"), action=Action.EDIT_PEOPLE)
    nominated_on = forms.DateField(label=_("nominated on"), widget=DATE)
    category = forms.ChoiceField(label=_("category"), choices=Source.Category.choices)
    mentor = PersonByIdField(label=_("mentor"), required=False)
    nominated_by = form_field(Source, "nominated_by", label=_("nominated by"))
    note = form_field(Source, "note", label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(self.user, Action.EDIT_PEOPLE)
        self.fields["nominated_on"].initial = timezone.localdate()


class SourceEditForm(ScopedForm):
    """The status is not here: it follows from the facts (pipeline.status)."""

    category = forms.ChoiceField(label=_("category"), choices=Source.Category.choices)
    mentor = PersonByIdField(label=_("mentor"), required=False)
    note = form_field(Source, "note", label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class SourceFilterForm(forms.Form):
    q = forms.CharField(label=_("name or ID"), required=False)
    category = forms.ChoiceField(
        label=_("category"), required=False, choices=[("", "—"), *Source.Category.choices]
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", "—"), *Source.Status.choices]
    )
    education = forms.ChoiceField(
        label=_("education"), required=False, choices=[("", "—"), *Education.choices]
    )
    min_age = forms.IntegerField(label=_("age from"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("age to"), required=False, min_value=0, max_value=120)


class CourseForm(ScopedForm):
    code = form_field(Course, "code", label=_("code"))
    organizer = UnitPickerField(
        Unit.objects.none(), label=_("organising unit"), action=Action.EDIT_UNITS
    )
    title = form_field(Course, "title", label=_("title"))
    start_date = forms.DateField(label=_("start date"), widget=DATE)
    end_date = forms.DateField(label=_("end date"), widget=DATE)
    place = form_field(Course, "place", label=_("place"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = _units(self.user, Action.EDIT_UNITS)


class EnrollmentResultForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("result"), choices=Enrollment.Result.choices)
    certificate_no = form_field(Enrollment, "certificate_no", label=_("certificate number"))
    certificate_date = forms.DateField(label=_("certificate date"), required=False, widget=DATE)

    def __init__(self, *args, row=None, **kwargs):
        if row is not None:
            kwargs["auto_id"] = f"r{row}_%s"
        super().__init__(*args, **kwargs)
        if row is not None:
            # One row of a table: the inputs join the row's <form> by its id.
            for field in self.fields.values():
                field.widget.attrs["form"] = f"result-{row}"


class DossierOpenForm(ScopedForm):
    person = PersonByIdField(label=_("person"))
    unit = UnitPickerField(
        Unit.objects.none(), label=_("cell"), action=Action.RECORD_STEP, kind=Unit.Kind.CELL
    )
    opened_on = forms.DateField(label=_("opened on"), widget=DATE)
    readmission = forms.BooleanField(label=_("readmission"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(self.user, Action.RECORD_STEP, Unit.Kind.CELL)
        self.fields["opened_on"].initial = timezone.localdate()


def _data_field(field):
    common = {"label": field.label, "required": False, "help_text": field.help}
    if field.kind == "int":
        return forms.IntegerField(**common)
    if field.kind == "bool":
        return forms.BooleanField(**common)
    if field.kind == "date":
        return forms.DateField(widget=DATE, **common)
    if field.kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *field.choices], **common)
    if field.kind == "member":
        return MemberField(**common)
    return forms.CharField(max_length=200, **common)


def exception_fields():
    """The written approval that sets a rule aside (rules.RULE_TABLE says which may be)."""
    levels = [("", "—"), *get_rules().approving_levels]
    return {
        "exception_level": forms.ChoiceField(
            label=_("exception approved by"), choices=levels, required=False
        ),
        "exception_document_no": form_field(
            DossierStep, "exception_document_no", label=_("approval document number")
        ),
        "exception_document_date": forms.DateField(
            label=_("approval document date"), required=False, widget=DATE
        ),
        "exception_reason": form_field(
            DossierStep,
            "exception_reason",
            label=_("reason for setting a rule aside"),
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_(
                "Only for a decision-maker, with the written approval of the level the rule names."
            ),
        ),
    }


EXCEPTION_FIELDS = (
    "exception_level",
    "exception_document_no",
    "exception_document_date",
    "exception_reason",
)


class StepForm(forms.Form):
    """The form for one step; its data fields come from the rule set.

    Data fields are not `required` here: the engine decides what a step needs and says so
    with the rule's name. Introducers are chosen from the register (`MemberField`).
    """

    step = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("date"), widget=DATE)
    document_no = form_field(DossierStep, "document_no", label=_("document number"))
    attachment = forms.FileField(label=_("scan (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, step, readmission=False, may_decide=False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        rules = get_rules()
        self.step_def = rules.step(step)
        self.fields["step"].initial = step
        self.data_fields = []
        for field in self.step_def.fields:
            if field.readmission_only and not readmission:
                continue
            self.fields[field.name] = _data_field(field)
            self.data_fields.append(field.name)
            if isinstance(self.fields[field.name], MemberField):
                self.fields[field.name].user = user
        if may_decide:
            self.fields.update(exception_fields())
        order = ["step", "date", *self.data_fields, "document_no", "attachment"]
        self.order_fields([*order, *EXCEPTION_FIELDS])

    def step_data(self):
        return {name: self.cleaned_data.get(name) for name in self.data_fields}

    def exception(self):
        return {
            name: self.cleaned_data.get(name) for name in EXCEPTION_FIELDS if name in self.fields
        }


class CorrectForm(StepForm):
    """Correct a recorded step: the same fields, filled with what was recorded, and why."""

    reason = forms.CharField(
        label=_("reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["attachment"]
        self.order_fields(["reason"])


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for annulling"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FailedVoteForm(forms.Form):
    """A cell vote that did not reach two thirds (services.failed_cell_vote_record)."""

    date = forms.DateField(label=_("date of the vote"), widget=DATE)
    present = forms.IntegerField(
        label=_("official members present"), min_value=0, max_value=engine.MAX_COUNT
    )
    in_favour = forms.IntegerField(
        label=_("votes in favour"), min_value=0, max_value=engine.MAX_COUNT
    )
    against = forms.IntegerField(label=_("votes against"), min_value=0, max_value=engine.MAX_COUNT)


class MemberRecordForm(forms.Form):
    completed_on = forms.DateField(label=_("member's record completed on"), widget=DATE)


class ConfirmationForm(forms.Form):
    """The cell's vote on recognition (counted) and, once taken, the committee's decision."""

    cell_vote_date = forms.DateField(label=_("cell vote date"), widget=DATE)
    present = forms.IntegerField(label=_("official members present"), min_value=0)
    in_favour = forms.IntegerField(label=_("votes in favour"), min_value=0)
    against = forms.IntegerField(label=_("votes against"), min_value=0)
    decided_on = forms.DateField(
        label=_("decided on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty while the committee has not decided."),
    )
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[("", "—"), *Confirmation.Outcome.choices], required=False
    )
    decision_no = form_field(Confirmation, "decision_no", label=_("decision number"))
    extended = forms.BooleanField(
        label=_("decision time limit extended by 30 working days"), required=False
    )

    def __init__(self, *args, voted=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(exception_fields())
        if voted is not None:
            # The vote is recorded: only the decision remains.
            for name in ("cell_vote_date", "present", "in_favour", "against"):
                del self.fields[name]
            self.fields["decided_on"].required = True
            self.fields["outcome"].required = True


class CloseForm(forms.Form):
    reason = form_field(
        Dossier,
        "closed_reason",
        label=_("reason for closing"),
        required=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

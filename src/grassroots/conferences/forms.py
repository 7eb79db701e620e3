from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.models import Role
from grassroots.accounts.roles import Action
from grassroots.inputs import form_field
from grassroots.org.models import Cluster, Sector
from grassroots.org.pickers import UnitPickerField
from grassroots.people.pickers import PersonPickerField

from .models import Conclusion, Conference, Participation, Recognition, Task


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConferenceForm(forms.Form):
    GROUPINGS = (
        ("cluster", _("a cluster")),
        ("sector", _("a sector")),
        ("units", _("units chosen one by one")),
    )
    grouping = forms.ChoiceField(label=_("conference of"), choices=GROUPINGS, initial="cluster")
    cluster = forms.ModelChoiceField(
        label=_("cluster"), queryset=Cluster.objects.order_by("name"), required=False
    )
    sector = forms.ModelChoiceField(
        label=_("sector"), queryset=Sector.objects.order_by("name"), required=False
    )
    title = form_field(Conference, "title", label=pgettext_lazy("conference", "title"))
    date = _date(_("date"))
    place = form_field(Conference, "place", label=_("place"))
    chair = form_field(Conference, "chair", label=_("chair"))
    period_from = _date(_("period from"))
    period_to = _date(_("period to"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = UnitPickerField(
            units,
            label=_("committee"),
            action=Action.DECIDE,
            help_text=_("Code or name of the unit whose committee holds the conference."),
        )
        self.order_fields(["committee", *ConferenceForm.base_fields])

    def clean(self):
        data = super().clean()
        grouping = data.get("grouping")
        if grouping == "cluster" and not data.get("cluster"):
            self.add_error("cluster", _("Choose the cluster."))
        if grouping == "sector" and not data.get("sector"):
            self.add_error("sector", _("Choose the sector."))
        if grouping != "cluster":
            data["cluster"] = None
        if grouping != "sector":
            data["sector"] = None
        return data


class AttendanceForm(forms.Form):
    present = forms.NullBooleanField(
        label=_("present"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", "–"), ("true", _("present")), ("false", _("absent"))]
        ),
    )
    attendees = form_field(Participation, "attendees", label=_("attendees"), required=False)
    invited = form_field(Participation, "invited", label=_("invited"), required=False)


TASK_ROWS = 3


class ConclusionForm(forms.Form):
    """A conclusion and up to three tasks (a row left empty is no task)."""

    text = form_field(
        Conclusion, "text", label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, TASK_ROWS + 1):
            self.fields[f"task{n}_unit"] = UnitPickerField(
                units, label=_("unit"), required=False, action=Action.VIEW
            )
            self.fields[f"task{n}_role"] = forms.ChoiceField(
                label=_("responsible"),
                choices=Role.choices,
                initial=Role.SECRETARY,
                required=False,
            )
            self.fields[f"task{n}_action"] = form_field(
                Task, "action", label=_("what to do"), required=False
            )
            self.fields[f"task{n}_due_on"] = _date(_("due on"), required=False)

    def task_rows(self):
        return [
            [self[f"task{n}_{name}"] for name in ("unit", "role", "action", "due_on")]
            for n in range(1, TASK_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        tasks = []
        for n in range(1, TASK_ROWS + 1):
            unit, action, due_on = (data.get(f"task{n}_{k}") for k in ("unit", "action", "due_on"))
            if not (unit or action or due_on):
                continue
            missing = False
            for key, value in (("unit", unit), ("action", action), ("due_on", due_on)):
                if not value and f"task{n}_{key}" not in self.errors:
                    self.add_error(
                        f"task{n}_{key}", _("A task needs a unit, what to do and a date.")
                    )
                    missing = True
            if not missing:
                tasks.append(
                    {
                        "unit": unit,
                        "role": data.get(f"task{n}_role") or Role.SECRETARY,
                        "action": action,
                        "due_on": due_on,
                    }
                )
        data["tasks"] = tasks
        return data


class TaskCompleteForm(forms.Form):
    completed_on = _date(_("completed on"))
    note = form_field(
        Task, "completion_note", label=_("note"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Recognition.Kind.choices)
    date = _date(_("date"))
    text = form_field(
        Recognition, "text", label=_("what was found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = form_field(
        Recognition,
        "decision",
        label=_("decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was decided (praise, reward, correction, sanction), as written."),
    )
    document_ref = form_field(Recognition, "document_ref", label=_("document"))

    def __init__(self, *args, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(units, label=_("unit"))
        self.fields["person"] = PersonPickerField(
            label=_("person (national ID or name)"), required=False
        )
        self.fields["person"].user = user
        self.order_fields(["kind", "unit", "person", *RecognitionForm.base_fields])

from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from grassroots.pickers import PickerInput

from .format import FILES

# What each file of the format holds, for the export's check boxes; the file's own name
# (its sheet or CSV file, the exchange contract) follows in brackets.
FILE_LABELS = {
    "units": _("units"),
    "people": _("people"),
    "sources": _("sources"),
    "courses": _("courses"),
    "enrollments": _("enrolments"),
    "admissions": _("admissions"),
    "confirmations": _("confirmations"),
    "transfers": _("transfers"),
    "targets": _("targets"),
    "unit_versions": _("unit versions"),
    "restructurings": _("restructurings"),
    "split_assignments": _("split assignments"),
    "dossiers": _("dossiers"),
    "dossier_steps": _("dossier steps"),
    "failed_cell_votes": _("failed cell votes"),
    "members": _("members"),
    "findings": _("supervision findings"),
    "conferences": _("conferences"),
    "conference_tasks": _("conference tasks"),
    "recognitions": _("praise and criticism"),
}

UPLOAD_SUFFIXES = (".xlsx", ".zip", ".csv")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("data set"),
        help_text=_(
            "An .xlsx workbook, a .zip of CSV files, or one CSV file named after its table "
            "(people.csv)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx, .zip or .csv file."))
        return upload


class ExportForm(forms.Form):
    unit = forms.CharField(
        label=_("unit code"),
        max_length=40,
        required=False,
        # Suggests the codes of the user's units as they type (grassroots.pickers).
        widget=PickerInput("pick:units"),
        help_text=_("The unit and everything below it; empty for your own top unit."),
    )
    format = forms.ChoiceField(
        label=_("format"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV files (.zip)"))],
        initial="xlsx",
        required=False,
    )
    only = forms.MultipleChoiceField(
        label=_("tables"),
        choices=[
            (name, format_lazy("{} ({})", capfirst(FILE_LABELS[name]), name)) for name in FILES
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all tables."),
    )

    def clean_format(self):
        return self.cleaned_data.get("format") or "xlsx"

"""The Excel template to start a data set from: an instructions sheet in the user's
language, then one sheet per file of the format with its header row, an example row and a
drop-down list on every column that takes a vocabulary.

The example rows refer to each other (the example person lives in the example unit), so
the template imports as it is; a sheet without an example (split_assignments) says so on
the instructions sheet. The instructions sheet is not read by
the importer (`is_instructions`).
"""

import datetime as dt
import decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grassroots import sheets

from .format import COLUMNS, DATE, FILES, INT, KEYS, YESNO

INSTRUCTIONS = gettext_noop("Instructions")

D = dt.date
# Example rows, one or two per sheet, that refer to each other: together they import.
EXAMPLES = {
    "units": [
        {"code": "TOWN", "name": "Town committee", "kind": "committee", "cluster": "Gò Nổi"},
        {
            "code": "W1",
            "name": "Ward One",
            "kind": "committee",
            "parent_code": "TOWN",
            "valid_from": D(2020, 1, 1),
        },
    ],
    "unit_versions": [
        {
            "unit_code": "W1",
            "valid_from": D(2020, 1, 1),
            "valid_to": D(2025, 6, 30),
            "parent_code": "TOWN",
            "name": "Ward 1",
        },
        {
            "unit_code": "W1",
            "valid_from": D(2025, 7, 1),
            "parent_code": "TOWN",
            "name": "Ward One",
        },
    ],
    "restructurings": [
        {"effective_date": D(2025, 7, 1), "kind": "rename", "unit_code": "W1", "reference": "NQ 1"}
    ],
    "people": [
        {
            "national_id": "079100000001",
            "full_name": "Nguyễn Thị Lan",
            "gender": "female",
            "birth_date": D(2001, 2, 3),
            "ethnicity": "Kinh",
            "ethnic_minority": "no",
            "education": "university",
            "unit_code": "W1",
        }
    ],
    "sources": [
        {
            "national_id": "079100000001",
            "unit_code": "W1",
            "nominated_on": D(2024, 3, 1),
            "nominated_by": "Youth Union",
        }
    ],
    "courses": [
        {
            "code": "AW-2024",
            "organizer_unit_code": "TOWN",
            "title": "Awareness course 2024",
            "start_date": D(2024, 4, 1),
            "end_date": D(2024, 4, 5),
        }
    ],
    "enrollments": [
        {
            "course_code": "AW-2024",
            "national_id": "079100000001",
            "result": "completed",
            "certificate_no": "CERT-1",
            "certificate_date": D(2024, 4, 5),
        }
    ],
    "dossiers": [
        {
            "national_id": "079100000001",
            "opened_on": D(2024, 5, 2),
            "unit_code": "W1",
            "status": "admitted",
            "source_unit_code": "W1",
        }
    ],
    "dossier_steps": [
        {
            "national_id": "079100000001",
            "opened_on": D(2024, 5, 2),
            "step": "application",
            "date": D(2024, 5, 2),
        }
    ],
    "failed_cell_votes": [
        {
            "national_id": "079100000001",
            "opened_on": D(2024, 5, 2),
            "date": D(2024, 6, 10),
            "present": 9,
            "in_favour": 5,
            "against": 4,
        }
    ],
    "admissions": [
        {
            "national_id": "079100000001",
            "unit_code": "W1",
            "decision_date": D(2024, 9, 2),
            "decision_no": "QD-1",
            "ceremony_date": D(2024, 9, 20),
            "readmission": "no",
        }
    ],
    "members": [
        {
            "national_id": "079100000001",
            "admitted_on": D(2024, 9, 2),
            "unit_code": "W1",
            "status": "official",
            "ceremony_date": D(2024, 9, 20),
            "probation_ends_on": D(2025, 9, 20),
            "official_since": D(2025, 9, 20),
        }
    ],
    "confirmations": [
        {"national_id": "079100000001", "decided_on": D(2025, 9, 22), "outcome": "confirmed"}
    ],
    "transfers": [
        {
            "national_id": "079100000001",
            "kind": "temporary",
            "issued_on": D(2025, 10, 1),
            "destination": "Hue University",
            "destination_type": "university",
            "from_unit_code": "W1",
            "status": "issued",
            "ends_on": D(2026, 6, 30),
        }
    ],
    "targets": [
        {
            "unit_code": "W1",
            "period_start": D(2025, 1, 1),
            "period_end": D(2025, 12, 31),
            "minimum": 5,
            "stretch": 7,
            "women_share": decimal.Decimal("40.0"),
        }
    ],
    "findings": [
        {
            "unit_code": "W1",
            "by_unit_code": "TOWN",
            "date": D(2025, 3, 4),
            "kind": "commendation",
            "findings": "Sources reviewed every quarter.",
        }
    ],
    "conferences": [
        {
            "committee_code": "TOWN",
            "date": D(2025, 3, 10),
            "title": "Winning new members in Gò Nổi",
            "cluster": "Gò Nổi",
            "place": "Town hall",
            "period_from": D(2024, 7, 1),
            "period_to": D(2024, 12, 31),
            "participants": "W1:12/15",
            "conclusions": '{"1": "Every ward nominates sources in its enterprises."}',
        }
    ],
    "conference_tasks": [
        {
            "conference_committee_code": "TOWN",
            "conference_date": D(2025, 3, 10),
            "conference_title": "Winning new members in Gò Nổi",
            "conclusion_no": 1,
            "unit_code": "W1",
            "action": "Nominate five sources in the two enterprises",
            "role": "secretary",
            "due_on": D(2025, 6, 30),
        }
    ],
    "recognitions": [
        {
            "unit_code": "W1",
            "date": D(2025, 3, 10),
            "kind": "commend",
            "text": "Twelve sources nominated in six months.",
            "decision": "Certificate of merit",
            "document_ref": "QĐ 12-QĐ/TU",
            "conference_committee_code": "TOWN",
            "conference_date": D(2025, 3, 10),
            "conference_title": "Winning new members in Gò Nổi",
        }
    ],
}


def instruction_titles():
    """The instructions sheet's title in every language of the app (lower case)."""
    titles = {INSTRUCTIONS.lower()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(_(INSTRUCTIONS)[:31].lower())
    return titles


def is_instructions(title):
    return title.strip().lower() in instruction_titles()


def vocabulary(column):
    if column.kind == YESNO:
        return ("yes", "no")
    return column.choices


def _instructions(sheet):
    from openpyxl.styles import Alignment, Font

    lines = [
        (_("How to fill in this workbook"), True),
        (
            _(
                "Each sheet is one file of the exchange format. Keep the header row; "
                "replace the example rows (from row 2) with your data, one record a row."
            ),
            False,
        ),
        (_("Sheets you do not need may stay empty or be deleted."), False),
        (
            _(
                "Columns marked * are required. Dates are dates (YYYY-MM-DD); choose "
                "coded values from the drop-down list of their column."
            ),
            False,
        ),
        (
            _(
                "Sheets are read in the order below, so a later sheet may refer to what an "
                "earlier one defines (a person's unit, an admission's person)."
            ),
            False,
        ),
        (
            _(
                "Nothing is written unless every row is correct: every problem is listed "
                "with its sheet, row and column. Importing the same workbook twice changes "
                "nothing the second time."
            ),
            False,
        ),
        (
            _(
                "split_assignments has no example: it says where the people of a unit "
                "went when it was split (a split in restructurings)."
            ),
            False,
        ),
        (_("This sheet is not read."), False),
        ("", False),
        (_("Sheet"), True),
    ]
    for text, bold in lines:
        sheet.append([text])
        if bold:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.cell(row=sheet.max_row, column=2, value=_("Key")).font = Font(bold=True)
    sheet.cell(row=sheet.max_row, column=3, value=_("Columns")).font = Font(bold=True)
    for name in FILES:
        columns = ", ".join(c.name + ("*" if c.required else "") for c in COLUMNS[name])
        sheet.append([name, " + ".join(KEYS[name]), columns])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 100
    for row in sheet.iter_rows(min_row=2, max_row=len(lines)):
        row[0].alignment = Alignment(wrap_text=False)


def build(target):
    """Write the template (in the active language) to `target` (a path or binary handle)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    _instructions(workbook.active)
    workbook.active.title = _(INSTRUCTIONS)[:31]
    for name in FILES:
        sheet = workbook.create_sheet(name)
        columns = COLUMNS[name]
        sheet.append([c.name for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row, example in enumerate(EXAMPLES.get(name, []), start=2):
            for index, column in enumerate(columns, start=1):
                _example_cell(sheet.cell(row=row, column=index), example.get(column.name))
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
            area = f"{letter}2:{letter}10000"
            choices = vocabulary(column)
            if choices:
                formula = '"' + ",".join(choices) + '"'
                if len(formula) <= 255:  # Excel's limit for a list written in the rule
                    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
                    rule.error = _("Choose a value from the list.")
                    rule.prompt = ", ".join(choices)
                    rule.add(area)
                    sheet.add_data_validation(rule)
            elif column.kind == DATE:
                rule = DataValidation(
                    type="date", operator="greaterThan", formula1="1", allow_blank=True
                )
                rule.error = _("Enter a date (YYYY-MM-DD).")
                rule.add(area)
                sheet.add_data_validation(rule)
            elif column.kind == INT:
                rule = DataValidation(
                    type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
                )
                rule.error = _("Enter a whole number, 0 or more.")
                rule.add(area)
                sheet.add_data_validation(rule)
    workbook.save(target)


def _example_cell(cell, value):
    if value is None:
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = sheets.DATE_FORMAT
        return
    if isinstance(value, int | decimal.Decimal):
        cell.value = value
        return
    cell.value = str(value)
    cell.data_type = "s"

"""The exchange format as data (docs: /work/shared/exchange-format.md).

Each file has its columns, the required ones and its key; `parse_row` turns one row of
text cells into typed values or a list of problems naming the column. Nothing here
touches the database.
"""

import dataclasses
import datetime as dt
import re

from django.utils.translation import gettext as _

# The order in which files are applied: later files may refer to earlier ones.
FILES = (
    "units",
    "people",
    "sources",
    "courses",
    "enrollments",
    "admissions",
    "confirmations",
    "transfers",
    "targets",
)

TEXT, DATE, YESNO, INT, CODE, NATIONAL_ID = "text", "date", "yesno", "int", "code", "national_id"


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()
    max_length: int | None = None


def _c(name, kind=TEXT, required=False, choices=(), max_length=None):
    return Column(name, kind, required, tuple(choices), max_length)


UNIT_KINDS = ("committee", "cell", "group")
GENDERS = ("female", "male")
EDUCATION = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational",
    "college",
    "university",
    "master",
    "doctorate",
)
RESULTS = ("enrolled", "completed", "failed", "withdrew")
OUTCOMES = ("confirmed", "not_confirmed")
TRANSFER_KINDS = ("official", "temporary")
DESTINATION_TYPES = (
    "university",
    "college",
    "vocational_school",
    "other_locality",
    "armed_forces",
    "abroad",
    "other",
)

COLUMNS = {
    "units": (
        _c("code", CODE, True, max_length=40),
        _c("name", required=True, max_length=200),
        _c("kind", required=True, choices=UNIT_KINDS),
        _c("parent_code", CODE, max_length=40),
        _c("cluster", max_length=120),
        _c("sector", max_length=120),
    ),
    "people": (
        _c("national_id", NATIONAL_ID, True),
        _c("full_name", required=True, max_length=200),
        _c("gender", required=True, choices=GENDERS),
        _c("birth_date", DATE, True),
        _c("ethnicity", max_length=60),
        _c("ethnic_minority", YESNO),
        _c("religion", max_length=60),
        _c("education", choices=EDUCATION),
        _c("occupation", max_length=120),
        _c("unit_code", CODE, max_length=40),
    ),
    "sources": (
        _c("national_id", NATIONAL_ID, True),
        _c("unit_code", CODE, True, max_length=40),
        _c("nominated_on", DATE, True),
        _c("nominated_by", max_length=200),
        _c("note"),
    ),
    "courses": (
        _c("code", CODE, True, max_length=40),
        _c("organizer_unit_code", CODE, True, max_length=40),
        _c("title", required=True, max_length=200),
        _c("start_date", DATE, True),
        _c("end_date", DATE, True),
    ),
    "enrollments": (
        _c("course_code", CODE, True, max_length=40),
        _c("national_id", NATIONAL_ID, True),
        _c("result", required=True, choices=RESULTS),
        _c("certificate_no", max_length=60),
        _c("certificate_date", DATE),
    ),
    "admissions": (
        _c("national_id", NATIONAL_ID, True),
        _c("unit_code", CODE, True, max_length=40),
        _c("decision_date", DATE, True),
        _c("decision_no", max_length=60),
        _c("ceremony_date", DATE),
        _c("readmission", YESNO),
    ),
    "confirmations": (
        _c("national_id", NATIONAL_ID, True),
        _c("decided_on", DATE, True),
        _c("outcome", required=True, choices=OUTCOMES),
    ),
    "transfers": (
        _c("national_id", NATIONAL_ID, True),
        _c("kind", required=True, choices=TRANSFER_KINDS),
        _c("issued_on", DATE, True),
        _c("to_unit_code", CODE, max_length=40),
        _c("destination", max_length=200),
        _c("destination_type", choices=DESTINATION_TYPES),
    ),
    "targets": (
        _c("unit_code", CODE, True, max_length=40),
        _c("period_start", DATE, True),
        _c("period_end", DATE, True),
        _c("minimum", INT, True),
        _c("stretch", INT),
    ),
}

KEYS = {
    "units": ("code",),
    "people": ("national_id",),
    "sources": ("national_id", "unit_code"),
    "courses": ("code",),
    "enrollments": ("course_code", "national_id"),
    "admissions": ("national_id", "decision_date"),
    "confirmations": ("national_id",),
    "transfers": ("national_id", "issued_on"),
    "targets": ("unit_code", "period_start", "period_end"),
}

NATIONAL_ID_RE = re.compile(r"^[A-Za-z0-9]{1,20}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column = column
        self.message = message


def cell_text(value):
    """A cell as stripped text ('' for no value); spreadsheet numbers and dates as text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def parse_value(column, text):
    """One cell to its typed value; raises RowError. Empty gives None (text: '')."""
    if text == "":
        if column.required:
            raise RowError(column.name, _("a value is required"))
        if column.kind == YESNO:
            return False
        if column.kind == TEXT:
            return ""
        return None
    if column.kind == DATE:
        try:
            if not DATE_RE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise RowError(
                column.name, _("%(value)s is not a date (use YYYY-MM-DD)") % {"value": text}
            ) from None
    if column.kind == YESNO:
        value = text.lower()
        if value not in ("yes", "no"):
            raise RowError(column.name, _("%(value)s: use yes or no") % {"value": text})
        return value == "yes"
    if column.kind == INT:
        if not re.fullmatch(r"\d{1,9}", text):
            raise RowError(column.name, _("%(value)s is not a whole number ≥ 0") % {"value": text})
        return int(text)
    if column.kind == NATIONAL_ID:
        if not NATIONAL_ID_RE.match(text):
            raise RowError(
                column.name,
                _("%(value)s: use letters and digits only, at most 20") % {"value": text},
            )
        return text.upper()
    if column.choices:
        value = text.lower()
        if value not in column.choices:
            raise RowError(
                column.name,
                _("unknown value %(value)s (use %(choices)s)")
                % {"value": text, "choices": ", ".join(column.choices)},
            )
        return value
    if column.max_length and len(text) > column.max_length:
        raise RowError(
            column.name,
            _("longer than %(n)d characters") % {"n": column.max_length},
        )
    return text


def parse_row(file, present, cells):
    """Typed values of the present columns, and [(column, message)] for the bad cells."""
    values, errors = {}, []
    for column in COLUMNS[file]:
        if column.name not in present:
            continue
        try:
            values[column.name] = parse_value(column, cells.get(column.name, ""))
        except RowError as exc:
            errors.append((exc.column, exc.message))
    return values, errors


def export_text(value):
    """A typed value as it is written to a file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

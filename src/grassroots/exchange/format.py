"""The exchange format as data (docs: /work/shared/exchange-format.md).

Each file has its columns, the required ones and its key; `parse_row` turns one row of
text cells into typed values or a list of problems naming the column. A column that
holds a model field takes that field's limits (length, vocabulary, characters, pattern,
bounds) from the model, as the forms and the API do. Nothing here touches the database.
"""

import dataclasses
import datetime as dt
import decimal
import json
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext as _

from grassroots.conferences.models import Conference, Recognition, Task
from grassroots.org.models import Cluster, Sector, Unit, UnitEvent
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import (
    Admission,
    Confirmation,
    Course,
    Dossier,
    DossierStep,
    Enrollment,
    FailedCellVote,
    Source,
)
from grassroots.plans.models import Finding, Target
from grassroots.transfers.models import Transfer

# The order in which files are applied: later files may refer to earlier ones. The first
# nine are the contract's; the others carry the rest of what the product holds, so that an
# export imports into an empty database without loss (docs/exchange-format.md).
FILES = (
    "units",
    "unit_versions",
    "restructurings",
    "people",
    "split_assignments",
    "sources",
    "courses",
    "enrollments",
    "dossiers",
    "dossier_steps",
    "failed_cell_votes",
    "admissions",
    "members",
    "confirmations",
    "transfers",
    "targets",
    "findings",
    "conferences",
    "conference_tasks",
    "recognitions",
)

TEXT, DATE, YESNO, INT, CODE, NATIONAL_ID = "text", "date", "yesno", "int", "code", "national_id"
DECIMAL, JSON = "decimal", "json"
# A group's code; an older file's free text is read as `FreeOccupation` (see below).
OCCUPATION = "occupation"


class FreeOccupation(str):
    """An `occupation` cell that is not a group's code: an older file's free text. The
    importer keeps it as the job title, sets the group to `other` and warns."""


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()
    max_length: int | None = None
    # The model field's own validators (characters, patterns, bounds): `grassroots.inputs`.
    validators: tuple = ()


def _c(name, kind=TEXT, required=False, choices=(), field=None):
    """A column; `field` = (Model, field name) gives it that model field's length,
    vocabulary and validators, so that the file is held to the limits of every other door."""
    max_length, validators = None, ()
    if field is not None:
        model_field = field[0]._meta.get_field(field[1])
        max_length = model_field.max_length
        validators = tuple(
            v for v in model_field.validators if not isinstance(v, MaxLengthValidator)
        )
        if model_field.choices:
            choices = [value for value, _label in model_field.flatchoices if value]
    return Column(name, kind, required, tuple(choices), max_length, validators)


UNIT_CODE = (Unit, "code")

COLUMNS = {
    "units": (
        _c("code", CODE, True, field=UNIT_CODE),
        _c("name", required=True, field=(Unit, "name")),
        _c("kind", required=True, field=(Unit, "kind")),
        _c("parent_code", CODE, field=UNIT_CODE),
        _c("cluster", field=(Cluster, "name")),
        _c("sector", field=(Sector, "name")),
        _c("valid_from", DATE),
        _c("valid_to", DATE),
        _c("special_area", field=(Unit, "special_area")),
    ),
    "unit_versions": (
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("valid_from", DATE, True),
        _c("valid_to", DATE),
        _c("parent_code", CODE, field=UNIT_CODE),
        _c("name", required=True, field=(Unit, "name")),
    ),
    "restructurings": (
        _c("effective_date", DATE, True),
        _c("kind", required=True, field=(UnitEvent, "kind")),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("units"),
        _c("reference", field=(UnitEvent, "reference")),
    ),
    "people": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("full_name", required=True, field=(Person, "full_name")),
        _c("gender", required=True, field=(Person, "gender")),
        _c("birth_date", DATE, True),
        _c("ethnicity", field=(Person, "ethnicity")),
        _c("ethnic_minority", YESNO),
        _c("religion", field=(Person, "religion")),
        _c("education", field=(Person, "education")),
        _c("occupation", OCCUPATION, field=(Person, "occupation")),
        _c("job_title", field=(Person, "job_title")),
        _c("youth_union", YESNO),
        _c("unit_code", CODE, field=UNIT_CODE),
    ),
    "split_assignments": (
        _c("effective_date", DATE, True),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("to_unit_code", CODE, True, field=UNIT_CODE),
    ),
    "sources": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("nominated_on", DATE, True),
        _c("nominated_by", field=(Source, "nominated_by")),
        _c("note", field=(Source, "note")),
        # Added: the unit that nominated the person, once a restructuring passed the source
        # on to unit_code (empty: unit_code nominated it).
        _c("nominated_in_code", CODE, field=UNIT_CODE),
    ),
    "courses": (
        _c("code", CODE, True, field=(Course, "code")),
        _c("organizer_unit_code", CODE, True, field=UNIT_CODE),
        _c("title", required=True, field=(Course, "title")),
        _c("start_date", DATE, True),
        _c("end_date", DATE, True),
    ),
    "enrollments": (
        _c("course_code", CODE, True, field=(Course, "code")),
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("result", required=True, field=(Enrollment, "result")),
        _c("certificate_no", field=(Enrollment, "certificate_no")),
        _c("certificate_date", DATE),
    ),
    "dossiers": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("opened_on", DATE, True),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("status", field=(Dossier, "status")),
        _c("readmission", YESNO),
        _c("source_unit_code", CODE, field=UNIT_CODE),
        _c("closed_reason", field=(Dossier, "closed_reason")),
    ),
    "dossier_steps": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("opened_on", DATE, True),
        _c("step", required=True, field=(DossierStep, "step")),
        _c("date", DATE, True),
        _c("document_no", field=(DossierStep, "document_no")),
        _c("data", JSON),
        _c("exception_rule", field=(DossierStep, "exception_rule")),
        _c("exception_reason", field=(DossierStep, "exception_reason")),
        _c("exception_level", field=(DossierStep, "exception_level")),
        _c("exception_document_no", field=(DossierStep, "exception_document_no")),
        _c("exception_document_date", DATE),
        _c("annulled_on", DATE),
        _c("annul_reason", field=(DossierStep, "annul_reason")),
    ),
    "failed_cell_votes": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("opened_on", DATE, True),
        _c("date", DATE, True),
        _c("present", INT, True, field=(FailedCellVote, "present")),
        _c("in_favour", INT, True, field=(FailedCellVote, "in_favour")),
        _c("against", INT, True, field=(FailedCellVote, "against")),
        _c("annulled_on", DATE),
        _c("annul_reason", field=(FailedCellVote, "annul_reason")),
    ),
    "admissions": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("decision_date", DATE, True),
        _c("decision_no", field=(Admission, "decision_no")),
        _c("ceremony_date", DATE),
        _c("readmission", YESNO),
        # What the statistics count of the person when admitted (vocabulary and limits of
        # the person's own fields); column absent: taken from the person on import.
        _c("education", field=(Person, "education")),
        _c("occupation", field=(Person, "occupation")),
    ),
    "members": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("admitted_on", DATE, True),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("status", required=True, field=(Membership, "status")),
        _c("ceremony_date", DATE),
        _c("probation_ends_on", DATE),
        _c("official_since", DATE),
        _c("ended_on", DATE),
        _c("unit_since", DATE),
        _c("readmission", YESNO),
        # The confirmation of the admission that opened this membership (`confirmations`
        # holds one per person: a readmitted member's earlier one travels here).
        _c("confirmation_decided_on", DATE),
        _c("confirmation_outcome", field=(Confirmation, "outcome")),
        # Why a membership with status left ended: a code of the rule set's leave_reasons.
        _c("leave_reason", field=(Membership, "leave_reason")),
    ),
    "confirmations": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("decided_on", DATE, True),
        _c("outcome", required=True, field=(Confirmation, "outcome")),
    ),
    "transfers": (
        _c("national_id", NATIONAL_ID, True, field=(Person, "national_id")),
        _c("kind", required=True, field=(Transfer, "kind")),
        _c("issued_on", DATE, True),
        _c("to_unit_code", CODE, field=UNIT_CODE),
        _c("destination", field=(Transfer, "destination")),
        _c("destination_type", field=(Transfer, "destination_type")),
        _c("from_unit_code", CODE, field=UNIT_CODE),
        _c("origin", field=(Transfer, "origin")),
        _c("status", field=(Transfer, "status")),
        _c("report_by", DATE),
        _c("arrived_on", DATE),
        _c("ends_on", DATE),
        _c("ended_on", DATE),
        _c("letter_no", field=(Transfer, "letter_no")),
        _c("dues_paid_until", field=(Transfer, "dues_paid_until")),
        _c("note", field=(Transfer, "note")),
    ),
    "targets": (
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("period_start", DATE, True),
        _c("period_end", DATE, True),
        _c("minimum", INT, True, field=(Target, "minimum")),
        _c("stretch", INT, field=(Target, "stretch")),
        _c("women_share", DECIMAL, field=(Target, "women_share")),
        _c("university_share", DECIMAL, field=(Target, "university_share")),
        _c("student_share", DECIMAL, field=(Target, "student_share")),
        _c("non_state_worker_share", DECIMAL, field=(Target, "non_state_worker_share")),
        _c("resolution_ref", field=(Target, "resolution_ref")),
        _c("resolution_date", DATE),
    ),
    "findings": (
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("by_unit_code", CODE, True, field=UNIT_CODE),
        _c("date", DATE, True),
        _c("kind", required=True, field=(Finding, "kind")),
        _c("findings", required=True, field=(Finding, "findings")),
        _c("follow_up_due", DATE),
        _c("follow_up_done_on", DATE),
    ),
    "conferences": (
        _c("committee_code", CODE, True, field=UNIT_CODE),
        _c("date", DATE, True),
        _c("title", required=True, field=(Conference, "title")),
        _c("cluster", field=(Cluster, "name")),
        _c("sector", field=(Sector, "name")),
        _c("place", field=(Conference, "place")),
        _c("chair", field=(Conference, "chair")),
        _c("period_from", DATE, True),
        _c("period_to", DATE, True),
        _c("participants"),
        _c("conclusions", JSON),
    ),
    "conference_tasks": (
        _c("conference_committee_code", CODE, True, field=UNIT_CODE),
        _c("conference_date", DATE, True),
        _c("conference_title", required=True, field=(Conference, "title")),
        _c("conclusion_no", INT, True),
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("action", required=True, field=(Task, "action")),
        _c("role", required=True, field=(Task, "role")),
        _c("due_on", DATE, True),
        _c("completed_on", DATE),
        _c("completion_note", field=(Task, "completion_note")),
    ),
    "recognitions": (
        _c("unit_code", CODE, True, field=UNIT_CODE),
        _c("date", DATE, True),
        _c("kind", required=True, field=(Recognition, "kind")),
        _c("national_id", field=(Person, "national_id")),
        _c("text", required=True, field=(Recognition, "text")),
        _c("decision", field=(Recognition, "decision")),
        _c("document_ref", field=(Recognition, "document_ref")),
        _c("conference_committee_code", CODE, field=UNIT_CODE),
        _c("conference_date", DATE),
        _c("conference_title", field=(Conference, "title")),
        _c("finding_by_unit_code", CODE, field=UNIT_CODE),
        _c("finding_date", DATE),
        _c("finding_kind", field=(Finding, "kind")),
    ),
}

_JOB_TITLE = next(c for c in COLUMNS["people"] if c.name == "job_title")

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
    "unit_versions": ("unit_code", "valid_from"),
    "restructurings": ("effective_date", "kind", "unit_code"),
    "split_assignments": ("effective_date", "unit_code", "national_id"),
    "dossiers": ("national_id", "opened_on"),
    "dossier_steps": ("national_id", "opened_on", "step", "date"),
    "failed_cell_votes": ("national_id", "opened_on", "date", "annulled_on"),
    "members": ("national_id", "admitted_on"),
    "findings": ("unit_code", "by_unit_code", "date", "kind"),
    "conferences": ("committee_code", "date", "title"),
    "conference_tasks": (
        "conference_committee_code",
        "conference_date",
        "conference_title",
        "conclusion_no",
        "unit_code",
        "action",
    ),
    # Known by its source too: a conference and a finding (or two conferences) may praise or
    # criticise the same person of the same unit on the same day.
    "recognitions": (
        "unit_code",
        "date",
        "kind",
        "national_id",
        "conference_committee_code",
        "conference_date",
        "conference_title",
        "finding_by_unit_code",
        "finding_date",
        "finding_kind",
    ),
}

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column = column
        self.message = message


def clean_text(text):
    """A cell's text as the import reads it: stripped, and in Unicode's composed form
    (NFC). A keyboard set to combining accents ("Unicode tổ hợp") or a Mac writes ổ as
    o and two combining marks: the same text to a reader, and so the same cluster, name
    or code to the import, which otherwise saw a new cluster and a changed person."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def cell_text(value):
    """A cell as clean text ('' for no value); spreadsheet numbers and dates as text."""
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
    return clean_text(str(value))


def parse_value(column, text):
    """One cell to its typed value; raises RowError. Empty gives None (text: '')."""
    if text == "":
        if column.required:
            raise RowError(column.name, _("a value is required"))
        if column.kind == YESNO:
            return False
        if column.kind in (TEXT, OCCUPATION):
            return ""
        if column.kind == JSON:
            return {}
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
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise RowError(column.name, _("%(value)s is not a whole number ≥ 0") % {"value": text})
        return _validated(column, int(text))
    if column.kind == DECIMAL:
        # The shares are percentages: "45%", as a spreadsheet saves a cell shown so, is 45.
        text = text.removesuffix("%").rstrip()
        if not re.fullmatch(r"[0-9]{1,3}(\.[0-9])?", text):
            raise RowError(
                column.name,
                _("%(value)s is not a number with at most one decimal (e.g. 45.5)")
                % {"value": text},
            )
        return _validated(column, decimal.Decimal(text))
    if column.kind == JSON:
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise RowError(column.name, _("%(value)s is not a JSON object") % {"value": text})
        return value
    if column.kind == NATIONAL_ID:
        try:
            _validated(column, text)
        except RowError:
            raise RowError(
                column.name,
                _("%(value)s: use letters and digits only, at most 20") % {"value": text},
            ) from None
        return text.upper()
    if column.kind == OCCUPATION:
        value = text.lower()
        if value in column.choices:
            return value
        try:
            return FreeOccupation(parse_value(_JOB_TITLE, text))
        except RowError as exc:
            raise RowError(column.name, exc.message) from None
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
    return _validated(column, text)


def _quick_yes(validator):
    """A quicker test that a value passes `validator` (a pattern, compiled once), or None.
    Only a yes is taken from it: a value it refuses meets the validator itself, for the
    message."""
    if isinstance(validator, RegexValidator):
        regex = re.compile(validator.regex.pattern, validator.regex.flags)
        inverse = validator.inverse_match
        return lambda value: isinstance(value, str) and bool(regex.search(value)) != inverse
    return None


_quick = {}


def _validated(column, value):
    """The value, if the model field's validators take it; else the first refusal."""
    checks = _quick.get(id(column))
    if checks is None:
        checks = _quick[id(column)] = [(v, _quick_yes(v)) for v in column.validators]
    for validator, quick in checks:
        if quick is not None and quick(value):
            continue
        try:
            validator(value)
        except ValidationError as exc:
            raise RowError(column.name, " ".join(exc.messages)) from None
    return value


# A column's cells repeat (genders, units, dates, vocabularies): each distinct text is parsed
# once per process and its value remembered, up to this many per column. Only values are
# kept (never problems, which are in the reader's language); a value is immutable.
PARSED_PER_COLUMN = 4096
_parsed = {}


_MISSING = object()
_plans = {}


def _plan(file, present):
    """[(name, column, its parsed texts)] of the present columns, remade when `present`
    is another set (one per file being read)."""
    plan = _plans.get(file)
    if plan is None or plan[0] is not present:
        columns = [
            (c.name, c, _parsed.setdefault((file, c.name), {}))
            for c in COLUMNS[file]
            if c.name in present
        ]
        plan = _plans[file] = (present, columns)
    return plan[1]


def parse_row(file, present, cells):
    """Typed values of the present columns, and [(column, message)] for the bad cells."""
    values, errors = {}, []
    for name, column, known in _plan(file, present):
        text = cells.get(name, "")
        value = known.get(text, _MISSING)
        if value is not _MISSING:
            values[name] = value
            continue
        try:
            value = parse_value(column, text)
        except RowError as exc:
            errors.append((exc.column, exc.message))
            continue
        values[name] = value
        if column.kind != JSON and len(known) < PARSED_PER_COLUMN:
            known[text] = value
    return values, errors


def export_text(value):
    """A typed value as it is written to a file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)

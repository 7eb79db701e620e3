"""Changing the person register. Each function is one transaction and writes history."""

import collections
import copy
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots import announcements, bulk
from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.history.services import insert_changes, record_change, snapshot
from grassroots.inputs import save_checked
from grassroots.org import tally

from .models import Education, Gender, Occupation, Person, derived_fields

PERSON_FIELDS = (
    "national_id",
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "ethnic_minority",
    "religion",
    "education",
    "occupation",
    "job_title",
    "youth_union",
    "unit",
    "phone",
    "email",
    "address",
)
OLDEST_PLAUSIBLE_AGE = 120
YOUNGEST_PLAUSIBLE_AGE = 6


def validate_person(person):
    """Check a person's fields; raise ValidationError naming each bad field."""
    errors = {}
    try:
        person.clean_fields(exclude=["search_text", "sort_key", "unit"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    national_id = (person.national_id or "").strip()
    if (
        national_id
        and Person.objects.filter(national_id=national_id).exclude(pk=person.pk).exists()
    ):
        errors["national_id"] = [
            _("Another person already has national ID %(id)s.") % {"id": national_id}
        ]
    if person.gender and person.gender not in Gender.values:
        errors["gender"] = [_("Use female or male.")]
    if person.education and person.education not in Education.values:
        errors["education"] = [
            _("Unknown education level %(value)s.") % {"value": person.education}
        ]
    if person.occupation and person.occupation not in Occupation.values:
        errors["occupation"] = [
            _("Unknown occupation group %(value)s.") % {"value": person.occupation}
        ]
    if isinstance(person.birth_date, dt.date):
        today = timezone.localdate()
        if person.birth_date > today:
            errors["birth_date"] = [_("The birth date lies in the future.")]
        elif person.birth_date.year < today.year - OLDEST_PLAUSIBLE_AGE:
            errors["birth_date"] = [_("The birth date is more than 120 years ago.")]
        elif person.birth_date.year > today.year - YOUNGEST_PLAUSIBLE_AGE:
            errors["birth_date"] = [_("The person would be younger than six.")]
    if errors:
        raise ValidationError(errors)


def _normalise(fields):
    clean = {}
    for key, value in fields.items():
        if key not in PERSON_FIELDS:
            raise ValueError(f"unknown person field {key}")
        clean[key] = value.strip() if isinstance(value, str) else value
    if clean.get("national_id"):
        clean["national_id"] = clean["national_id"].upper()
    for key in (
        "ethnicity",
        "religion",
        "education",
        "occupation",
        "job_title",
        "phone",
        "email",
        "address",
    ):
        if key in clean and clean[key] is None:
            clean[key] = ""
    return clean


def _require_people(trace, unit):
    """The acting user may change people in `unit` (None: a person without a unit, which
    needs a role on a root unit); 404 where they do not see it. Commands and system jobs
    run without a user. The page, the API and the importer's rows all come through here."""
    if trace.user is not None:
        scope.require(trace.user, Action.EDIT_PEOPLE, unit)


@transaction.atomic
def person_create(*, trace, **fields):
    """Register a person after validating every field, in a unit where the acting user
    may change people."""
    fields = _normalise(fields)
    _require_people(trace, fields.get("unit"))
    person = Person(**fields)
    validate_person(person)
    save_checked(person.save, lambda: validate_person(person))
    record_change(trace, person, action=Change.Action.CREATE)
    return person


@transaction.atomic
def person_update(*, trace, person, **fields):
    """Change a person's fields; writes history only when something changed. The acting
    user may change people where the person is, and where a new unit puts them."""
    person = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    _require_people(trace, person.unit)
    fields = _normalise(fields)
    if "unit" in fields and fields["unit"] != person.unit:
        _require_people(trace, fields["unit"])
    before = snapshot(person)
    stored = copy.copy(person)
    for key, value in fields.items():
        setattr(person, key, value)
    validate_person(person)
    save_checked(person.save, lambda: validate_person(person))
    # Gender and the like are counted in the report roll-ups of the person's admissions:
    # whoever keeps them follows in this same transaction.
    announcements.announce(announcements.PERSON_CHANGED, person=person, before=stored)
    record_change(trace, person, action=Change.Action.UPDATE, before=before)
    return person


# The table's columns as person_bulk_create writes them: PERSON_FIELDS (the unit by id),
# then the derived search text and sort key.
_BULK_COLUMNS = (
    *(f if f != "unit" else "unit_id" for f in PERSON_FIELDS),
    "search_text",
    "sort_key",
)
_BULK_DEFAULTS = {
    **{f: "" for f in PERSON_FIELDS},
    "ethnic_minority": False,
    "youth_union": False,
    "unit": None,
}


@transaction.atomic
def person_bulk_create(*, trace, people):
    """Register many people at once (the importer's rows): no model instance per person,
    COPY on PostgreSQL. `people` is a list of dicts of PERSON_FIELDS, `unit` given as any
    object with `id` and `code` (or None), each already checked field by field against the
    model's own limits (the importer checks every cell with them, `exchange/format.py`).
    Computes each person's search text and sort key, and writes one history row per person
    whose `after` holds the fields given (the unit by code). Returns {national ID: id}."""
    if not people:
        return {}
    defaults = _BULK_DEFAULTS
    derive = derived_fields

    def rows():
        for fields in people:
            values = {**defaults, **fields}
            if len(values) != len(defaults):
                raise ValueError(f"unknown person fields {set(fields) - set(defaults)}")
            unit = values["unit"]
            values["unit"] = unit.id if unit is not None else None
            yield (*values.values(), *derive(values["full_name"], values["national_id"]))

    units = collections.Counter(
        unit.id for unit in (fields.get("unit") for fields in people) if unit is not None
    )
    with tally.people_inserted_in_bulk(units):
        new_ids = bulk.insert_rows(Person, _BULK_COLUMNS, rows(), with_ids=True)

    def changes():
        for fields, person_id in zip(people, new_ids, strict=True):
            after = fields.copy()
            for name, value in fields.items():
                if isinstance(value, dt.date):
                    after[name] = value.isoformat()
            if "unit" in fields:
                unit = fields["unit"]
                after["unit"] = unit.code if unit is not None else None
            yield person_id, fields["full_name"], None, after

    insert_changes(trace, Person, Change.Action.CREATE, changes())
    return {fields["national_id"]: i for fields, i in zip(people, new_ids, strict=True)}


# A load of at least this many people, more than the register holds, builds the table's
# search and order indexes once at the end instead of row by row (PostgreSQL).
BULK_LOAD_ROWS = 50_000


def person_bulk_load_begin(expected_rows):
    """Before many `person_bulk_create` calls of one load of about `expected_rows` people:
    on PostgreSQL, when the load is large and larger than the register, the person table's
    non-unique indexes are set aside until `person_bulk_load_end` (the people are not
    searchable by others until the load commits anyway; the unique national ID stays
    enforced). Returns what to pass to `person_bulk_load_end`. Inside one transaction."""
    if expected_rows is None or expected_rows < BULK_LOAD_ROWS:
        return []
    if Person.objects.count() >= expected_rows:
        return []
    return bulk.set_indexes_aside(Person)


def person_bulk_load_end(set_aside):
    """Build again what `person_bulk_load_begin` set aside, in the same transaction."""
    bulk.restore_indexes(set_aside)

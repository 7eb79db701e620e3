"""Changing the person register. Each function is one transaction and writes history."""

import copy
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot

from .models import Education, Gender, Occupation, Person

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


@transaction.atomic
def person_create(*, trace, **fields):
    """Register a person after validating every field."""
    person = Person(**_normalise(fields))
    validate_person(person)
    person.save()
    record_change(trace, person, action=Change.Action.CREATE)
    return person


@transaction.atomic
def person_update(*, trace, person, **fields):
    """Change a person's fields; writes history only when something changed."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    stored = copy.copy(person)
    for key, value in _normalise(fields).items():
        setattr(person, key, value)
    validate_person(person)
    person.save()
    # Gender and the like are counted in the report roll-ups of the person's admissions:
    # whoever keeps them follows in this same transaction.
    announcements.announce(announcements.PERSON_CHANGED, person=person, before=stored)
    record_change(trace, person, action=Change.Action.UPDATE, before=before)
    return person

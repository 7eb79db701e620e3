"""A change as a person reads it: the record type, field names and values in the active
language (verbose names, choice labels, dates and numbers in the language's format).

The stored row keeps the raw names and values (`app.model`, field names, choice values,
ISO dates): only what is shown goes through here.
"""

import datetime as dt
import decimal
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import Role

# Keys a service writes into before/after that are not fields of the record's model.
EXTRA_NAMES = {
    "parent": gettext_lazy("parent unit"),
    "roles": gettext_lazy("Roles"),
    "followed_up": gettext_lazy("followed up on"),
}
# A role held on a unit, as an account's history writes it: "secretary@HS".
ROLE_AT_UNIT = re.compile(r"^([a-z_]+)@(\S+)$")


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label):
    """The record type's verbose name, e.g. "people.person" → "Person"."""
    model = _model(label)
    return str(capfirst(model._meta.verbose_name)) if model else label


def _field(model, key):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def field_name(model, key):
    """The field's verbose name in the active language. A name Django made up from the
    field's name (no verbose_name given) is looked up in the catalogues as it stands."""
    field = _field(model, key)
    name = getattr(field, "verbose_name", None) if field is not None else None
    if name is None:
        name = EXTRA_NAMES.get(key) or key.replace("_", " ")
    if not isinstance(name, Promise):
        name = _(name)
    # Text now, in the language active now: a lazy label would be translated wherever it
    # is next compared or printed, in whatever language is active there.
    return str(capfirst(name))


def _date(value):
    try:
        day = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else value


def _datetime(value):
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
    if moment is None:
        return _date(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def field_value(model, key, value):
    """A stored before/after value as the page shows it; None stays None."""
    if value is None or value == "":
        return value
    field = _field(model, key)
    if field is None:
        return _loose_value(value)
    if getattr(field, "choices", None) and not field.is_relation:
        labels = {str(k): v for k, v in field.flatchoices}
        label = labels.get(str(value))
        return str(label) if label is not None else value
    if isinstance(field, models.BooleanField) and isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    if isinstance(field, models.DecimalField | models.FloatField) and not isinstance(value, bool):
        try:
            return formats.number_format(decimal.Decimal(str(value)))
        except (decimal.InvalidOperation, ValueError):
            return value
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def _loose_value(value):
    """A value under a key that is no field: a list of them, a role on a unit, a date."""
    if isinstance(value, list):
        return ", ".join(str(_loose_value(item)) for item in value) or "—"
    if isinstance(value, bool):
        # e.g. an account's "must change password", kept on its profile.
        return _("yes") if value else _("no")
    if not isinstance(value, str):
        return value
    role = ROLE_AT_UNIT.match(value)
    if role:
        label = dict(Role.choices).get(role.group(1))
        return f"{label} · {role.group(2)}" if label else value
    return _date(value)


def shown_changes(change):
    """[(field label, before, after)] of the fields that differ, for the page."""
    model = _model(change.model)
    return [
        (field_name(model, key), field_value(model, key, old), field_value(model, key, new))
        for key, old, new in change.changed_fields()
    ]


def reference(cause, text):
    """A change's reference as the pages show it (see `Change.reference_shown`)."""
    if cause == "restructuring" and text.startswith("unit-event:"):
        return _("event no. %(number)s") % {"number": text.removeprefix("unit-event:")}
    if cause == "import" and text.isdigit():
        return _("import no. %(number)s") % {"number": text}
    return text

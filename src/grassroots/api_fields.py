"""The API's field types, read off the model fields (`grassroots.inputs`).

A request schema says `name: text(Unit, "name")` and gets the model field's length, its
characters (no control characters, at least one visible character when required) or its
own pattern (national ID, month, e-mail), so the OpenAPI document states exactly what
the services enforce. Vocabularies become enums named after their model
(`Unit.Kind` → `UnitKind`, `Source.Status` → `SourceStatus`), one component each.

Bodies are checked as JSON means them: a boolean is `true` or `false`, a number is a
number, a date is a `YYYY-MM-DD` string; nothing is guessed from another type.
"""

import datetime as dt
import enum
import functools
import re
from decimal import Decimal
from typing import Annotated

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from pydantic import BeforeValidator, Field, Strict, StringConstraints

from grassroots.inputs import is_multiline, patterns_of, text_pattern


def _model_field(model, name):
    return model._meta.get_field(name)


def text_constraints(model, name):
    """(max_length, pattern) of a text field, as the API's schema states them."""
    field = _model_field(model, name)
    patterns = patterns_of(field)
    if patterns:
        (pattern,) = patterns
        if field.blank:
            # An empty value is "none": the pattern applies to a value that is given.
            pattern = f"^(?:{pattern[1:-1]})?$"
    else:
        pattern = text_pattern(multiline=is_multiline(field), required=not field.blank)
    return field.max_length, pattern


@functools.cache
def text(model, name):
    """A string with the limits of `model.name`."""
    max_length, pattern = text_constraints(model, name)
    return Annotated[str, StringConstraints(max_length=max_length, pattern=pattern)]


# Free text in a filter (`q`): any length, one line, no control characters.
SearchText = Annotated[str, StringConstraints(pattern=text_pattern())]


@functools.cache
def vocabulary(choices):
    """The enum of a model's choices, named after the model: `Unit.Kind` → `UnitKind`."""
    name = choices.__qualname__.replace(".", "")
    members = [(member.name, member.value) for member in choices]
    return enum.Enum(name, members, type=str, module=__name__, qualname=name)


def value_of(member):
    """The stored value of an API enum member (or None)."""
    return member.value if isinstance(member, enum.Enum) else member


def _bounds(field):
    low = high = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def _whole_number(value):
    """A JSON integer: 5, or 5.0 (JSON Schema counts it as an integer); not true, not "5"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("Use a whole number."))
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(_("Use a whole number."))
    return int(value)


@functools.cache
def count(model, name):
    """A whole number within the model's bounds."""
    low, high = _bounds(_model_field(model, name))
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_whole_number)]


@functools.cache
def percentage(model, name):
    """A percentage as a decimal string ("45.5"), exact where a JSON number is not
    (`decimal_of` turns it into the model's Decimal).

    The model field declares 0 to 100 with one decimal; the pattern says the same.
    """
    field = _model_field(model, name)
    assert _bounds(field) == (0, 100) and field.decimal_places == 1, field
    pattern = r"^(?:100(?:\.0)?|[0-9]{1,2}(?:\.[0-9])?)$"
    return Annotated[str, StringConstraints(pattern=pattern)]


def decimal_of(value):
    return None if value is None else Decimal(value)


Flag = Annotated[bool, Strict()]

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value):
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(_("Use a date as YYYY-MM-DD."))


# A calendar date, written YYYY-MM-DD (no timestamps, no times).
Day = Annotated[dt.date, BeforeValidator(_iso_date)]


def _no_default(schema):
    schema.pop("default", None)


def omittable(**kwargs):
    """A field a request may leave out, but not set to null (the schema shows no default)."""
    return Field(default=None, json_schema_extra=_no_default, **kwargs)

"""A date input (`<input type="date">`) holds its value in ISO form, whatever the language.

The browser accepts nothing else in a date input's value: a date shown there in the
language's format (25.10.2026 in German) leaves the field empty, so that editing a target
in German lost its dates and the form answered "This field is required".
"""

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation

import grassroots
from grassroots.conferences.forms import _date as conference_date

DAY = dt.date(2026, 1, 20)


def _form_modules():
    for info in pkgutil.walk_packages(grassroots.__path__, "grassroots."):
        if info.name.endswith(".forms"):
            yield importlib.import_module(info.name)


def date_inputs():
    """(name, widget) of every date input a form of the product declares."""
    found = []
    for module in _form_modules():
        for name, cls in vars(module).items():
            if not (isinstance(cls, type) and issubclass(cls, forms.BaseForm)):
                continue
            if cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                widget = field.widget
                if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                    found.append((f"{module.__name__}.{name}.{field_name}", widget))
    # Built in a form's __init__: the conference tasks' due dates.
    found.append(("conferences.forms._date", conference_date("due on").widget))
    return found


INPUTS = date_inputs()


def test_the_forms_are_found():
    names = {name for name, _widget in INPUTS}
    assert "grassroots.plans.forms.TargetForm.period_start" in names
    assert "grassroots.people.forms.PersonForm.birth_date" in names


@pytest.mark.parametrize("language", ["en", "vi", "de"])
@pytest.mark.parametrize(("name", "widget"), INPUTS, ids=[name for name, _w in INPUTS])
def test_date_input_value_is_iso(name, widget, language):
    with translation.override(language):
        assert widget.format_value(DAY) == "2026-01-20", name

"""`get_FOO_display` (core/labels.py, a faster lookup than Django's) gives what Django's own
gives: the choice's label in the active language, the value itself when it is no choice."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from grassroots.org.models import Unit

FIELDS = [
    (model, field)
    for model in apps.get_models()
    if model.__module__.startswith("grassroots.")
    for field in model._meta.get_fields()
    if getattr(field, "choices", None)
]


def test_our_models_use_the_quick_lookup():
    assert FIELDS
    for model, field in FIELDS:
        assert not isinstance(model.__dict__[f"get_{field.name}_display"], partialmethod)


@pytest.mark.parametrize("language", ["en", "vi", "de"])
def test_every_choice_reads_as_django_reads_it(language):
    with translation.override(language):
        for model, field in FIELDS:
            values = [value for value, _label in field.flatchoices] + ["no such choice", None]
            for value in values:
                record = model()
                setattr(record, field.attname, value)
                quick = getattr(record, f"get_{field.name}_display")()
                assert quick == Model._get_FIELD_display(record, field), (model, field, value)


def test_the_label_follows_the_language():
    unit = Unit(kind=Unit.Kind.COMMITTEE)
    with translation.override("en"):
        english = unit.get_kind_display()
        assert english == str(Unit.Kind.COMMITTEE.label)
    with translation.override("vi"):
        vietnamese = unit.get_kind_display()
        assert vietnamese == str(Unit.Kind.COMMITTEE.label)
    assert english != vietnamese

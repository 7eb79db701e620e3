"""Every long text a user types (notes, reasons, findings, conclusions) has one limit that
the service, the page's form and the API's schema share (`inputs.LONG_TEXT`)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from grassroots.inputs import LONG_TEXT, field_errors, form_field

USER_TEXT_APPS = {"pipeline", "plans", "conferences", "transfers"}


def _long_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in USER_TEXT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                yield model, field


def test_every_long_text_field_has_the_limit():
    found = list(_long_text_fields())
    assert len(found) >= 12
    for model, field in found:
        assert field.max_length == LONG_TEXT, (model, field.name)
        assert form_field(model, field.name).max_length == LONG_TEXT, (model, field.name)


@pytest.mark.parametrize("model, field", list(_long_text_fields()), ids=lambda v: str(v))
def test_the_services_check_refuses_a_longer_text(model, field):
    instance = model(**{field.name: "x" * (LONG_TEXT + 1)})
    errors = field_errors(instance, (field.name,))
    assert field.name in errors, (model, field.name)
    assert not field_errors(model(**{field.name: "x" * LONG_TEXT}), (field.name,))
    with pytest.raises(ValidationError):
        field.run_validators("x" * (LONG_TEXT + 1))

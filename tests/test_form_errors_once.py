"""A bad value is refused once per broken limit, naming the field.

The target form refused a negative minimum twice with the same words ("Ensure this value
is greater than or equal to 0." under "minimum", two times): the model's bound and the
form field's own min_value were both applied.
"""

import importlib
import pkgutil

import pytest
from django import forms

import grassroots
from grassroots.plans.forms import TargetForm


def test_a_negative_minimum_is_refused_once():
    form = TargetForm(
        {"period_start": "2024-01-01", "period_end": "2024-12-31", "minimum": "-5", "stretch": "-1"}
    )
    assert not form.is_valid()
    assert form.errors["minimum"] == ["Ensure this value is greater than or equal to 0."]
    assert form.errors["stretch"] == ["Ensure this value is greater than or equal to 0."]


def _declared_fields():
    for info in pkgutil.walk_packages(grassroots.__path__, "grassroots."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if isinstance(cls, type) and issubclass(cls, forms.BaseForm):
                for field_name, field in cls.base_fields.items():
                    yield f"{info.name}.{name}.{field_name}", field


FIELDS = list(_declared_fields())


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[name for name, _field in FIELDS])
def test_no_form_field_checks_the_same_limit_twice(name, field):
    validators = field.validators
    assert len(validators) == len({repr(v.__dict__) + type(v).__name__ for v in validators}), name


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("vi", "Đảm bảo giá trị này lớn hơn hoặc bằng 0."),
        ("de", "Dieser Wert muss größer oder gleich 0 sein."),
    ],
)
def test_a_number_out_of_bounds_is_refused_in_the_readers_words(language, refusal):
    """Django's Vietnamese catalogue wrote "… bằng với 0 ." (a space before the stop)."""
    from django.core.validators import MaxValueValidator, MinValueValidator
    from django.utils import translation

    from grassroots.inputs import BOUND_MESSAGES

    with translation.override("en"):
        assert {str(MinValueValidator.message), str(MaxValueValidator.message)} == set(
            BOUND_MESSAGES
        )
    with translation.override(language):
        form = TargetForm(
            {"period_start": "2024-01-01", "period_end": "2024-12-31", "minimum": "-5"}
        )
        assert form.errors["minimum"] == [refusal]

"""A date inside a refusal is written as the reader writes dates (15/03/2024 in English,
15/03/2024 in Vietnamese, 15.03.2024 in German), as the pages show them; files and the
command line's report periods keep ISO."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grassroots.accounts import services as account_services
from grassroots.history.services import Trace
from grassroots.org import services as org_services
from grassroots.org.models import Unit


@pytest.fixture
def ended(town):
    unit = town.unit("W1C1")
    Unit.objects.filter(pk=unit.pk).update(valid_to=dt.date(2024, 3, 15))
    return Unit.objects.get(pk=unit.pk)


@pytest.mark.parametrize(
    "language, day", [("vi", "15/03/2024"), ("de", "15.03.2024"), ("en", "15/03/2024")]
)
def test_a_unit_added_below_an_ended_one_names_the_day_in_the_readers_format(
    town, ended, language, day
):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        org_services.unit_create(
            trace=Trace(user=town.user("admin")),
            parent=ended,
            code="W1C1X",
            name="New",
            kind=Unit.Kind.GROUP,
        )
    message = " ".join(refused.value.message_dict["parent"])
    assert day in message and "2024-03-15" not in message


def test_a_role_on_an_ended_unit_names_the_day_in_the_readers_format(town, ended):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        account_services.user_create(
            trace=Trace(user=town.user("admin")),
            username="late",
            password="a long enough passphrase 42",
            unit=ended,
            role="viewer",
        )
    assert "15/03/2024" in " ".join(refused.value.message_dict["unit"])

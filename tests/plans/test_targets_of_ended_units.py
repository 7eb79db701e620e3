"""A target's period must meet its unit's life: after a merge ended a cell, a target for
the years after cannot be set, by the form or by an import (the import used to take it).
A target for a year the unit lived through in part stays possible: the history keeps the
merged cell's target for the year of the merge."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from grassroots.exchange.importer import run_import
from grassroots.history.services import Trace
from grassroots.org import restructure
from grassroots.org.models import Unit
from grassroots.plans import services
from grassroots.plans.models import Target
from tests.exchange.helpers import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(town):
    restructure.unit_merge(
        trace=town.trace,
        units=[Unit.objects.get(code="W1C1"), Unit.objects.get(code="W1C2")],
        into="W1CX",
        name="Residential areas 1 and 2",
        parent=Unit.objects.get(code="W1"),
        day=dt.date(2025, 7, 1),
    )
    return Unit.objects.get(code="W1C1")


def _set(town, unit, start, end):
    return services.target_set(
        trace=Trace(user=town.user("org")),
        unit=unit,
        period_start=start,
        period_end=end,
        minimum=3,
    )


def test_a_target_after_the_unit_ended_is_refused(town, merged):
    with pytest.raises(ValidationError) as refused:
        _set(town, merged, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert "ended on" in refused.value.message_dict["period_start"][0]
    assert not Target.objects.filter(unit=merged).exists()


def test_a_target_for_the_year_of_the_merge_stays_possible(town, merged):
    target = _set(town, merged, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert target.pk


def test_an_import_names_the_row_and_writes_nothing(town, merged, tmp_path):
    folder = write(
        tmp_path,
        targets="""
        unit_code,period_start,period_end,minimum,stretch
        W1C2,2025-01-01,2025-12-31,2,
        W1C1,2026-01-01,2026-12-31,3,
        """,
    )
    result = run_import(folder, user=town.user("org"))
    assert [str(p) for p in result.problems] == [
        "targets:3: period_start: The unit ended on 30/06/2025: a target cannot start after that."
    ]
    assert not Target.objects.filter(unit__code__in=["W1C1", "W1C2"]).exists()

"""The work list's confirmation buckets: the latest probation end due by a day, computed
directly, is the one the former day-by-day search found."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.pipeline.selectors import _ConfirmationDue
from grassroots.workdays import add_working_days

DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2031, 12, 31))


def _calc(days, overrides):
    calc = _ConfirmationDue.__new__(_ConfirmationDue)  # no rules, no database
    calc.days, calc.overrides = days, overrides
    return calc


def former_last_end(calc, accept, start):
    day = start
    while not accept(add_working_days(day, calc.days, calc.overrides)):
        day -= dt.timedelta(days=1)
    return day


@settings(max_examples=200, deadline=None)
@given(
    today=DATES,
    ahead=st.integers(min_value=0, max_value=40),
    days=st.integers(min_value=0, max_value=60),
    overrides=st.dictionaries(DATES, st.booleans(), max_size=8),
)
def test_last_end_is_the_day_by_day_answer(today, ahead, days, overrides):
    calc = _calc(days, overrides)
    horizon = today + dt.timedelta(days=ahead)
    yesterday = today - dt.timedelta(days=1)
    assert calc.last_end(yesterday, today) == former_last_end(calc, lambda d: d < today, today)
    assert calc.last_end(today, today) == former_last_end(calc, lambda d: d <= today, today)
    assert calc.last_end(horizon, horizon) == former_last_end(calc, lambda d: d <= horizon, horizon)
    # The page's bound: probation ends after the last shown, still due on its day.
    last_due = add_working_days(today, days, overrides)
    assert calc.last_end(last_due, last_due) == former_last_end(
        calc, lambda d: d <= last_due, last_due
    )

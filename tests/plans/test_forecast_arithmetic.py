"""The forecast's arithmetic (plans.forecast) on cases worked out by hand, and its
promises for any input: a higher minimum is never likelier, and the expected total lies
between what is admitted and what the whole pipeline and the pace could bring."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.plans import forecast

D = dt.date


def test_two_even_chances_give_one_more_on_average():
    result = forecast.outcome(2, [0.5, 0.5], 0, minimum=3)
    assert result.expected == 3
    # 0, 1 or 2 more with 1/4, 1/2, 1/4: reaching 3 needs at least one.
    assert result.probability == pytest.approx(0.75)
    assert (result.low, result.high) == (2, 4)


def test_the_pace_alone_is_a_poisson():
    result = forecast.outcome(0, [], 1.0, minimum=1)
    assert result.expected == 1
    assert result.probability == pytest.approx(1 - math.exp(-1))
    assert forecast.outcome(0, [], 1.0, minimum=2).probability == pytest.approx(
        1 - 2 * math.exp(-1)
    )


def test_a_certain_candidate_and_a_pace_add_up():
    # One certain admission, then a Poisson(2) must bring 2 more to reach 4 from 1.
    result = forecast.outcome(1, [1.0], 2.0, minimum=4)
    assert result.expected == 4
    assert result.probability == pytest.approx(1 - 3 * math.exp(-2))


def test_minimum_already_reached_is_certain():
    assert forecast.outcome(5, [0.1], 0.3, minimum=5).probability == 1.0
    assert forecast.outcome(5, [0.1], 0.3, minimum=0).probability == 1.0


def test_chance_is_conditional_on_the_time_already_waited():
    history = forecast.hazard([(40, True), (10, True), (30, True), (20, True)])
    # Nobody censored: S is the share not yet admitted, S(15) = 3/4, S(35) = 1/4.
    assert forecast.chance(history, waited=15, remaining=20) == pytest.approx(1 - (1 / 4) / (3 / 4))
    # From the stage's first day, everything within 100 days.
    assert forecast.chance(history, waited=0, remaining=100) == pytest.approx(1)
    # Waited longer than anyone did: no chance left.
    assert forecast.chance(history, waited=50, remaining=100) == 0
    assert forecast.chance(forecast.Hazard(), waited=0, remaining=100) == 0


def test_those_still_waiting_count_for_as_long_as_they_have_waited():
    # Admitted after 10, 20 and 30 days; one still waiting after 20 days (censored).
    history = forecast.hazard([(10, True), (20, True), (20, False), (30, True)])
    assert (history.seen, history.admitted) == (4, 3)
    # At 10 days 1 of 4 admitted, at 20 days 1 of the 3 still waiting (the censored one
    # too), at 30 days the last one waiting: S = 3/4, 3/4 × 2/3 = 1/2, 0.
    assert [history.still_waiting(d) for d in (5, 10, 25, 30)] == pytest.approx([1, 0.75, 0.5, 0])
    assert history.at(25) == pytest.approx(1 / 4 + 1 / 3)
    # Two who never came lower the chance: 8 admitted after 100 days, 2 waiting 900 days.
    stalled = forecast.hazard([(100, True)] * 8 + [(900, False)] * 2)
    assert forecast.chance(stalled, waited=0, remaining=200) == pytest.approx(0.8)
    assert forecast.chance(stalled, waited=300, remaining=200) == 0


def test_a_units_ratio_is_shrunk_toward_the_organisations():
    # 2 admitted where the organisation's hazard expected 4, weighed against 10 of the prior.
    assert forecast.hazard_ratio(2, 4) == pytest.approx(12 / 14)
    assert forecast.hazard_ratio(0, 0) == 1
    assert forecast.hazard_ratio(900, 450) == pytest.approx(1.98, abs=0.01)
    # The ratio is a power of the chance of still waiting: twice as fast, (1/2)² left.
    history = forecast.hazard([(10, True), (20, True)])
    assert forecast.chance(history, waited=0, remaining=15, ratio=2) == pytest.approx(0.75)


def test_pace_counts_the_entries_of_the_same_window_before():
    # 6 admitted within the window by people who entered in it, 0.5 entries a day before it
    # (summed over the years read): 12 days; a unit with 0.25 entries a day expects 3.
    days = forecast.admissions_per_entry(6, 0.5)
    assert days == 12 and forecast.pace_mean(0.25, days) == 3
    assert forecast.admissions_per_entry(3, 0) == 0
    # Entries arriving evenly (a new organisation): ∫ (1 − S), S = 1/2 after 10 days and 0
    # after 30: over 40 days (30 − 10) × 1/2 + (40 − 30) × 1 = 20.
    history = forecast.hazard([(10, True), (30, True)])
    assert history.integral(40) == pytest.approx(20)
    assert history.integral(5) == 0


def test_behind_plan_compares_with_the_share_of_days_gone():
    start, end, as_of = D(2025, 1, 1), D(2025, 12, 31), D(2025, 7, 1)
    # 182 of 365 days gone: 10 × 182 / 365 = 4.99 needed by now.
    assert forecast.behind_plan(4, 10, start, end, as_of)
    assert not forecast.behind_plan(5, 10, start, end, as_of)
    assert forecast.at_risk(0.9, True) and forecast.at_risk(0.4, False)
    assert not forecast.at_risk(0.5, False)


def test_baseline_extrapolates_the_pace_so_far():
    start, end, as_of = D(2025, 1, 1), D(2025, 12, 31), D(2025, 7, 1)
    result = forecast.naive(3, start, end, as_of, minimum=4)
    assert result.expected == pytest.approx(3 * 365 / 182)
    rest = 3 * 365 / 182 - 3
    assert result.probability == pytest.approx(1 - math.exp(-rest))


chances = st.lists(st.floats(0, 1), max_size=12)


# No deadline: on a busy machine a long Poisson tail can take longer than Hypothesis's 200 ms.
@settings(deadline=None)
@given(
    admitted=st.integers(0, 20),
    chances=chances,
    pace=st.floats(0, 15),
    a=st.integers(0, 40),
    b=st.integers(0, 40),
)
def test_a_higher_minimum_is_never_likelier(admitted, chances, pace, a, b):
    low, high = sorted((a, b))
    result = forecast.outcome(admitted, chances, pace)
    assert result.chance_of_at_least(low) >= result.chance_of_at_least(high) - 1e-9


@settings(deadline=None)
@given(admitted=st.integers(0, 20), chances=chances, pace=st.floats(0, 15))
def test_expected_lies_between_admitted_and_everything(admitted, chances, pace):
    result = forecast.outcome(admitted, chances, pace, minimum=admitted + 1)
    assert admitted <= result.expected <= admitted + len(chances) + pace + 1e-9
    assert 0 <= result.probability <= 1
    assert sum(result.distribution) == pytest.approx(1, abs=1e-6)
    assert admitted <= result.low <= result.high


observations = st.lists(st.tuples(st.integers(0, 400), st.booleans()), max_size=30)


@settings(deadline=None)
@given(
    observations=observations,
    waited=st.integers(0, 500),
    a=st.integers(0, 400),
    b=st.integers(0, 400),
    ratio=st.floats(0.1, 5),
)
def test_more_time_left_is_never_a_smaller_chance(observations, waited, a, b, ratio):
    history = forecast.hazard(observations)
    short, long = sorted((a, b))
    p_short = forecast.chance(history, waited, short, ratio)
    p_long = forecast.chance(history, waited, long, ratio)
    assert 0 <= p_short <= p_long + 1e-12 <= 1 + 1e-12

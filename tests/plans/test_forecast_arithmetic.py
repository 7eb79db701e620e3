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
    stage = forecast.stage(3, 4, [40, 10, 30, 20])
    # F(15) = 1/4, F(35) = 3/4: 0.8 × (3/4 − 1/4) / (1 − 0.8 × 1/4) = 0.5.
    assert forecast.chance(0.8, stage, waited=15, remaining=20) == pytest.approx(0.5)
    # From the stage's first day, everything within 100 days: the whole rate.
    assert forecast.chance(0.8, stage, waited=0, remaining=100) == pytest.approx(0.8)
    # Waited longer than anyone ever did: no chance left.
    assert forecast.chance(0.8, stage, waited=50, remaining=100) == 0
    assert forecast.chance(0.8, forecast.Stage(), waited=0, remaining=100) == 0


def test_own_rate_is_shrunk_toward_the_organisations():
    own, organisation = forecast.stage(2, 2), forecast.stage(8, 18)
    # The organisation's (8 + 1) / (18 + 2) = 0.45, worth 10 candidates beside the own 2 of 2.
    assert forecast.shrunk_rate(own, organisation) == pytest.approx((2 + 10 * 0.45) / 12)
    assert forecast.shrunk_rate(forecast.Stage(), organisation) == pytest.approx(0.45)
    many = forecast.stage(900, 1000)
    assert forecast.shrunk_rate(many, organisation) == pytest.approx(0.896, abs=1e-3)


def test_pace_counts_the_entries_that_have_time_to_be_admitted():
    stage = forecast.stage(2, 4, [10, 30])
    # ∫₀⁴⁰ F = ((40 − 10) + (40 − 30)) / 2 = 20 days; 0.5 a day × rate 0.5 × 20.
    assert forecast.pace_mean(0.5, 0.5, stage, 40) == pytest.approx(5)
    assert forecast.pace_mean(0.5, 0.5, stage, 5) == 0


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

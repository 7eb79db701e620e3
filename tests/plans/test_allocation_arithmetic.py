"""The arithmetic of target allocation: rates, expected admissions, largest remainder."""

import datetime as dt
from fractions import Fraction

import pytest

from grassroots.plans import allocation


def test_largest_remainder_sums_exactly_to_the_total():
    for total in range(0, 40):
        for weights in ([1, 1, 1], [3.5, 1.25, 0.1], [Fraction(1, 3)] * 7, [10, 0, 0, 1]):
            assert sum(allocation.largest_remainder(total, weights)) == total


def test_largest_remainder_gives_the_seats_left_to_the_largest_remainders():
    # Quotas 10 × (5, 3, 2) / 10 = 5, 3, 2: exact.
    assert allocation.largest_remainder(10, [5, 3, 2]) == [5, 3, 2]
    # Quotas 7 × (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4: floors 3, 2, 1, one seat left to 3.5.
    assert allocation.largest_remainder(7, [5, 3, 2]) == [4, 2, 1]


def test_zero_pool_everywhere_splits_evenly():
    assert allocation.largest_remainder(7, [0, 0, 0]) == [3, 2, 2]
    assert allocation.largest_remainder(0, [0, 0]) == [0, 0]


def test_a_unit_with_no_weight_gets_nothing_when_others_have_some():
    assert allocation.largest_remainder(5, [0, 2, 3]) == [0, 2, 3]


def test_ties_go_to_the_larger_weight_then_the_earlier_unit():
    # Equal weights, equal remainders: the earlier units get the seats left.
    assert allocation.largest_remainder(5, [1, 1, 1]) == [2, 2, 1]
    # Quotas 2 × (1, 1, 2) / 4 = 0.5, 0.5, 1: one seat left between equal remainders
    # and equal weights, so the first unit gets it.
    assert allocation.largest_remainder(2, [1, 1, 2]) == [1, 0, 1]
    # 1 × (1, 1) / 2 = 0.5 each: the first. 2 × (1, 3) / 4 = 0.5, 1.5: equal remainders,
    # the larger weight wins.
    assert allocation.largest_remainder(1, [1, 1]) == [1, 0]
    assert allocation.largest_remainder(2, [1, 3]) == [0, 2]


def test_largest_remainder_refuses_nonsense():
    with pytest.raises(ValueError):
        allocation.largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        allocation.largest_remainder(3, [])
    with pytest.raises(ValueError):
        allocation.largest_remainder(3, [1, -1])
    assert allocation.largest_remainder(0, []) == []


def test_a_unit_with_enough_history_uses_its_own_rate():
    r = allocation.rate(4, 10, fallback=Fraction(1, 2))
    assert r.own and r.value == Fraction(2, 5) and r.percent == 40.0


def test_too_little_history_falls_back_to_the_organisation_rate():
    r = allocation.rate(3, 9, fallback=Fraction(1, 4))
    assert not r.own and r.value == Fraction(1, 4)
    assert (r.converted, r.seen) == (3, 9)
    assert allocation.rate(0, 0).value == 0


def test_expected_is_the_pool_weighted_by_the_rates():
    rates = {
        "sources": allocation.rate(1, 10),
        "graduates": allocation.rate(5, 10),
        "dossiers": allocation.rate(9, 10),
    }
    pool = {"sources": 10, "graduates": 4, "dossiers": 2}
    assert allocation.expected(pool, rates) == Fraction(1) + Fraction(2) + Fraction(18, 10)
    assert allocation.expected({"sources": 0, "graduates": 0, "dossiers": 0}, rates) == 0


def test_pace_is_the_yearly_average_times_the_period():
    assert allocation.pace([2, 3, 4], 1) == 3
    assert allocation.pace([2, 3, 4], Fraction(1, 2)) == Fraction(3, 2)
    assert allocation.pace([], 1) == 0
    year = allocation.period_years(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert year == 1
    assert allocation.weight(Fraction(3, 2), 2) == Fraction(7, 2)


def test_stretch_follows_the_weights():
    minimums = allocation.largest_remainder(10, [5, 3, 2])
    assert allocation.stretch_shares(12, [5, 3, 2], minimums) == [6, 4, 2]


def test_stretch_never_falls_below_a_minimum_in_the_alabama_paradox():
    weights = [1, 3, 3]
    minimums = allocation.largest_remainder(3, weights)
    assert minimums == [1, 1, 1]
    # Plain largest remainder of 4 would give [0, 2, 2]: the first unit would lose a seat.
    assert allocation.largest_remainder(4, weights) == [0, 2, 2]
    shares = allocation.stretch_shares(4, weights, minimums)
    assert shares == [1, 2, 1] and sum(shares) == 4

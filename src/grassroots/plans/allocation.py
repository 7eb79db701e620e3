"""The arithmetic of target allocation: pure functions, no database.

A committee holding a target divides it among the units directly below it. Each unit gets a
weight from what it can reach:

    expected = Σ over stages (open pool at that stage × that stage's conversion rate)
    pace     = average admissions per calendar year over the last years × period in years
    weight   = expected + pace

and the target is divided in proportion to the weights with the largest-remainder method,
so the shares are whole numbers that sum exactly to the target. `docs/planning.md` explains
the method with an example.
"""

from dataclasses import dataclass
from fractions import Fraction

# The pipeline stages a candidate can stand at, nearest to admission last.
STAGES = ("sources", "graduates", "dossiers")
# A unit's own conversion rate for a stage counts only when it rests on at least this many
# candidates; below it the organisation's rate stands in.
MIN_HISTORY = 10
# Rates assumed for a stage when even the whole organisation has seen fewer than
# MIN_HISTORY candidates there (a new installation): a starting guess, replaced by the
# organisation's own figures as soon as it has them.
DEFAULT_RATES = {"sources": Fraction(1, 4), "graduates": Fraction(1, 2), "dossiers": Fraction(4, 5)}
# How many years of history the rates and the past admissions look back.
HISTORY_YEARS = 3


@dataclass(frozen=True)
class Rate:
    """A conversion rate: `converted` of `seen` candidates, or the fallback when too few."""

    value: Fraction
    converted: int
    seen: int
    own: bool

    @property
    def percent(self):
        return float(self.value * 100)


def rate(converted, seen, fallback=Fraction(0), min_history=MIN_HISTORY):
    """The share `converted / seen`, or `fallback` (the organisation's rate) when fewer than
    `min_history` candidates were seen."""
    if seen >= min_history and seen > 0:
        return Rate(Fraction(converted, seen), converted, seen, True)
    return Rate(Fraction(fallback), converted, seen, False)


def expected(pool, rates):
    """Σ pool[stage] × rates[stage].value: the admissions the open pool should yield."""
    return sum((Fraction(pool.get(s, 0)) * rates[s].value for s in STAGES), Fraction(0))


def pace(admissions_per_year, period_years):
    """Average admissions per past year (a list of counts), scaled to the period's length."""
    if not admissions_per_year:
        return Fraction(0)
    average = Fraction(sum(admissions_per_year), len(admissions_per_year))
    return average * Fraction(period_years)


def weight(expected_value, pace_value):
    return Fraction(expected_value) + Fraction(pace_value)


def period_years(start, end):
    """The period's length in years (days / 365, at least one day), as a fraction."""
    return Fraction((end - start).days + 1, 365)


def largest_remainder(total, weights):
    """Whole shares of `total` in proportion to `weights`, summing exactly to `total`.

    Each share first gets the whole part of its quota `total × w / Σw`; the seats left go one
    each to the largest remainders. Ties go to the larger weight, then to the earlier
    position (callers list units in code order). When every weight is zero the total is
    split evenly the same way.
    """
    total = int(total)
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        if total:
            raise ValueError("cannot divide a positive total among no one")
        return []
    weights = [Fraction(w) for w in weights]
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if sum(weights) == 0:
        weights = [Fraction(1)] * len(weights)
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    shares = [int(q) for q in quotas]  # floor: quotas are never negative
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), -weights[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def stretch_shares(stretch, weights, minimums):
    """The stretch divided by the same weights, never below a unit's minimum share.

    The largest remainder can give a unit fewer seats out of a larger total (the "Alabama
    paradox": weights 1, 3, 3 give 1, 1, 1 of 3 but 0, 2, 2 of 4). When that happens the
    stretch is instead each minimum plus a largest-remainder share of the difference.
    """
    shares = largest_remainder(stretch, weights)
    if all(s >= m for s, m in zip(shares, minimums, strict=True)):
        return shares
    extra = largest_remainder(int(stretch) - sum(minimums), weights)
    return [m + e for m, e in zip(minimums, extra, strict=True)]

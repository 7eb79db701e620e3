"""The arithmetic of the forecast: pure functions, no database.

For a unit and a running period, on day `as_of` with `R` days left:

    admitted      = admissions so far in the period
    pᵢ            = chance that candidate i of the open pipeline is admitted within R days
    μ             = the expected admissions from candidates who enter after `as_of`
    expected      = admitted + Σ pᵢ + μ
    P(reach min)  = P(admitted + Σ Bernoulli(pᵢ) + Poisson(μ) ≥ minimum)

A candidate stands at a stage (a course graduate not yet in a dossier, or an open dossier at
its last recorded step) since `waited` days. With `q` the stage's admission rate and `F` the
distribution of the days from reaching the stage to admission (among those admitted),

    pᵢ = q · (F(waited + R) − F(waited)) / (1 − q · F(waited))

(the chance of admission in the next R days, given that it has not happened in the first
`waited`). The rate `q` is the unit's own, shrunk toward the organisation's (a beta prior of
`PRIOR_STRENGTH` pseudo-candidates): q = (aᵤ + k · q₀) / (nᵤ + k). New entries arrive as a
Poisson process at the unit's historical rate λ per day, and each is admitted within the
time left with the entry stage's q and F, so

    μ = λ · q · ∫₀ᴿ F(s) ds = λ · q · (1/m) Σ over the m past delays d of max(0, R − d).

The total is a sum of independent Bernoullis and a Poisson: its exact distribution is the
convolution of the Bernoullis' (computed one candidate at a time) with the Poisson's.
`docs/planning.md` explains the method with an example.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass

# How many pseudo-candidates of the organisation's history a unit's own rate is mixed with.
PRIOR_STRENGTH = 10
# Below this the Poisson's and the Bernoullis' tails are dropped.
TAIL = 1e-12
# A unit is at risk below this chance of reaching its minimum.
AT_RISK_BELOW = 0.5


@dataclass(frozen=True)
class Stage:
    """What the history shows for one stage: of `seen` candidates who reached it, `admitted`
    were admitted, after `delays` days (sorted)."""

    admitted: int = 0
    seen: int = 0
    delays: tuple = ()

    def cdf(self, days):
        """F(days): the share of the admitted whose admission came within `days` days."""
        if not self.delays:
            return 0.0
        return bisect_right(self.delays, days) / len(self.delays)

    def integral(self, days):
        """∫₀^days F(s) ds."""
        if not self.delays or days <= 0:
            return 0.0
        return sum(days - d for d in self.delays if d < days) / len(self.delays)


def stage(admitted, seen, delays=()):
    return Stage(admitted, seen, tuple(sorted(delays)))


def organisation_rate(history):
    """The organisation's rate for a stage, (a + 1) / (n + 2): never exactly 0 or 1."""
    return (history.admitted + 1) / (history.seen + 2)


def shrunk_rate(own, organisation, strength=PRIOR_STRENGTH):
    """The unit's rate with the organisation's as a beta prior of `strength` candidates."""
    prior = organisation_rate(organisation)
    return (own.admitted + strength * prior) / (own.seen + strength)


def chance(rate, delays, waited, remaining):
    """The chance that a candidate who has waited `waited` days at a stage (rate `rate`,
    delay distribution `delays`, a Stage) is admitted within the next `remaining` days."""
    if remaining < 0:
        return 0.0
    waited = max(waited, 0)
    before = rate * delays.cdf(waited)
    if before >= 1:
        return 0.0
    p = rate * (delays.cdf(waited + remaining) - delays.cdf(waited)) / (1 - before)
    return min(max(p, 0.0), 1.0)


def pace_mean(entries_per_day, rate, delays, remaining):
    """μ: expected admissions, before the end, of candidates entering after today."""
    return max(entries_per_day, 0.0) * rate * delays.integral(remaining)


def poisson_binomial(chances):
    """The distribution of the number of successes of independent Bernoullis: [P(0), …]."""
    dist = [1.0]
    for p in chances:
        nxt = [0.0] * (len(dist) + 1)
        for k, mass in enumerate(dist):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        dist = nxt
    return dist


def poisson(mean):
    """The Poisson distribution of `mean`, up to where its tail is below `TAIL`."""
    if mean <= 0:
        return [1.0]
    dist, k, term = [], 0, math.exp(-mean)
    while True:
        dist.append(term)
        k += 1
        term *= mean / k
        if k > mean and term < TAIL:
            break
    return dist


def convolve(a, b):
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x < TAIL:
            continue
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


@dataclass(frozen=True)
class Outcome:
    """A forecast: admitted so far, the expected total at the end, the chance of reaching
    the minimum, and the 10th and 90th percentiles of the total (the band)."""

    admitted: int
    expected: float
    probability: float | None
    low: int
    high: int
    distribution: tuple

    def chance_of_at_least(self, total):
        need = total - self.admitted
        if need <= 0:
            return 1.0
        return min(1.0, max(0.0, sum(self.distribution[need:])))


def _quantile(dist, q):
    running = 0.0
    for k, mass in enumerate(dist):
        running += mass
        if running >= q - 1e-12:
            return k
    return len(dist) - 1


def outcome(admitted, chances, pace=0.0, minimum=None):
    """Combine admissions so far, the pipeline's chances and the pace's mean."""
    dist = convolve(poisson_binomial(chances), poisson(pace))
    expected = admitted + sum(chances) + pace
    result = Outcome(
        admitted=admitted,
        expected=expected,
        probability=None,
        low=admitted + _quantile(dist, 0.1),
        high=admitted + _quantile(dist, 0.9),
        distribution=tuple(dist),
    )
    if minimum is None:
        return result
    return Outcome(**{**result.__dict__, "probability": result.chance_of_at_least(minimum)})


def behind_plan(admitted, minimum, start, end, as_of):
    """Behind plan: fewer admitted than the minimum's share of the days gone."""
    total = (end - start).days + 1
    gone = min(max((as_of - start).days + 1, 0), total)
    return admitted < minimum * gone / total


def at_risk(probability, behind):
    return behind or (probability is not None and probability < AT_RISK_BELOW)


def naive(admitted, start, end, as_of, minimum=None):
    """The pace-only baseline: admitted × period days / days gone, probability from a
    Poisson of the rest."""
    total = (end - start).days + 1
    gone = min(max((as_of - start).days + 1, 1), total)
    rest = admitted * total / gone - admitted
    return outcome(admitted, [], rest, minimum)

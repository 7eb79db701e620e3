"""The arithmetic of the forecast: pure functions, no database.

For a unit and a running period, on day `as_of` with `R` days left:

    admitted      = admissions so far in the period
    pᵢ            = chance that candidate i of the open pipeline is admitted within R days
    μ             = the expected admissions from candidates who enter after `as_of`
    expected      = admitted + Σ pᵢ + μ
    P(reach min)  = P(admitted + Σ Bernoulli(pᵢ) + Poisson(μ) ≥ minimum)

A candidate stands at a stage (a course graduate not yet in a dossier, or an open dossier at
its last recorded step) since `waited` days. The history of the stage gives S(d), the chance
of still waiting d days after reaching it (Kaplan–Meier: those not admitted, yet or ever,
count as waiting for as long as they have waited: censored), and the unit's own history a
hazard ratio θ against the organisation's, shrunk toward 1:

    pᵢ = 1 − (S(waited + R) / S(waited))^θ
    θ  = (O + k) / (E + k)

(the chance of admission in the next R days, given that it has not happened in the first
`waited`; O the unit's admissions from the stage, E what the organisation's cumulative
hazard H (Nelson–Aalen) expected of the same candidates over the days each was observed,
k = `PRIOR_STRENGTH`). New entries
arrive at the unit's rate λ a day, and the organisation's same window of the years before
says how many admissions within the window each entry a day brings (κ days):

    μ = λ · κ

The total is a sum of independent Bernoullis and a Poisson: its exact distribution is the
convolution of the Bernoullis' (computed one candidate at a time) with the Poisson's.
`docs/planning.md` explains the method with an example.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass

# How many admissions' worth of the organisation's history a unit's own is weighed against.
PRIOR_STRENGTH = 10
# Below this the Poisson's and the Bernoullis' tails are dropped.
TAIL = 1e-12
# A unit is at risk below this chance of reaching its minimum.
AT_RISK_BELOW = 0.5


@dataclass(frozen=True)
class Hazard:
    """What the history shows for one stage, by the days since reaching it: at each delay t
    after which someone was admitted, of those still waiting at t days (the admitted, and
    the others who had waited that long by then), the share admitted at t. From these, the
    chance of still waiting after d days, S(d) = Π over t ≤ d of (1 − share) (Kaplan–Meier),
    and the cumulative hazard H(d) = Σ over t ≤ d of share (Nelson–Aalen). `seen`
    candidates reached the stage, `admitted` of them were admitted."""

    days: tuple = ()  # the distinct delays to admission, rising
    survival: tuple = ()  # S at each of them
    cumulative: tuple = ()  # H at each of them
    seen: int = 0
    admitted: int = 0

    def _index(self, days):
        return bisect_right(self.days, days) - 1

    def still_waiting(self, days):
        """S(days)."""
        i = self._index(days)
        return self.survival[i] if i >= 0 else 1.0

    def at(self, days):
        """H(days)."""
        i = self._index(days)
        return self.cumulative[i] if i >= 0 else 0.0

    def integral(self, days, ratio=1.0):
        """∫₀^days (1 − S(s)^ratio) ds: of `days` days, how many a candidate who reaches
        the stage on the first can expect to spend admitted."""
        total = 0.0
        for i, start in enumerate(self.days):
            if start >= days:
                break
            stop = min(self.days[i + 1] if i + 1 < len(self.days) else days, days)
            total += (stop - start) * (1 - self.survival[i] ** ratio)
        return total


def hazard(observations):
    """The `Hazard` of (days, admitted) pairs: the days to admission of those admitted, the
    days waited so far of the others (censored: still waiting then, not known after)."""
    ordered = sorted(observations)
    days, survival, cumulative = [], [], []
    still, running, waiting, admitted, i = 1.0, 0.0, len(ordered), 0, 0
    while i < len(ordered):
        day, done, j = ordered[i][0], 0, i
        while j < len(ordered) and ordered[j][0] == day:
            done += bool(ordered[j][1])
            j += 1
        if done:
            # Everyone still waiting at `day` days, those censored on that day too.
            still *= 1 - done / waiting
            running += done / waiting
            days.append(day)
            survival.append(still)
            cumulative.append(running)
            admitted += done
        waiting -= j - i
        i = j
    return Hazard(tuple(days), tuple(survival), tuple(cumulative), len(ordered), admitted)


def hazard_ratio(observed, expected, strength=PRIOR_STRENGTH):
    """θ: a unit's `observed` admissions against the `expected` that the organisation's
    hazard gives its candidates, shrunk toward 1 by a gamma prior worth `strength`
    admissions (empirical Bayes): about 1 for a unit with little history, O / E with much."""
    return (observed + strength) / (expected + strength)


def chance(history, waited, remaining, ratio=1.0):
    """The chance that a candidate who has waited `waited` days at a stage (its `Hazard`
    `history`, the unit's ratio `ratio`) is admitted within the next `remaining` days:
    1 − (S(waited + remaining) / S(waited))^ratio; none for one who has waited longer than
    anyone still waiting when the last of the history was admitted."""
    if remaining < 0:
        return 0.0
    waited = max(waited, 0)
    now = history.still_waiting(waited)
    if now <= 0:
        return 0.0
    return 1 - (history.still_waiting(waited + remaining) / now) ** ratio


def admissions_per_entry(admitted, entries_per_day):
    """κ: admissions within a window by people who entered within it, per entry a day before
    it (both summed over the same windows of earlier years); 0 without entries."""
    return admitted / entries_per_day if entries_per_day > 0 else 0.0


def pace_mean(entries_per_day, days):
    """μ = λ · κ: expected admissions, before the end, of candidates entering after today."""
    return max(entries_per_day, 0.0) * max(days, 0.0)


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

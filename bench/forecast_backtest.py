"""Back-test the forecast: forecast each 1 July from the facts dated on or before it, and
compare with what was admitted by 31 December, beside the pace-only baseline.

    DATA_DIR=/tmp/fc-demo .venv/bin/python -W ignore bench/forecast_backtest.py
    DATA_DIR=/tmp/fc-gen  .venv/bin/python -W ignore bench/forecast_backtest.py

Uses the database DATABASE_URL (or DATA_DIR for SQLite) points at, filled by `grassroots
demo` or `grassroots generate`. For every year that has ended, with at least a year of
admissions before it, the period is the calendar year. Which units are replayed is decided from what was known on
1 July: a target for the year, admissions the year before or this year so far, or someone in
the pipeline. The minimum is the unit's target for exactly that year
when there is one, else what the unit admitted the year before (at least 1): a plan of the
usual kind. Printed for the forecast and for the baseline (admitted × days in period / days
gone, the probability from a Poisson of the rest): the mean absolute error of the year's
total, the Brier score of "reached the minimum", and the calibration (of the units given a
probability in each band, how many reached their minimum). With --as-pages each unit is
forecast with its organisation's history as a page reads it (`organisation_path`), not the
whole organisation's.
"""

import argparse
import datetime as dt
import os
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.org.models import Unit  # noqa: E402
from grassroots.pipeline.models import Admission  # noqa: E402
from grassroots.plans import forecast, forecasting  # noqa: E402
from grassroots.plans.models import Target  # noqa: E402

BANDS = [(0, 10), (10, 30), (30, 50), (50, 70), (70, 80), (80, 90), (90, 101)]


def _admitted(units, start, end):
    """{unit path: admissions in [start, end] in its subtree}."""
    days = list(
        Admission.objects.filter(decision_date__gte=start, decision_date__lte=end).values_list(
            "unit__path", flat=True
        )
    )
    counts = defaultdict(int)
    paths = {u.path for u in units}
    lengths = sorted({len(p) for p in paths})
    for path in days:
        for length in lengths:
            # A path shorter than `length` is not in a subtree of that length (path[:length]
            # would be the path itself, counted again).
            if length <= len(path) and path[:length] in paths:
                counts[path[:length]] += 1
    return counts


def replay(year, units, max_depth, as_pages=False):
    start, as_of, end = dt.date(year, 1, 1), dt.date(year, 7, 1), dt.date(year, 12, 31)
    last_year = _admitted(units, dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))
    actual = _admitted(units, start, end)
    targets = {
        t.unit_id: t.minimum
        for t in Target.objects.filter(period_start=start, period_end=end, unit__in=units)
    }
    periods = []
    for unit in units:
        if unit.depth > max_depth:
            continue
        minimum = targets.get(unit.pk, max(last_year[unit.path], 1))
        periods.append((unit, start, end, minimum, None))
    facts = forecasting.read_facts(as_of)
    rows = []
    for result in _forecast(facts, periods, as_pages):
        # Which units are replayed is decided from what was known on 1 July only: a target,
        # admissions the year before or this year so far, or someone in the pipeline.
        known = (
            result.unit.pk in targets
            or last_year[result.unit.path]
            or result.outcome.admitted
            or result.pipeline
        )
        if not known:
            continue
        total = actual[result.unit.path]
        baseline = forecast.naive(result.outcome.admitted, start, end, as_of, result.minimum)
        rows.append(
            {
                "year": year,
                "unit": result.unit.code,
                "level": result.unit.depth,
                "minimum": result.minimum,
                "actual": total,
                "made": total >= result.minimum,
                "forecast": (result.outcome.expected, result.outcome.probability),
                "baseline": (baseline.expected, baseline.probability),
            }
        )
    return rows


def _forecast(facts, periods, as_pages):
    """The whole organisation's history for every unit, or (`as_pages`) each unit's
    organisation's, the subtree a page and the nightly job read for it."""
    if not as_pages:
        return forecasting.forecast_periods(facts, periods)
    groups = defaultdict(list)
    for period in periods:
        groups[forecasting.organisation_path(period[0])].append(period)
    results = []
    for path, members in groups.items():
        results += forecasting.forecast_periods(forecasting._facts_under(facts, path), members)
    return results


def summary(rows, key):
    n = len(rows)
    mae = sum(abs(r[key][0] - r["actual"]) for r in rows) / n
    brier = sum((r[key][1] - r["made"]) ** 2 for r in rows) / n
    bands = []
    for low, high in BANDS:
        inside = [r for r in rows if low <= 100 * r[key][1] < high]
        made = sum(r["made"] for r in inside)
        bands.append((low, min(high, 100), len(inside), made))
    return mae, brier, bands


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-depth", type=int, default=99, help="deepest level forecast")
    parser.add_argument("--years", help="e.g. 2022-2025 (default: every year with history)")
    parser.add_argument(
        "--as-pages",
        action="store_true",
        help="each unit with its organisation's history as a page reads it, not the whole one",
    )
    args = parser.parse_args()
    first = Admission.objects.aggregate(first=Min("decision_date"), last=Max("decision_date"))
    if first["first"] is None:
        sys.exit("no admissions in this database")
    if args.years:
        a, _, b = args.years.partition("-")
        years = range(int(a), int(b or a) + 1)
    else:
        # Years that have ended, with at least a year of admissions before them.
        today = timezone.localdate()
        years = range(first["first"].year + 1, first["last"].year + 1)
        years = [y for y in years if dt.date(y, 12, 31) < today]
    units = list(Unit.objects.order_by("path"))
    rows = []
    for year in years:
        found = replay(year, units, args.max_depth, args.as_pages)
        print(f"{year}: {len(found)} unit-periods", flush=True)
        rows += found
    if not rows:
        sys.exit("nothing to replay")
    made = sum(r["made"] for r in rows)
    print(
        f"\n{len(rows)} unit-periods, {made} reached their minimum ({100 * made / len(rows):.0f} %)"
    )
    results = {key: summary(rows, key) for key in ("forecast", "baseline")}
    print(f"{'':10}{'MAE':>8}{'Brier':>8}")
    for key, (mae, brier, _bands) in results.items():
        print(f"{key:10}{mae:8.2f}{brier:8.3f}")
    for name, key in (("year", "year"), ("level", "level")):
        print(f"\nmean absolute error by {name}: forecast / baseline (unit-periods)")
        for value in sorted({r[key] for r in rows}):
            group = [r for r in rows if r[key] == value]
            errors = [
                sum(abs(r[k][0] - r["actual"]) for r in group) / len(group)
                for k in ("forecast", "baseline")
            ]
            print(f"{value:>6}: {errors[0]:7.2f} / {errors[1]:7.2f}  ({len(group)})")
    print("\ncalibration: units given p in band → how many reached the minimum")
    print(f"{'band %':>10} | {'forecast':>16} | {'baseline':>16}")
    for i, (low, high) in enumerate(BANDS):
        cells = []
        for key in ("forecast", "baseline"):
            _low, _high, n, reached = results[key][2][i]
            cells.append(f"{reached:>4}/{n:<4} ({100 * reached / n:3.0f} %)" if n else f"{'–':>16}")
        print(f"{low:>4}–{min(high, 100):<4} | {cells[0]:>16} | {cells[1]:>16}")


if __name__ == "__main__":
    main()

"""Reading the pipeline as it stood on a day, and forecasting the units' running periods.

Everything is read in a handful of set-based queries (admissions, dossiers, their steps,
course graduates), whatever the number of units, and only facts dated on or before `as_of`
count, so that the same code forecasts today and replays a past day (`bench/
forecast_backtest.py`). Units are counted in today's tree (a unit's current subtree), as
the allocation does. The arithmetic is `plans.forecast`; the method is in
`docs/planning.md`.
"""

import dataclasses
import datetime as dt
from collections import defaultdict

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org import timeline
from grassroots.org.models import Unit
from grassroots.paths import under
from grassroots.pipeline.models import Admission, Dossier, DossierStep, Enrollment

from . import forecast
from .models import StoredForecast, Target

HISTORY_DAYS = 3 * 365
# Only candidates who reached a stage at least this long ago tell its rate: the more recent
# ones may still be admitted.
MATURITY_DAYS = 365
# New entries per day are counted over this many days before `as_of`.
PACE_DAYS = 2 * 365
# Facts further back than this cannot matter (a dossier open for longer is stale).
LOOKBACK_DAYS = 6 * 365
# A stage whose history in the whole organisation holds fewer candidates than this is read
# as the stage before it (a dossier's opening, then entering the pipeline).
MIN_HISTORY = 10
# The organisation whose history a unit's rates are shrunk toward, on the pages: the subtree
# of the unit this many levels above the page's unit (the back-test reads everything).
PRIOR_LEVELS_UP = 2

# A page forecasts on the spot only when the organisation whose history it reads has at most
# this many units (its read then takes a fraction of a second); above, it shows the forecast
# the nightly job stored (`record_forecasts`), made at most `STORED_DAYS` days ago.
LIVE_UNITS = 5000
STORED_DAYS = 7

GRADUATE = "graduate"
OPENED = "opened"
ENTRY = "entry"


@dataclasses.dataclass
class Candidate:
    """Someone in the pipeline on `as_of`: at `stage` since `since`, in the unit at `path`;
    `opened` is when their dossier was opened, `entered` when they entered the pipeline
    (their first completed course or dossier)."""

    person: int
    path: str
    stage: str
    since: dt.date
    opened: dt.date = None
    entered: dt.date = None

    def fallbacks(self):
        """(stage, since) to read the history of, nearest first: the stage itself, then
        the dossier's opening, then entering the pipeline."""
        yield self.stage, self.since
        if self.opened is not None and self.stage != OPENED:
            yield OPENED, self.opened
        yield ENTRY, self.entered


@dataclasses.dataclass
class Event:
    """Someone who reached `stage` on `on` in the unit at `path`, admitted `delay` days
    later (None: not admitted by `as_of`)."""

    path: str
    stage: str
    on: dt.date
    delay: int | None


@dataclasses.dataclass
class Facts:
    as_of: dt.date
    admissions: list  # (path, decision_date) up to as_of
    candidates: list  # Candidate
    events: list  # Event
    entries: list  # (path, entry date) of everyone who entered the pipeline


def _under(queryset, path, field):
    return queryset if path is None else queryset.filter(under(path, field))


def read_facts(as_of, path=None):
    """The pipeline under `path` (everywhere when None) as it stood at the end of `as_of`."""
    earliest = as_of - dt.timedelta(days=LOOKBACK_DAYS)
    admitted_on = {}
    admissions = []
    rows = _under(
        Admission.objects.filter(decision_date__gte=earliest, decision_date__lte=as_of),
        path,
        "unit__path",
    ).values_list("person_id", "unit__path", "decision_date")
    rows = list(rows.iterator(chunk_size=5000))
    for person, unit_path, day in rows:
        admissions.append((unit_path, day))
        admitted_on.setdefault(person, []).append(day)
    for days in admitted_on.values():
        days.sort()

    def admitted_after(person, day):
        for decided in admitted_on.get(person, ()):
            if decided >= day:
                return decided
        return None

    dossiers = _under(
        Dossier.objects.filter(opened_on__gte=earliest, opened_on__lte=as_of), path, "unit__path"
    )
    steps = defaultdict(list)
    last_step = {}
    step_rows = DossierStep.objects.filter(
        dossier__in=dossiers, annulled_at__isnull=True
    ).values_list("dossier_id", "step", "date")
    for dossier_id, step, day in step_rows.iterator(chunk_size=5000):
        if day <= as_of:
            steps[dossier_id].append((day, step))
        last_step[dossier_id] = max(day, last_step.get(dossier_id, day))
    candidates, events = [], []
    entered = {}
    in_dossier = set()
    for pk, person, unit_path, opened, status in dossiers.values_list(
        "pk", "person_id", "unit__path", "opened_on", "status"
    ).iterator(chunk_size=5000):
        reached = [(opened, OPENED), *sorted(steps.get(pk, ()))]
        decided = admitted_after(person, opened)
        # A closed dossier has no date of its own: it counts as closed from its last step
        # (from its opening when it has none).
        closed = (
            status == Dossier.Status.CLOSED
            and decided is None
            and last_step.get(pk, opened) <= as_of
        )
        _enter(entered, person, unit_path, opened)
        for day, stage in reached:
            events.append(
                Event(unit_path, stage, day, None if decided is None else (decided - day).days)
            )
        if decided is None:
            in_dossier.add(person)  # open, or closed: not waiting as a graduate either
            if not closed:
                day, stage = reached[-1]
                candidates.append(Candidate(person, unit_path, stage, day, opened))
    graduates = _under(
        Enrollment.objects.filter(
            person__unit__isnull=False,  # a graduate without a unit belongs to no unit's plan
            result=Enrollment.Result.COMPLETED,
            course__end_date__gte=earliest,
            course__end_date__lte=as_of,
        ),
        path,
        "person__unit__path",
    ).values_list("person_id", "person__unit__path", "course__end_date")
    latest = {}
    for person, unit_path, day in graduates.iterator(chunk_size=5000):
        decided = admitted_after(person, day)
        events.append(
            Event(unit_path, GRADUATE, day, None if decided is None else (decided - day).days)
        )
        _enter(entered, person, unit_path, day)
        if decided is None and person not in in_dossier and not admitted_on.get(person):
            if person not in latest or latest[person][1] < day:
                latest[person] = (unit_path, day)
    candidates += [Candidate(who, p, GRADUATE, day) for who, (p, day) in latest.items()]
    for candidate in candidates:
        candidate.entered = entered[candidate.person][1]
    entries = []
    for person, (unit_path, day) in entered.items():
        decided = admitted_after(person, day)
        events.append(
            Event(unit_path, ENTRY, day, None if decided is None else (decided - day).days)
        )
        entries.append((unit_path, day))
    # Whoever was admitted with no dossier or course on record entered on the decision day.
    for person, unit_path, day in rows:
        if person not in entered:
            events.append(Event(unit_path, ENTRY, day, 0))
            entries.append((unit_path, day))
    return Facts(as_of, admissions, candidates, events, entries)


def _enter(entered, person, unit_path, day):
    if person not in entered or entered[person][1] > day:
        entered[person] = (unit_path, day)


def _stage_tables(events, as_of):
    """{stage: forecast.Stage} from the events of the matured window."""
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    end = as_of - dt.timedelta(days=MATURITY_DAYS)
    counts = defaultdict(lambda: [0, 0, []])
    for event in events:
        if not start <= event.on <= end:
            continue
        row = counts[event.stage]
        row[1] += 1
        if event.delay is not None:
            row[0] += 1
            row[2].append(event.delay)
    return {s: forecast.stage(a, n, delays) for s, (a, n, delays) in counts.items()}


def _owner(paths_by_length, path):
    """The keys among the units forecast whose subtree holds `path` (nested units too)."""
    for length, owners in paths_by_length.items():
        owner = owners.get(path[:length])
        if owner is not None:
            yield owner


@dataclasses.dataclass
class Forecast:
    """One unit's forecast for one period."""

    unit: object
    start: dt.date
    end: dt.date
    minimum: int | None
    outcome: forecast.Outcome
    pipeline: int  # candidates in the pipeline
    pace: float  # μ
    behind: bool
    target: object = None
    name: str = ""
    made_on: dt.date = None  # the day of a stored forecast (None: made for this request)

    @property
    def probability(self):
        return self.outcome.probability

    @property
    def percent(self):
        p = self.outcome.probability
        return None if p is None else round(100 * p)

    @property
    def at_risk(self):
        return forecast.at_risk(self.outcome.probability, self.behind)


def forecast_periods(facts, periods):
    """Forecasts for `periods`, [(unit, start, end, minimum, target)], from `facts`."""
    as_of = facts.as_of
    org = _stage_tables(facts.events, as_of)
    by_length = defaultdict(dict)
    for unit, *_rest in periods:
        by_length[len(unit.path)][unit.path] = unit.path
    own_events = defaultdict(list)
    for event in facts.events:
        for owner in _owner(by_length, event.path):
            own_events[owner].append(event)
    own_candidates = defaultdict(list)
    for candidate in facts.candidates:
        for owner in _owner(by_length, candidate.path):
            own_candidates[owner].append(candidate)
    pace_from = as_of - dt.timedelta(days=PACE_DAYS)
    own_entries = defaultdict(int)
    for entry_path, day in facts.entries:
        if pace_from < day <= as_of:
            for owner in _owner(by_length, entry_path):
                own_entries[owner] += 1
    own_admissions = defaultdict(list)
    for admission_path, day in facts.admissions:
        for owner in _owner(by_length, admission_path):
            own_admissions[owner].append(day)
    empty = forecast.Stage()
    results = []
    tables = {}
    for unit, start, end, minimum, target in periods:
        path = unit.path
        if path not in tables:
            tables[path] = _stage_tables(own_events[path], as_of)
        own = tables[path]
        remaining = (end - as_of).days
        chances = []
        for candidate in own_candidates[path]:
            name, since, history = _history_for(candidate, org)
            rate = forecast.shrunk_rate(own.get(name, empty), history)
            waited = (as_of - since).days
            chances.append(forecast.chance(rate, history, waited, remaining))
        entry = org.get(ENTRY, empty)
        entry_rate = forecast.shrunk_rate(own.get(ENTRY, empty), entry)
        pace = forecast.pace_mean(own_entries[path] / PACE_DAYS, entry_rate, entry, remaining)
        admitted = sum(1 for day in own_admissions[path] if start <= day <= as_of)
        outcome = forecast.outcome(admitted, chances, pace, minimum)
        behind = minimum is not None and forecast.behind_plan(admitted, minimum, start, end, as_of)
        results.append(
            Forecast(unit, start, end, minimum, outcome, len(chances), pace, behind, target)
        )
    return results


def _history_for(candidate, org):
    """(stage, since, organisation's history) to forecast `candidate` with: its own stage,
    or the first stage before it with at least `MIN_HISTORY` candidates seen."""
    found = None
    for name, since in candidate.fallbacks():
        found = (name, since, org.get(name, forecast.Stage()))
        if found[2].seen >= MIN_HISTORY:
            break
    return found


def running_targets(units, as_of):
    """The targets of `units` whose period contains `as_of`, in unit and period order."""
    return list(
        Target.objects.filter(unit__in=units, period_start__lte=as_of, period_end__gte=as_of)
        .select_related("unit")
        .order_by("unit__path", "period_start", "-period_end")
    )


def organisation_path(unit):
    """Whose history stands for "the organisation's" when forecasting `unit` and the units
    below it: the subtree of the unit `PRIOR_LEVELS_UP` levels above it (or the root), so
    that a page reads a bounded part of the tree, with the neighbours to compare with."""
    depth = max(unit.depth - PRIOR_LEVELS_UP, 1)
    return unit.path[: depth * len(unit.path) // unit.depth]


class Forecasts(list):
    """Forecasts in the order of the targets asked for; `pending` holds the targets that
    have none yet (too large to forecast on the spot, not yet forecast by the nightly job)."""

    def __init__(self, forecasts=(), pending=()):
        super().__init__(forecasts)
        self.pending = list(pending)


def forecasts_for_targets(targets, as_of, organisation=None):
    """Forecasts of `targets` on `as_of`, the organisation's history read under the path
    `organisation` (everywhere when None): stored by the nightly job when it forecast them
    in the last `STORED_DAYS` days, else made now when that organisation is small enough
    (`LIVE_UNITS`), else pending."""
    if not targets:
        return Forecasts()  # nothing to forecast: read no history
    stored = _stored(targets, as_of)
    missing = [t for t in targets if t.pk not in stored]
    made = {}
    pending = []
    if missing:
        if _small(organisation):
            facts = read_facts(as_of, organisation)
            periods = [(t.unit, t.period_start, t.period_end, t.minimum, t) for t in missing]
            made = {f.target.pk: f for f in forecast_periods(facts, periods)}
        else:
            pending = missing
    found = [stored.get(t.pk) or made.get(t.pk) for t in targets]
    return Forecasts([f for f in found if f is not None], pending)


def _small(organisation):
    units = Unit.objects.all() if organisation is None else Unit.objects.filter(under(organisation))
    return not units[LIVE_UNITS : LIVE_UNITS + 1].exists()


def _stored(targets, as_of):
    """{target id: Forecast} from the latest stored forecast of each target in the last
    `STORED_DAYS` days up to `as_of`."""
    by_id = {t.pk: t for t in targets}
    rows = StoredForecast.objects.filter(
        target_id__in=list(by_id),
        made_on__lte=as_of,
        made_on__gt=as_of - dt.timedelta(days=STORED_DAYS),
    ).order_by("target_id", "-made_on")
    found = {}
    for row in rows:
        if row.target_id in found:
            continue
        target = by_id[row.target_id]
        outcome = forecast.Outcome(
            row.admitted, row.expected, row.probability, row.low, row.high, ()
        )
        found[row.target_id] = Forecast(
            target.unit,
            target.period_start,
            target.period_end,
            target.minimum,
            outcome,
            row.pipeline,
            row.pace,
            row.behind,
            target,
            made_on=row.made_on,
        )
    return found


def forecasts_to_store(as_of):
    """Forecasts of every target running on `as_of`, each with the same organisation history
    a page would read for it (`organisation_path`), from one read of the whole pipeline."""
    targets = list(
        Target.objects.filter(period_start__lte=as_of, period_end__gte=as_of)
        .select_related("unit")
        .order_by("unit__path", "period_start")
    )
    if not targets:
        return []
    facts = read_facts(as_of)
    groups = defaultdict(list)
    for target in targets:
        groups[organisation_path(target.unit)].append(target)
    results = []
    for path, members in groups.items():
        periods = [(t.unit, t.period_start, t.period_end, t.minimum, t) for t in members]
        results += forecast_periods(_facts_under(facts, path), periods)
    return results


def _facts_under(facts, path):
    return Facts(
        as_of=facts.as_of,
        admissions=[a for a in facts.admissions if a[0].startswith(path)],
        candidates=[c for c in facts.candidates if c.path.startswith(path)],
        events=[e for e in facts.events if e.path.startswith(path)],
        entries=[e for e in facts.entries if e[0].startswith(path)],
    )


def unit_forecasts(user, unit, as_of):
    """The forecasts of `unit`'s running targets (its dashboard)."""
    scope.require(user, Action.VIEW, unit)
    return forecasts_for_targets(running_targets([unit], as_of), as_of, organisation_path(unit))


def units_at_risk(user, unit, as_of, everyone=False):
    """Forecasts of the running targets of the units directly below `unit` today, at risk
    first and then by rising probability; only those at risk unless `everyone`."""
    scope.require(user, Action.VIEW, unit)
    children = [c for c in timeline.children_on(unit, as_of) if scope.can_see(user, c)]
    names = timeline.names_on([c.pk for c in children], as_of)
    results = forecasts_for_targets(
        running_targets(children, as_of), as_of, organisation_path(unit)
    )
    for result in results:
        result.name = names.get(result.unit.pk, result.unit.name)
    pending = results.pending
    if not everyone:
        results = [r for r in results if r.at_risk]
    results = sorted(results, key=lambda r: (not r.at_risk, sortable(r.probability), r.unit.path))
    return Forecasts(results, pending)


def sortable(probability):
    return 2.0 if probability is None else probability

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

# The stages' history: the candidates who reached them in this many days before `as_of`.
HISTORY_DAYS = 3 * 365
# New entries per day are counted over this many days before `as_of`.
PACE_DAYS = 2 * 365
# The admissions new entries bring within a window are read from the same window of this
# many years before.
SEASON_YEARS = 2
# Facts further back than this cannot matter (a dossier open for longer is stale).
LOOKBACK_DAYS = 6 * 365
# A stage whose history in the whole organisation holds fewer candidates than this is read
# as the stage before it (a dossier's opening, then entering the pipeline).
MIN_HISTORY = 10
# The organisation whose history a unit's is measured against, on the pages: the subtree of
# the unit this many levels above the page's unit (the back-test reads everything).
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
    first_opened = {}
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
        first_opened[person] = min(opened, first_opened.get(person, opened))
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
        # The `graduate` stage is a graduate with no dossier and never admitted (as its
        # candidates are): one whose dossier was open already has the dossier's stages.
        if first_opened.get(person, day + ONE_DAY) > day and not _admitted_before(
            admitted_on, person, day
        ):
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


ONE_DAY = dt.timedelta(days=1)


def _admitted_before(admitted_on, person, day):
    return any(decided < day for decided in admitted_on.get(person, ()))


def _enter(entered, person, unit_path, day):
    if person not in entered or entered[person][1] > day:
        entered[person] = (unit_path, day)


def _observations(events, as_of):
    """(event, days, admitted) of the events of the history window: the days to admission,
    or the days waited by `as_of` of those not admitted (censored)."""
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    for event in events:
        if not start <= event.on <= as_of:
            continue
        if event.delay is None:
            yield event, (as_of - event.on).days, False
        elif event.delay >= 0:  # a step after the admission (a ceremony) tells nothing
            yield event, event.delay, True


def _hazards(events, as_of):
    """{stage: forecast.Hazard} from the events of the history window."""
    by_stage = defaultdict(list)
    for event, days, admitted in _observations(events, as_of):
        by_stage[event.stage].append((days, admitted))
    return {stage: forecast.hazard(pairs) for stage, pairs in by_stage.items()}


def _observed_expected(events, org, as_of):
    """{stage: [O, E]}: of a unit's events of the history window, the admissions, and the
    admissions the organisation's hazard expected over the days each was observed."""
    counts = defaultdict(lambda: [0, 0.0])
    for event, days, admitted in _observations(events, as_of):
        history = org.get(event.stage)
        if history is not None:
            row = counts[event.stage]
            row[0] += admitted
            row[1] += history.at(days)
    return counts


def _admissions_per_entry(events, org, as_of, remaining):
    """κ, in days: in the same `remaining` days after `as_of` in each of the `SEASON_YEARS`
    years before, how many people entered the pipeline and were admitted within them, per
    entry a day in the `PACE_DAYS` before. Courses and congresses keep a calendar, so
    entries do not arrive evenly; an organisation with no entries then (a new one) is
    assumed to receive them evenly."""
    admitted, per_day = 0, 0.0
    entries = [e for e in events if e.stage == ENTRY]
    for years in range(1, SEASON_YEARS + 1):
        start = as_of - dt.timedelta(days=365 * years)
        end = start + dt.timedelta(days=remaining)
        before = start - dt.timedelta(days=PACE_DAYS)
        for event in entries:
            if before < event.on <= start:
                per_day += 1 / PACE_DAYS
            elif start < event.on <= end and event.delay is not None:
                admitted += (end - event.on).days >= event.delay
    if per_day == 0:
        return org.get(ENTRY, forecast.Hazard()).integral(remaining)
    return forecast.admissions_per_entry(admitted, per_day)


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
    org = _hazards(facts.events, as_of)
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
    results = []
    tables = {}
    per_entry = {}
    for unit, start, end, minimum, target in periods:
        path = unit.path
        if path not in tables:
            tables[path] = _observed_expected(own_events[path], org, as_of)
        own = tables[path]
        remaining = (end - as_of).days
        chances = []
        for candidate in own_candidates[path]:
            name, since, history = _history_for(candidate, org)
            ratio = forecast.hazard_ratio(*own.get(name, (0, 0.0)))
            waited = (as_of - since).days
            chances.append(forecast.chance(history, waited, remaining, ratio))
        if remaining not in per_entry:
            per_entry[remaining] = _admissions_per_entry(facts.events, org, as_of, remaining)
        pace = forecast.pace_mean(own_entries[path] / PACE_DAYS, per_entry[remaining])
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
        found = (name, since, org.get(name, forecast.Hazard()))
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

"""Restructuring: dated events that move, rename, merge, split and close units.

Each function is one transaction and records one `UnitEvent`; every change it makes is
written to the history with the event as its cause (`Cause.RESTRUCTURING`, reference
`unit-event:<id>`). With `dry_run=True` it does all of it inside a savepoint that is then
rolled back, so the preview it returns is exactly what the event would do, and nothing is
written. A refused event raises `ValidationError` naming each conflict.

The rules (docs/exchange-format.md, "Restructuring contract"; docs/architecture.md):
- An event takes effect on E, the first day of the new structure. Units that cease to
  exist end on E − 1 and stay readable under their code; codes are never reused.
- Events are recorded on or after their effective date, and in order: an event may not
  be dated before an event already recorded on the units it touches or below them.
- What belongs to a unit that ends (people, members, open dossiers, sources: the
  holdings the apps above register in `holdings.py`) passes to its successor; a fact of
  an ending unit (an admission, a transfer) dated on or after E refuses the event.
- Role assignments on a unit that ends end with it; the event lists their holders.
- Who may: `services.can_restructure` (an administrator of a unit above every unit
  involved; roots: the operator or a superuser).
"""

import csv
import dataclasses
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.accounts import scope
from grassroots.accounts import services as account_services
from grassroots.dates import shown_day as _shown_day
from grassroots.history.models import Cause, Change
from grassroots.history.services import Trace, record_change
from grassroots.inputs import composed, field_errors

from . import holdings, services, timeline
from .models import SplitShare, Unit, UnitEvent, UnitEventPart

ONE_DAY = dt.timedelta(days=1)
PREVIEW_KEYS = 20  # how many national IDs / codes the summary lists per holding


@dataclasses.dataclass
class Outcome:
    """What an event did (or, on a dry run, would do)."""

    kind: str
    effective_date: dt.date
    summary: dict
    event: UnitEvent | None = None
    dry_run: bool = False


class _DryRun(Exception):
    """Raised inside the savepoint of a dry run, to roll it back."""

    def __init__(self, outcome):
        self.outcome = outcome


def _run(kind, trace, day, dry_run, work):
    """Record an event of `kind` on `day` and run `work(event, event_trace)` in one
    transaction; return its Outcome. A dry run rolls everything back."""
    try:
        with transaction.atomic():
            event = UnitEvent.objects.create(
                kind=kind,
                effective_date=day,
                reference="",
                recorded_by=trace.actor,
                channel=trace.cause,
            )
            event_trace = Trace(
                user=trace.user,
                cause=Cause.RESTRUCTURING,
                reference=event.history_reference,
                reason=trace.reason,
            )
            summary = work(event, event_trace)
            event.summary = summary
            event.save(update_fields=["summary"])
            outcome = Outcome(kind, day, summary, event=event, dry_run=dry_run)
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as rolled_back:
        outcome = rolled_back.outcome
        outcome.event = None
    return outcome


def _with_reference(work, reference):
    reference = (reference or "").strip()
    errors = field_errors(UnitEvent(reference=reference), ("reference",))
    if errors:
        raise ValidationError(errors)

    def run(event, event_trace):
        event.reference = reference
        event.save(update_fields=["reference"])
        return work(event, event_trace)

    return run


# --- checks ---------------------------------------------------------------------------------


def _check_day(day, changing, receiving=(), today=None):
    """E lies no later than today, and no earlier than the latest event already recorded on
    the units that change (moving or ending), on anything below them, or on the units that
    receive them."""
    today = today or services.today()
    errors = []
    if day > today:
        errors.append(
            _("An event is recorded on or after its effective date (%(day)s is in the future).")
            % {"day": _shown_day(day)}
        )
    touched = {unit.pk for unit in receiving if unit is not None}
    for unit in changing:
        touched |= timeline.affected_by(unit)
    latest = timeline.latest_event_date(touched)
    if latest and day < latest:
        errors.append(
            _(
                "An event of %(day)s already touches these units or units below them: record "
                "events in the order of their dates (this one is dated %(this)s)."
            )
            % {"day": _shown_day(latest), "this": _shown_day(day)}
        )
    return errors


def _check_exists_on(unit, day, ending=False):
    """The unit exists on E (and, if it is to end, on the day before)."""
    if not unit.is_valid_on(day):
        return [_("%(unit)s does not exist on %(day)s.") % {"unit": unit, "day": _shown_day(day)}]
    if ending and unit.valid_from >= day:
        return [
            _("%(unit)s begins on %(day)s: it cannot end the day before.")
            % {"unit": unit, "day": _shown_day(day)}
        ]
    return []


def _conflicting_facts(units, day):
    ids = [unit.pk for unit in units]
    found = []
    for source in holdings.fact_sources():
        found.extend(source.conflicts(ids, day))
    return found


def require_restructurable(user, unit):
    """The first check of every event, made by the page, the API and the command alike on
    the unit the event is about, before the other units the request names: 404 if the user
    cannot see it, 403 unless they may restructure where it stands (its parent today, or
    on its last day if it has ended). The operator (user None) may."""
    if user is None:
        return
    if not scope.can_see(user, unit):
        raise Http404
    day = services.today() if unit.valid_to is None else unit.valid_to
    services.require(services.can_restructure(user, [timeline.parent_on(unit, day)]), user, unit)


def _require(user, units):
    services.require(
        services.can_restructure(user, units), user, next((u for u in units if u), None)
    )


def _refuse(errors):
    if errors:
        raise ValidationError(errors)


# --- the pieces every event uses -------------------------------------------------------------


def _part(event, unit, role, position=0):
    UnitEventPart.objects.create(event=event, unit=unit, role=role, position=position)


def _record_unit(trace, unit, before):
    record_change(
        trace,
        unit,
        action=Change.Action.UPDATE,
        before=before,
        after=services.snapshot_unit(unit),
    )


def _move_from(event_trace, event, unit, parent, day):
    """`unit` (and its subtree) stands under `parent` from `day`."""
    before = services.snapshot_unit(unit)
    affected = timeline.affected_by(unit)
    announcements.announce(announcements.UNITS_CHANGING, unit_ids=affected, since=day)
    timeline.change_from(unit, day, parent=parent, event=event)
    services.move_in_latest_tree(unit, parent)
    unit = Unit.objects.get(pk=unit.pk)
    services.refresh_effective_groupings(unit)
    announcements.announce(announcements.UNITS_CHANGED, unit_ids=affected, since=day)
    unit.refresh_from_db()
    _record_unit(event_trace, unit, before)
    return unit


def _end(event_trace, event, unit, day):
    """`unit` exists no more from `day`: it ends the day before; its roles end with it."""
    # Read afresh: what the event moved before (another merged unit, a subunit) may have
    # shifted this unit's path since the caller read it.
    caller, unit = unit, Unit.objects.get(pk=unit.pk)
    before = services.snapshot_unit(unit)
    last_day = day - ONE_DAY
    unit.valid_to = caller.valid_to = last_day
    unit.save(update_fields=["valid_to"])
    timeline.end_unit(unit, last_day)
    _record_unit(event_trace, unit, before)
    ended = account_services.end_assignments_of_units(
        trace=event_trace, units=[unit], last_day=last_day, event=event
    )
    return [{"user": a.user.get_username(), "role": a.role, "unit": unit.code} for a in ended]


def _pass_holdings(event_trace, sources, target_for_person, default_target, summary):
    """Pass everything that belongs to `sources` to a successor: `target_for_person(person
    id)` or `default_target`. Adds per-holding counts and keys to `summary`."""
    ids = [unit.pk for unit in sources]
    for holding in holdings.holdings():
        records = list(holding.records(ids))
        if not records:
            continue
        by_target = {}
        for record in records:
            target = target_for_person(holding.person_id(record)) or default_target
            by_target.setdefault(target.pk, (target, []))[1].append(record)
        passed = summary.setdefault("passed", {}).setdefault(holding.name, [])
        for target, group in by_target.values():
            holding.pass_to(trace=event_trace, records=group, unit=target)
            keys = sorted(str(holding.key(record)) for record in group)
            passed.append({"to": target.code, "count": len(group), "keys": keys[:PREVIEW_KEYS]})


def _holdings_of(units):
    """{holding label: count} of what belongs to these units now."""
    ids = [unit.pk for unit in units]
    found = {}
    for holding in holdings.holdings():
        count = holding.records(ids).count()
        if count:
            found[str(holding.label)] = count
    return found


def _create_successor(event_trace, event, *, code, name, kind, parent, like, day):
    """A unit made by a merge or split on `day`, with the cluster and sector set on `like`."""
    code = (code or "").strip()
    name = (name or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("A code is required.")
    elif Unit.objects.filter(code=code).exists():
        errors["code"] = _("A unit with code %(code)s already exists (codes are never reused).") % {
            "code": code
        }
    if not name:
        errors["name"] = _("A name is required for the new unit %(code)s.") % {"code": code}
    errors = {**field_errors(Unit(code=code, name=name), ("code", "name")), **errors}
    if parent is not None and parent.kind == Unit.Kind.GROUP:
        errors["parent"] = _("A group cannot have units below it.")
    if parent is not None and not parent.is_valid_on(day):
        errors["parent"] = _("%(unit)s does not exist on %(day)s.") % {
            "unit": parent,
            "day": _shown_day(day),
        }
    if errors:
        raise ValidationError(errors)
    fields = {
        "code": code,
        "name": name,
        "kind": kind,
        "cluster_id": like.cluster_id,
        "sector_id": like.sector_id,
        "valid_from": day,
    }
    unit = services.add_unit(parent, fields)
    timeline.start_unit(unit, parent, day, event=event)
    services.refresh_effective_groupings(unit)
    unit.refresh_from_db()
    record_change(
        event_trace, unit, action=Change.Action.CREATE, after=services.snapshot_unit(unit, parent)
    )
    return unit


# --- the events -------------------------------------------------------------------------------


def unit_move(*, trace, unit, new_parent, day, reference="", dry_run=False):
    """From `day`, `unit` and everything below it stand under `new_parent`."""
    old_parent = timeline.parent_on(unit, day) if unit.is_valid_on(day) else None
    _require(trace.user, [old_parent, new_parent])
    errors = {}
    day_errors = _check_day(day, [unit], [new_parent]) + _check_exists_on(unit, day)
    if day_errors:
        errors["day"] = day_errors
    parent_errors = _check_exists_on(new_parent, day)
    if new_parent.path.startswith(unit.path):
        parent_errors.append(_("A unit cannot be moved below itself."))
    if new_parent.kind == Unit.Kind.GROUP:
        parent_errors.append(_("A group cannot have units below it."))
    if old_parent is not None and old_parent.pk == new_parent.pk:
        parent_errors.append(
            _("%(unit)s already stands under %(parent)s.") % {"unit": unit, "parent": new_parent}
        )
    if parent_errors:
        errors["parent"] = parent_errors
    _refuse(errors)

    def work(event, event_trace):
        _part(event, unit, UnitEventPart.Role.SUBJECT)
        _part(event, new_parent, UnitEventPart.Role.SUCCESSOR)
        below = timeline.below_on(unit, day, include_self=False).count()
        _move_from(event_trace, event, unit, new_parent, day)
        return {
            "moved": [
                {
                    "unit": unit.code,
                    "from": old_parent.code if old_parent else None,
                    "to": new_parent.code,
                    "units_below": below,
                }
            ]
        }

    return _run(UnitEvent.Kind.MOVE, trace, day, dry_run, _with_reference(work, reference))


def unit_rename(*, trace, unit, name, day, reference="", dry_run=False):
    """From `day`, `unit` is called `name`; periods before keep the former name."""
    name = (name or "").strip()
    _require(trace.user, [timeline.parent_on(unit, day)])
    errors = _check_day(day, [unit]) + _check_exists_on(unit, day)
    former = timeline.version_on(unit, day)
    limits = field_errors(Unit(name=name), ("name",)) if name else {}
    if not name:
        errors.append(_("A name is required."))
    elif limits:
        errors.extend(message for error in limits["name"] for message in error.messages)
    elif former is not None and former.name == name:
        errors.append(_("%(unit)s is already called %(name)s.") % {"unit": unit.code, "name": name})
    _refuse(errors)

    def work(event, event_trace):
        _part(event, unit, UnitEventPart.Role.SUBJECT)
        before = services.snapshot_unit(unit)
        timeline.change_from(unit, day, name=name, event=event)
        unit.name = name
        unit.save(update_fields=["name"])
        _record_unit(event_trace, unit, before)
        return {"renamed": [{"unit": unit.code, "from": former.name, "to": name}]}

    return _run(UnitEvent.Kind.RENAME, trace, day, dry_run, _with_reference(work, reference))


def unit_merge(*, trace, units, into, day, name="", parent=None, reference="", dry_run=False):
    """Merge `units` into the unit with code `into` from `day`.

    If `into` names a unit valid on `day` (and not among `units`), the others are absorbed
    into it; otherwise a new unit `into` is made from `day` under `parent` (by default where
    the first merged unit stood) with `name`, the kind of the first merged unit and the
    cluster and sector set on it. The absorbed units end on `day` − 1; their subunits move
    under the successor; what belongs to them passes to it; their role assignments end.
    """
    units = list(dict.fromkeys(units))
    # Codes and names as units keep them (composed: typed with combining accents, the
    # same code is the same unit).
    into, name = composed(into or ""), composed(name or "")
    errors = []
    if not units:
        _refuse([_("Name at least one unit to merge.")])
    target = Unit.objects.filter(code=into).first()
    if target is not None and target in units:
        errors.append(
            _("%(unit)s cannot be merged into itself: name it after --into only.")
            % {"unit": target.code}
        )
    first = units[0]
    if target is None and parent is None:
        parent = timeline.parent_on(first, day) if first.is_valid_on(day) else None
    old_parents = [timeline.parent_on(u, day) if u.is_valid_on(day) else None for u in units]
    # A new root (no parent) is the operator's or a superuser's: None requires them.
    _require(trace.user, [*old_parents, target if target is not None else parent])
    errors += _check_day(day, units, [target if target is not None else parent])
    for unit in units:
        errors += _check_exists_on(unit, day, ending=True)
        if target is None and parent is not None and parent.path.startswith(unit.path):
            errors.append(
                _("%(parent)s stands below %(unit)s: the new unit cannot stand there.")
                % {"parent": parent.code, "unit": unit.code}
            )
    if target is not None:
        errors += _check_exists_on(target, day)
        for unit in units:
            if target.path.startswith(unit.path):
                errors.append(
                    _("%(target)s stands below %(unit)s: it cannot absorb it.")
                    % {"target": target.code, "unit": unit.code}
                )
    errors += _conflicting_facts(units, day)
    _refuse(errors)

    def work(event, event_trace):
        created = target is None
        successor = target
        if created:
            successor = _create_successor(
                event_trace,
                event,
                code=into,
                name=name,
                kind=first.kind,
                parent=parent,
                like=first,
                day=day,
            )
        for position, unit in enumerate(units):
            _part(event, unit, UnitEventPart.Role.PREDECESSOR, position)
        _part(event, successor, UnitEventPart.Role.SUCCESSOR)
        summary = {
            "into": [successor.code],
            "created": created,
            "predecessors": [unit.code for unit in units],
            "moved": [],
            "roles_ended": [],
        }
        for unit in units:
            for child in timeline.children_on(unit, day):
                _move_from(event_trace, event, child, successor, day)
                summary["moved"].append(
                    {"unit": child.code, "from": unit.code, "to": successor.code}
                )
        _pass_holdings(event_trace, units, lambda person_id: None, successor, summary)
        for unit in units:
            summary["roles_ended"] += _end(event_trace, event, unit, day)
            # The ended unit is kept below its successor in the structure as it stands, so
            # that whoever holds the successor can still read its records and history.
            services.move_in_latest_tree(Unit.objects.get(pk=unit.pk), successor)
        return summary

    return _run(UnitEvent.Kind.MERGE, trace, day, dry_run, _with_reference(work, reference))


class Assignments(dict):
    """{key: unit code} read from an --assign file; `problems` names the rows that could
    not be read, which the split reports beside every other conflict."""

    def __init__(self, found=(), problems=()):
        super().__init__(found)
        self.problems = list(problems)


def read_assignments(text):
    """{key: unit code} from a split's --assign CSV (header `key,unit_code`); a wrong
    header refuses at once, a row that cannot be read is kept in `.problems`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if header != ["key", "unit_code"]:
        raise ValidationError(
            [
                _("The assignment file needs the header key,unit_code (found: %(found)s).")
                % {"found": ",".join(reader.fieldnames or []) or "—"}
            ]
        )
    found, errors = {}, []
    for number, row in enumerate(reader, start=2):
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        key, code = values.get("key", ""), values.get("unit_code", "")
        if not key or not code:
            errors.append(_("row %(row)d: key and unit_code are required.") % {"row": number})
        elif key in found:
            errors.append(_("row %(row)d: %(key)s is named twice.") % {"row": number, "key": key})
        else:
            found[key] = code
    return Assignments(found, errors)


def unit_split(*, trace, unit, into, day, assign=None, reference="", dry_run=False):
    """Split `unit` into new units `into` ([(code, name)]) from `day`.

    The new units stand where `unit` stood, with its kind, cluster and sector. `assign`
    ({key: new code}, key a person's national ID or a subunit's code) says where people and
    subunits go; whatever it does not name goes to the first new unit. A key that is neither
    a person belonging to the unit (living, working or studying there, or admitted by it)
    nor one of its subunits is an error.
    """
    unreadable = list(getattr(assign, "problems", ()))
    into = [(composed(code or ""), composed(name or "")) for code, name in into]
    assign = {composed(key): composed(code) for key, code in dict(assign or {}).items()}
    parent = timeline.parent_on(unit, day) if unit.is_valid_on(day) else None
    _require(trace.user, [parent])
    errors = _check_day(day, [unit]) + _check_exists_on(unit, day, ending=True) + unreadable
    codes = [(code or "").strip() for code, _name in into]
    if len(into) < 2:
        errors.append(_("A split makes at least two units."))
    if len(set(codes)) != len(codes):
        errors.append(_("The new units need distinct codes."))
    for code, name in into:
        if Unit.objects.filter(code=(code or "").strip()).exists():
            errors.append(
                _("A unit with code %(code)s already exists (codes are never reused).")
                % {"code": code}
            )
        if not (name or "").strip():
            errors.append(_("A name is required for the new unit %(code)s.") % {"code": code})
    errors += _conflicting_facts([unit], day)
    # The file's keys are checked too before anything is refused: each conflict is named.
    children = {child.code: child for child in timeline.children_on(unit, day)}
    people = _people_of(unit)
    for key, code in assign.items():
        if code not in codes:
            errors.append(
                _("%(key)s: %(code)s is not one of the new units (%(codes)s).")
                % {"key": key, "code": code, "codes": ", ".join(codes)}
            )
        if key not in children and key not in people:
            errors.append(
                _(
                    "%(key)s is neither a person who belongs to %(unit)s (lives, works or "
                    "studies there, or was admitted by it) nor a subunit of it."
                )
                % {"key": key, "unit": unit.code}
            )
    _refuse(errors)

    def work(event, event_trace):
        _part(event, unit, UnitEventPart.Role.PREDECESSOR)
        made = {}
        for position, (code, name) in enumerate(into):
            made[code.strip()] = _create_successor(
                event_trace,
                event,
                code=code,
                name=name,
                kind=unit.kind,
                parent=parent,
                like=unit,
                day=day,
            )
            _part(event, made[code.strip()], UnitEventPart.Role.SUCCESSOR, position)
        first = made[codes[0]]
        summary = {
            "predecessors": [unit.code],
            "into": codes,
            "moved": [],
            "roles_ended": [],
        }
        for code, child in children.items():
            target = made[assign.get(code, codes[0])]
            _move_from(event_trace, event, child, target, day)
            summary["moved"].append({"unit": code, "from": unit.code, "to": target.code})
        by_person = {}
        for national_id, person_id in people.items():
            if national_id in assign:
                by_person[person_id] = made[assign[national_id]]
        SplitShare.objects.bulk_create(
            [
                SplitShare(event=event, person_id=person_id, unit=target)
                for person_id, target in by_person.items()
            ]
        )
        _pass_holdings(event_trace, [unit], by_person.get, first, summary)
        summary["roles_ended"] += _end(event_trace, event, unit, day)
        return summary

    return _run(UnitEvent.Kind.SPLIT, trace, day, dry_run, _with_reference(work, reference))


def _people_of(unit):
    """{national ID: person id} of the people who belong to the unit: whose records (in the
    holdings) or facts (admitted by it) tie them to it."""
    ids = set()
    for holding in holdings.holdings():
        ids |= {holding.person_id(record) for record in holding.records([unit.pk])}
    for source in holdings.fact_sources():
        ids |= set(source.person_ids([unit.pk]))
    ids.discard(None)
    return holdings.national_ids(ids)


def unit_close(*, trace, unit, day, reference="", dry_run=False):
    """`unit` ends on `day` − 1 and stays where it stood. Refused while anything (a subunit,
    a person, a member, an open dossier, a source) still belongs to it on `day`."""
    parent = timeline.parent_on(unit, day) if unit.is_valid_on(day) else None
    _require(trace.user, [parent])
    errors = _check_day(day, [unit]) + _check_exists_on(unit, day, ending=True)
    children = timeline.children_on(unit, day)
    if children:
        errors.append(
            _("%(unit)s still has units below it: %(codes)s.")
            % {"unit": unit.code, "codes": ", ".join(child.code for child in children)}
        )
    for label, count in _holdings_of([unit]).items():
        errors.append(
            _("%(count)d %(what)s still belong to %(unit)s.")
            % {"count": count, "what": label, "unit": unit.code}
        )
    errors += _conflicting_facts([unit], day)
    _refuse(errors)

    def work(event, event_trace):
        _part(event, unit, UnitEventPart.Role.SUBJECT)
        return {"closed": [unit.code], "roles_ended": _end(event_trace, event, unit, day)}

    return _run(UnitEvent.Kind.CLOSE, trace, day, dry_run, _with_reference(work, reference))

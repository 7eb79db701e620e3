"""Holding a conference, recording its attendance, conclusions, tasks and recognitions,
and completing tasks. Each function is one transaction and writes history.

Who may:
- hold a conference, record its participants, conclusions, tasks and recognitions: a
  role that takes decisions (organisation committee, administrator) on the committee's
  unit (`can_hold_conference`);
- complete a task: a role that records steps on the task's unit or a unit above it
  (`can_complete_task`);
- record a recognition against a supervision finding: a role that decides for the
  inspecting unit (`can_recognise_for_finding`).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.models import Role
from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import field_errors
from grassroots.org import timeline
from grassroots.org.models import Unit, UnitVersion

from .models import Conclusion, Conference, Participation, Recognition, Task

CONFERENCE_FIELDS = ("title", "date", "place", "chair", "period_from", "period_to")


def can_hold_conference(user, committee):
    """May the user hold (and record) a conference of `committee`?"""
    return user is None or scope.can(user, Action.DECIDE, committee)


def can_complete_task(user, task):
    """May the user record that `task` is done? Users of its unit or above who record steps."""
    return user is None or scope.can(user, Action.RECORD_STEP, task.unit)


def can_recognise_for_finding(user, finding):
    return user is None or scope.can(user, Action.DECIDE, finding.by_unit)


def require_holder(user, committee):
    """404 when the committee is out of sight, 403 when the user may not hold its
    conferences."""
    if user is None:
        return
    scope.require(user, Action.VIEW, committee)
    if not can_hold_conference(user, committee):
        raise PermissionDenied


def default_participants(committee, *, cluster=None, sector=None, day=None):
    """The units of `cluster` (or `sector`) that stood below `committee` on `day`: the
    outermost ones (the units below them belong to the grouping through them), in tree
    order. Read off the structure of that day (`org.timeline`), so that a committee
    that a restructuring ended still finds the units of its time."""
    day = day or timezone.localdate()
    if cluster is None and sector is None:
        return []
    units = Unit.objects.filter(pk__in=timeline.below_on(committee, day, include_self=False))
    if cluster is not None:
        units = units.filter(effective_cluster=cluster)
    else:
        units = units.filter(effective_sector=sector)
    units = list(units.order_by("path"))
    ids = {unit.pk for unit in units}
    parents = dict(
        UnitVersion.objects.filter(timeline.on(day), unit_id__in=ids).values_list(
            "unit_id", "parent_id"
        )
    )
    return [unit for unit in units if parents.get(unit.pk) not in ids]


def _clean_text(value):
    return (value or "").strip()


def _validate_conference(conference, errors=None):
    errors = dict(errors or {})
    if not isinstance(conference.date, dt.date):
        errors["date"] = _("A date is required.")
    if not isinstance(conference.period_from, dt.date):
        errors["period_from"] = _("A start date is required.")
    if not isinstance(conference.period_to, dt.date):
        errors["period_to"] = _("An end date is required.")
    if "period_from" not in errors and "period_to" not in errors:
        if conference.period_to < conference.period_from:
            errors["period_to"] = _("The period ends before it starts.")
    if not conference.title:
        errors["title"] = _("Give the conference a title.")
    errors = {**field_errors(conference, ("title", "place", "chair")), **errors}
    if conference.cluster_id and conference.sector_id:
        errors["sector"] = _("A conference is of a cluster or of a sector, not both.")
    if errors:
        raise ValidationError(errors)


def units_not_below(committee, units, day):
    """Those of `units` (units, or anything with `.id` and `.path`) that neither stood below
    `committee` on `day` nor stand below it now. A conference counts on the structure of
    its day: one held before a restructuring keeps the units of its time as participants,
    and gives them tasks and praise, though they stand elsewhere today. The one rule for
    the pages, the API and the importer."""
    units = list(units)
    then = set(
        timeline.below_on(committee.id, day, include_self=False)
        .filter(unit_id__in=[u.id for u in units])
        .values_list("unit_id", flat=True)
    )
    return [
        u
        for u in units
        if u.id not in then and (u.id == committee.id or not u.path.startswith(committee.path))
    ]


def _check_units(committee, units, day):
    outside = units_not_below(committee, units, day)
    if outside:
        raise ValidationError(
            {
                "units": _("These units are not below the committee: %(units)s")
                % {"units": ", ".join(u.code for u in outside)}
            }
        )


@transaction.atomic
def conference_create(
    *,
    trace,
    committee,
    title,
    date,
    period_from,
    period_to,
    place="",
    chair="",
    cluster=None,
    sector=None,
    units=None,
):
    """Record a conference of `committee` for its cluster or sector (or for `units`).

    The units taking part default to every unit of that cluster or sector below the
    committee on the conference's date (`default_participants`); an explicit list must lie
    below the committee. Needs DECIDE on the committee.
    """
    require_holder(trace.actor, committee)
    conference = Conference(
        committee=committee,
        cluster=cluster,
        sector=sector,
        title=_clean_text(title),
        date=date,
        place=_clean_text(place),
        chair=_clean_text(chair),
        period_from=period_from,
        period_to=period_to,
    )
    _validate_conference(conference)
    if units is None:
        units = default_participants(committee, cluster=cluster, sector=sector, day=conference.date)
    units = list(dict.fromkeys(units))
    if not units:
        raise ValidationError(
            {"units": _("No unit takes part: choose a cluster or sector with units below.")}
        )
    _check_units(committee, units, conference.date)
    conference.save()
    record_change(trace, conference, action=Change.Action.CREATE)
    for unit in units:
        participation = Participation.objects.create(conference=conference, unit=unit)
        record_change(trace, participation, action=Change.Action.CREATE)
    return conference


@transaction.atomic
def conference_update(*, trace, conference, **fields):
    """Change a conference's title, date, place, chair or period."""
    conference = (
        Conference.objects.select_for_update().select_related("committee").get(pk=conference.pk)
    )
    require_holder(trace.actor, conference.committee)
    before = snapshot(conference)
    for key, value in fields.items():
        if key not in CONFERENCE_FIELDS:
            raise ValueError(f"unknown conference field {key}")
        setattr(conference, key, _clean_text(value) if isinstance(value, str) else value)
    _validate_conference(conference)
    conference.save()
    record_change(trace, conference, action=Change.Action.UPDATE, before=before)
    return conference


@transaction.atomic
def participation_record(*, trace, participation, present=None, attendees=None, invited=None):
    """Record a participating unit's attendance: present or absent, and how many came of
    how many invited (any of them may stay empty)."""
    participation = (
        Participation.objects.select_for_update()
        .select_related("conference__committee", "unit")
        .get(pk=participation.pk)
    )
    require_holder(trace.actor, participation.conference.committee)
    before = snapshot(participation)
    participation.present = present
    participation.attendees = attendees
    participation.invited = invited
    errors = field_errors(participation, ("attendees", "invited"))
    if not errors and attendees is not None and invited is not None and attendees > invited:
        errors["attendees"] = _("More attended than were invited.")
    if errors:
        raise ValidationError(errors)
    if attendees and present is None:
        participation.present = True
    participation.save(update_fields=["present", "attendees", "invited"])
    record_change(trace, participation, action=Change.Action.UPDATE, before=before)
    return participation


@transaction.atomic
def participation_add(*, trace, conference, unit):
    """Add a unit below the committee to a conference's participants."""
    require_holder(trace.actor, conference.committee)
    _check_units(conference.committee, [unit], conference.date)
    participation, created = Participation.objects.get_or_create(conference=conference, unit=unit)
    if created:
        record_change(trace, participation, action=Change.Action.CREATE)
    return participation


@transaction.atomic
def conclusion_add(*, trace, conference, text, tasks=()):
    """Record a conclusion (text) and its tasks: dicts {unit, role, action, due_on}."""
    require_holder(trace.actor, conference.committee)
    conclusion = Conclusion(conference=conference, text=_clean_text(text))
    if not conclusion.text:
        raise ValidationError({"text": _("Write down what was concluded.")})
    errors = field_errors(conclusion, ("text",))
    if errors:
        raise ValidationError(errors)
    conclusion.save()
    record_change(trace, conclusion, action=Change.Action.CREATE)
    for task in tasks:
        task_add(trace=trace, conclusion=conclusion, **task)
    return conclusion


@transaction.atomic
def task_add(*, trace, conclusion, unit, role, action, due_on):
    """Give a unit a follow-up task of a conclusion: what to do, the role responsible on
    that unit, by when. The unit must stand below the committee."""
    conference = conclusion.conference
    require_holder(trace.actor, conference.committee)
    task = Task(
        conclusion=conclusion, unit=unit, role=role, action=_clean_text(action), due_on=due_on
    )
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Choose a role.")
    if not task.action:
        errors["action"] = _("Say what is to be done.")
    if not isinstance(due_on, dt.date):
        errors["due_on"] = _("A due date is required.")
    elif due_on < conference.date:
        errors["due_on"] = _("A task cannot be due before the conference.")
    if units_not_below(conference.committee, [unit], conference.date):
        errors["unit"] = _("The unit must stand below the committee.")
    errors = {**field_errors(task, ("action",)), **errors}
    if errors:
        raise ValidationError(errors)
    task.save()
    record_change(trace, task, action=Change.Action.CREATE)
    return task


@transaction.atomic
def task_complete(*, trace, task, completed_on, note=""):
    """Record that a task was done on `completed_on`, with a note; by users of the task's
    unit or above (`can_complete_task`)."""
    task = (
        Task.objects.select_for_update()
        .select_related("unit", "conclusion__conference")
        .get(pk=task.pk)
    )
    actor = trace.actor
    if actor is not None:
        if not (
            scope.can_see(actor, task.unit)
            or scope.can_see(actor, task.conclusion.conference.committee)
        ):
            raise Http404
        if not can_complete_task(actor, task):
            raise PermissionDenied
    errors = {}
    if task.completed_on is not None:
        errors["completed_on"] = _("This task is already done.")
    elif not isinstance(completed_on, dt.date):
        errors["completed_on"] = _("A date is required.")
    elif completed_on < task.conclusion.conference.date:
        errors["completed_on"] = _("A task cannot be done before the conference.")
    elif completed_on > timezone.localdate():
        errors["completed_on"] = _("The date is in the future.")
    before = snapshot(task)
    task.completed_on = completed_on
    task.completion_note = _clean_text(note)
    task.completed_by = actor
    errors = {**field_errors(task, ("completion_note",)), **errors}
    if errors:
        raise ValidationError(errors)
    task.save(update_fields=["completed_on", "completion_note", "completed_by"])
    record_change(trace, task, action=Change.Action.UPDATE, before=before)
    return task


@transaction.atomic
def recognition_record(
    *,
    trace,
    kind,
    unit,
    date,
    text,
    person=None,
    decision="",
    document_ref="",
    conference=None,
    finding=None,
):
    """Record praise or a shortcoming of `unit` (or of a person of it) by a conference
    (DECIDE on its committee; the unit below it) or a supervision finding (DECIDE on the
    inspecting unit; the unit at or below the unit inspected). What was decided stays a
    free text with its document reference."""
    actor = trace.actor
    errors = {}
    if (conference is None) == (finding is None):
        raise ValidationError(_("A recognition comes from one conference or one finding."))
    if conference is not None:
        require_holder(actor, conference.committee)
        if units_not_below(conference.committee, [unit], conference.date):
            errors["unit"] = _("The unit must stand below the committee.")
    else:
        if actor is not None:
            scope.require(actor, Action.VIEW, finding.unit)
            if not can_recognise_for_finding(actor, finding):
                raise PermissionDenied
        if not unit.path.startswith(finding.unit.path):
            errors["unit"] = _("The unit must be the unit inspected or below it.")
    recognition = Recognition(
        kind=kind,
        unit=unit,
        person=person,
        date=date,
        text=_clean_text(text),
        decision=_clean_text(decision),
        document_ref=_clean_text(document_ref),
        conference=conference,
        finding=finding,
    )
    if kind not in Recognition.Kind.values:
        errors["kind"] = _("Use commend or shortcoming.")
    if not isinstance(date, dt.date):
        errors["date"] = _("A date is required.")
    if not recognition.text:
        errors["text"] = _("Write down what was found.")
    if person is not None and actor is not None and person.unit_id is not None:
        if not scope.can_see(actor, person.unit):
            errors["person"] = _("This person is not in sight.")
    errors = {**field_errors(recognition, ("text", "decision", "document_ref")), **errors}
    if errors:
        raise ValidationError(errors)
    recognition.save()
    record_change(trace, recognition, action=Change.Action.CREATE)
    return recognition

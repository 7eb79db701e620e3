"""Reading conferences, tasks and recognitions, always through the user's scope.

A conference is seen through its committee's unit; a task through its unit or its
conference's committee (the unit that must act and the committee that follows it up); a
recognition through its unit.
"""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.paths import under

from .models import Conference, Participation, Recognition, Task

HORIZON_DAYS = 30


def conferences_under(user, unit):
    """Conferences held by the unit or a committee below it, newest first."""
    scope.require(user, Action.VIEW, unit)
    return scope.scoped(
        user,
        Conference.objects.filter(under(unit.path, "committee__path")).select_related(
            "committee", "cluster", "sector"
        ),
        unit_field="committee",
    ).order_by("-date", "-id")


def conference_for(user, pk):
    """One conference whose committee the user may see, else 404."""
    return scope.get_scoped(
        user,
        Conference.objects.select_related("committee", "cluster", "sector"),
        unit_field="committee",
        pk=pk,
    )


def participations(conference):
    return list(
        Participation.objects.filter(conference=conference)
        .select_related("unit")
        .order_by("unit__path")
    )


def conclusions_with_tasks(conference):
    """[(conclusion, [task])] in the order recorded."""
    tasks = {}
    for task in (
        Task.objects.filter(conclusion__conference=conference)
        .select_related("unit", "completed_by")
        .order_by("due_on", "id")
    ):
        tasks.setdefault(task.conclusion_id, []).append(task)
    return [(c, tasks.get(c.pk, [])) for c in conference.conclusions.order_by("id")]


def previous_conference(conference, user=None):
    """The latest earlier conference of the same cluster or sector (for a list of units:
    none) that the user may see: held by this committee or by another (a committee a
    restructuring ended held the cluster's conferences before)."""
    if not conference.cluster_id and not conference.sector_id:
        return None
    found = Conference.objects.filter(cluster=conference.cluster, sector=conference.sector)
    if user is not None:
        found = scope.scoped(user, found, unit_field="committee")
    return (
        found.exclude(pk=conference.pk)
        .filter(date__lte=conference.date)
        .exclude(date=conference.date, pk__gt=conference.pk)
        .select_related("committee")
        .order_by("-date", "-id")
        .first()
    )


def previous_tasks(conference, user=None):
    """(previous conference, its tasks) — what became of them — or (None, [])."""
    previous = previous_conference(conference, user)
    if previous is None:
        return None, []
    tasks = list(
        Task.objects.filter(conclusion__conference=previous)
        .select_related("unit", "completed_by")
        .order_by("due_on", "id")
    )
    return previous, tasks


def task_for(user, pk):
    """A task the user may see through its unit or its committee, else 404."""
    task = (
        Task.objects.select_related("unit", "conclusion__conference__committee", "completed_by")
        .filter(pk=pk)
        .first()
    )
    if task is None or not (
        scope.can_see(user, task.unit) or scope.can_see(user, task.conclusion.conference.committee)
    ):
        raise Http404
    return task


def tasks_visible_to(user):
    """Tasks whose unit is in the user's scope."""
    return scope.scoped(
        user,
        Task.objects.select_related("unit", "conclusion__conference"),
        unit_field="unit",
    )


def open_tasks(user, today, unit=None, horizon_days=HORIZON_DAYS):
    """Open tasks of the units in scope (under `unit`), due by today + horizon."""
    tasks = tasks_visible_to(user).filter(
        completed_on__isnull=True, due_on__lte=today + dt.timedelta(days=horizon_days)
    )
    if unit is not None:
        tasks = tasks.filter(under(unit.path, "unit__path"))
    return tasks.order_by("due_on", "id")


def work_items(user, today, unit=None):
    """The work list's items for open conference tasks (deadlines.sources provider)."""
    for task in open_tasks(user, today, unit):
        yield {
            "kind": "conference_task",
            "person": None,
            "unit": task.unit,
            "due_on": task.due_on,
            "url": reverse("conferences:task", kwargs={"pk": task.pk}),
            "label": _("%(role)s: %(action)s (conference %(date)s)")
            % {
                "role": task.get_role_display(),
                "action": task.action,
                "date": task.conclusion.conference.date.isoformat(),
            },
        }


def recognitions_under(user, unit, date_from=None, date_to=None):
    """Praise and criticism of the unit and the units below it (in the period), newest
    first."""
    scope.require(user, Action.VIEW, unit)
    found = scope.scoped(
        user,
        Recognition.objects.filter(under(unit.path, "unit__path")).select_related(
            "unit", "person", "conference", "finding"
        ),
    )
    if date_from is not None:
        found = found.filter(date__gte=date_from)
    if date_to is not None:
        found = found.filter(date__lte=date_to)
    return found.order_by("-date", "-id")


def recognition_for(user, pk):
    return scope.get_scoped(
        user, Recognition.objects.select_related("unit", "person", "conference"), pk=pk
    )


def conferences_user_may_hold_for(user):
    """Units on which the user may hold conferences (DECIDE)."""
    return scope.units_visible_to(user, Action.DECIDE)

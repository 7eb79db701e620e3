"""Reading task runs: a user sees only their own runs, and a result only while they still
see the unit it was made from (a role taken away takes the download with it)."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from grassroots.accounts import scope

from . import files
from .models import TaskRun


def runs_for(user):
    """The user's own runs, newest first."""
    return TaskRun.objects.filter(owner=user).order_by("-created_at", "-id")


def run_for(user, pk):
    """The user's run `pk`, or 404 (another user's run looks like a missing one)."""
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def sees_unit(user, unit):
    """May the user still see the unit whose data the result holds? (A run without a unit,
    such as a check of the user's own upload, is limited to its owner only.)"""
    return unit is None or scope.can_see(user, unit)


def result_for(user, pk):
    """(run, path of its result file) for the user's finished run, or 404."""
    run = run_for(user, pk)
    path = files.result_path(run)
    if path is None or not run.is_finished or not sees_unit(user, run.unit):
        raise Http404
    return run, path


def is_stale(run, now=None):
    """Has a running run's worker stopped reporting (killed, machine restarted)?"""
    if run.status != TaskRun.Status.RUNNING:
        return False
    now = now or timezone.now()
    progress = files.read_progress(run)
    if progress and progress.get("at"):
        last = dt.datetime.fromtimestamp(progress["at"], tz=dt.UTC)
    else:
        last = run.started_at or run.created_at
    return (now - last).total_seconds() > settings.TASK_STALE_SECONDS


def state(run):
    """What the page shows of a run: status (interrupted if its worker stopped reporting),
    progress {"done", "total", "percent"} and whether it is still going."""
    status = run.status
    if is_stale(run):
        status = TaskRun.Status.INTERRUPTED
    progress = files.read_progress(run) if status == TaskRun.Status.RUNNING else None
    done = (progress or {}).get("done") or 0
    total = (progress or {}).get("total")
    percent = None
    if total:
        percent = max(0, min(100, int(done * 100 / total)))
    elif status in (TaskRun.Status.DONE, TaskRun.Status.PROBLEMS):
        percent = 100
    return {
        "status": status,
        "label": TaskRun.Status(status).label,
        "done": done,
        "total": total,
        "percent": percent,
        "going": status in (TaskRun.Status.QUEUED, TaskRun.Status.RUNNING),
        "can_run_again": status in (TaskRun.Status.FAILED, TaskRun.Status.INTERRUPTED),
    }

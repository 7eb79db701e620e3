"""Starting task runs, running them again, and cleaning up after them.

Task runs are the users' own work orders, not records of the organisation: they are not
written to the history (the work they do is: an import's changes carry the import as
their cause). Each function here is one short transaction; the queue is told after it,
outside any transaction, so a worker never looks for a run that is not committed yet.
"""

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from . import files, kinds
from .jobs import execute_run
from .models import TaskRun
from .selectors import is_stale

logger = logging.getLogger(__name__)


class CannotRunAgain(Exception):
    pass


def _enqueue(run):
    result = execute_run.enqueue(run.pk)
    # With the immediate backend (tests) the run has already finished here.
    TaskRun.objects.filter(pk=run.pk).update(backend_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def run_start(*, owner, kind, params=None, unit=None, upload=None, input_from=None):
    """Create a waiting run of `kind` for `owner` and queue it; returns the run.

    `upload` (an uploaded file) is stored as the run's input; `input_from` gives it the
    input of an earlier run instead (an import applied after its check). The user's
    language goes with the run, so its documents and messages are in that language.
    """
    kinds.get(kind)  # an unknown kind is a programming error: fail before writing anything
    params = dict(params or {})
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    now = timezone.now()
    run = TaskRun(
        owner=owner,
        kind=kind,
        params=params,
        unit=unit,
        folder=files.new_folder_name(),
        expires_at=now + dt.timedelta(hours=settings.TASK_RESULT_HOURS),
    )
    files.folder_of(run).mkdir(parents=True, exist_ok=True)
    if upload is not None:
        run.params["input"] = files.save_input(run, upload)
    elif input_from is not None:
        run.params["input"] = files.copy_input(input_from, run)
    with transaction.atomic():
        run.save()
    return _enqueue(run)


def _forget_backend_result(run):
    """A killed database worker leaves its queue row 'running' for ever: close it."""
    if not run.backend_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(pk=run.backend_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="grassroots.tasks.runner.Interrupted",
            traceback="the worker stopped while running this task",
        )
    except (ValueError, TypeError):  # not a UUID: another backend's id
        pass


def runs_mark_interrupted(now=None):
    """Mark running runs whose worker stopped reporting as interrupted; returns how many."""
    now = now or timezone.now()
    count = 0
    for run in TaskRun.objects.filter(status=TaskRun.Status.RUNNING):
        if not is_stale(run, now):
            continue
        with transaction.atomic():
            updated = TaskRun.objects.filter(pk=run.pk, status=TaskRun.Status.RUNNING).update(
                status=TaskRun.Status.INTERRUPTED,
                finished_at=now,
                expires_at=now + dt.timedelta(hours=settings.TASK_RESULT_HOURS),
            )
            if updated:
                _forget_backend_result(run)
                count += updated
    return count


def run_again(*, owner, run):
    """Queue a failed or interrupted run once more, with the same input and parameters.

    Raises CannotRunAgain if the run is waiting, running (and its worker still reports) or
    finished normally. The earlier attempt's result files are removed first.
    """
    if run.owner_id != owner.pk:
        raise CannotRunAgain("not the owner")
    if run.status == TaskRun.Status.RUNNING and is_stale(run):
        runs_mark_interrupted()
    with transaction.atomic():
        locked = TaskRun.objects.select_for_update().get(pk=run.pk)
        if not locked.can_run_again:
            raise CannotRunAgain(locked.status)
        if (
            "input" in locked.params
            and not (files.folder_of(locked) / locked.params["input"]).exists()
        ):
            raise CannotRunAgain("input gone")
        files.remove_results(locked)
        now = timezone.now()
        locked.status = TaskRun.Status.QUEUED
        locked.result_file = ""
        locked.summary = {}
        locked.problems = []
        locked.problem_count = 0
        locked.error = ""
        locked.started_at = None
        locked.finished_at = None
        locked.expires_at = now + dt.timedelta(hours=settings.TASK_RESULT_HOURS)
        locked.save()
    return _enqueue(locked)


def runs_cleanup(now=None):
    """Remove expired runs (rows and files), mark stopped ones interrupted, drop stray folders.

    Returns {"interrupted": n, "removed": n, "folders": n}. Safe to run at any time.
    """
    now = now or timezone.now()
    interrupted = runs_mark_interrupted(now)
    expired = TaskRun.objects.filter(expires_at__lt=now).exclude(status=TaskRun.Status.RUNNING)
    removed = 0
    for run in expired.iterator():
        files.remove_folder(run)
        removed += TaskRun.objects.filter(pk=run.pk).delete()[0]
    stray = 0
    root = files.root()
    if root.is_dir():
        known = set(TaskRun.objects.values_list("folder", flat=True))
        old = now.timestamp() - 24 * 3600
        for child in root.iterdir():
            if child.is_dir() and child.name not in known and child.stat().st_mtime < old:
                files.remove_dir(child)
                stray += 1
    _prune_backend(now)
    return {"interrupted": interrupted, "removed": removed, "folders": stray}


def _prune_backend(now):
    """Finished rows of the database queue older than the results are of no more use."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    limit = now - dt.timedelta(hours=settings.TASK_RESULT_HOURS)
    DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()

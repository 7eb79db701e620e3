"""Running one task run in a worker: claim it, do its kind's work, record how it ended.

- Claiming is a short transaction of its own: only a waiting run is claimed, so a task
  delivered twice by a queue runs once.
- The work of an `atomic` kind and the run's final state are one transaction: an import is
  written together with its "done", or not at all (a killed worker's open transaction is
  rolled back by the database). Other kinds only read; their final state is written once
  the result file has been renamed to its real name.
- While the work runs, a heartbeat thread rewrites progress.json every second with the
  latest `work.progress(done, total)`; a run whose heartbeat stops was interrupted
  (`TASK_STALE_SECONDS`) and may be run again.
"""

import datetime as dt
import logging
import os
import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from . import files, kinds
from .models import TaskRun

logger = logging.getLogger(__name__)

# How many problems the run's row keeps for the page; all of them go into problems.txt.
PROBLEMS_SHOWN = 200
PROBLEMS_FILE = "problems.txt"
HEARTBEAT_SECONDS = 1.0


class Work:
    """What a kind's `run` receives: the run, its owner and parameters, and the ways to
    report progress and leave a result."""

    def __init__(self, run):
        self.run = run
        self.user = run.owner
        self.params = run.params
        self.folder = files.folder_of(run)
        self.summary = {}
        self.problems = []
        self.result_file = ""
        self.done = 0
        self.total = None

    def progress(self, done, total=None):
        """Record progress (cheap: the heartbeat thread writes it out once a second)."""
        self.done, self.total = done, total

    @property
    def input_path(self):
        return self.folder / self.params["input"]

    def save_result(self, filename, write):
        """Call `write(path)` to write the result under a temporary name, then rename it."""
        filename = files.safe_name(filename, default="result", lower=False)
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".{filename}.partial"
        try:
            write(temp)
            os.replace(temp, self.folder / filename)
        finally:
            temp.unlink(missing_ok=True)
        self.result_file = filename


class Heartbeat(threading.Thread):
    def __init__(self, work):
        super().__init__(name=f"task-heartbeat-{work.run.pk}", daemon=True)
        self.work = work
        self.stopped = threading.Event()

    def beat(self):
        try:
            files.write_progress(self.work.folder, self.work.done, self.work.total)
        except OSError:
            logger.warning("cannot write the progress of task run %s", self.work.run.pk)

    def run(self):
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            self.beat()

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)
        self.beat()


def _claim(run_id):
    with transaction.atomic():
        run = (
            TaskRun.objects.select_for_update()
            .select_related("owner")
            .filter(pk=run_id, status=TaskRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.status = TaskRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.error = ""
        run.save(update_fields=["status", "started_at", "attempts", "error"])
        return run


def _expiry(now):
    return now + dt.timedelta(hours=settings.TASK_RESULT_HOURS)


def _finish(run, work):
    problems = [str(p) for p in work.problems]
    if problems and not work.result_file:
        work.save_result(
            PROBLEMS_FILE,
            lambda path: path.write_text("\n".join(problems) + "\n", encoding="utf-8"),
        )
    now = timezone.now()
    run.status = TaskRun.Status.PROBLEMS if problems else TaskRun.Status.DONE
    run.summary = work.summary
    run.problems = problems[:PROBLEMS_SHOWN]
    run.problem_count = len(problems)
    run.result_file = work.result_file
    run.finished_at = now
    run.expires_at = _expiry(now)
    run.save(
        update_fields=[
            "status",
            "summary",
            "problems",
            "problem_count",
            "result_file",
            "finished_at",
            "expires_at",
        ]
    )


def _fail(run_id, exc):
    now = timezone.now()
    TaskRun.objects.filter(pk=run_id).update(
        status=TaskRun.Status.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:2000],
        finished_at=now,
        expires_at=_expiry(now),
    )


def interrupt(run_id):
    now = timezone.now()
    TaskRun.objects.filter(pk=run_id, status=TaskRun.Status.RUNNING).update(
        status=TaskRun.Status.INTERRUPTED, finished_at=now, expires_at=_expiry(now)
    )


def execute(run_id):
    """Do the work of the waiting run `run_id`; nothing if it is not waiting (any more)."""
    run = _claim(run_id)
    if run is None:
        return None
    work = Work(run)
    heartbeat = Heartbeat(work)
    heartbeat.beat()
    heartbeat.start()
    language = run.params.get("language") or settings.LANGUAGE_CODE
    try:
        kind = kinds.get(run.kind)
        with translation.override(language):
            try:
                if kind.atomic:
                    with transaction.atomic():
                        kind.perform(work)
                        _finish(run, work)
                else:
                    kind.perform(work)
                    with transaction.atomic():
                        _finish(run, work)
            except kinds.Refused as refusal:
                work.problems = [str(refusal)]
                work.result_file = ""
                work.summary = {}
                with transaction.atomic():
                    _finish(run, work)
    except Exception as exc:
        logger.exception("task run %s (%s) failed", run_id, run.kind)
        _fail(run_id, exc)
        raise
    except BaseException:
        # The worker is being stopped (Ctrl-C twice, SystemExit): the transaction above is
        # rolled back; say so, so that the run can be run again at once.
        interrupt(run_id)
        raise
    finally:
        heartbeat.stop()
    return run.status

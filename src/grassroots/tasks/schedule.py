"""Recurring tasks: a job that runs every day at a given local time.

Register a plain function in your app's AppConfig.ready():

    from grassroots.tasks import schedule

    schedule.daily("notifications.digest", at=datetime.time(6, 30), run=send_daily_digest)

`run` is the function or its dotted path (imported when the job runs, so that the module
stays out of every process's start).

How it runs: `ensure()` (called when `grassroots worker` starts, and by
`grassroots schedule_tasks` for backends without our worker) queues the job's next
occurrence with the tasks framework's `run_after`. When it runs (`run_recurring` below),
it first moves the job's `Recurring.next_run_at` to the following day and queues that
occurrence, then calls the function; so a job that fails today still runs tomorrow. A
`Recurring` row per job holds the time it is due: an occurrence whose due time is not the
row's (a duplicate, e.g. queued twice by two workers starting together) does nothing. If
the chain is lost (the queue was emptied, the worker was off at the time), the next
`ensure()` finds the job overdue and runs it at once.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Recurring

logger = logging.getLogger(__name__)

# An occurrence this late is taken as lost, and queued again by ensure().
GRACE = dt.timedelta(minutes=30)


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    at: dt.time
    run: Callable | str

    def perform(self):
        run = import_string(self.run) if isinstance(self.run, str) else self.run
        return run()


_jobs = {}


def daily(name, *, at, run):
    """Run `run()` every day at local time `at` (registering a name again replaces it)."""
    _jobs[name] = Job(name=name, at=at, run=run)
    return _jobs[name]


def jobs():
    return dict(_jobs)


def next_time(at, after):
    """The first local datetime at time-of-day `at` strictly after `after`."""
    local = timezone.localtime(after)
    candidate = timezone.make_aware(dt.datetime.combine(local.date(), at))
    if candidate <= after:
        candidate = timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), at)
        )
    return candidate


def _queue(row, due, queue):
    result = queue.using(run_after=due).enqueue(row.name, due.isoformat())
    row.next_run_at = due
    row.backend_id = str(result.id)[:64]
    row.save(update_fields=["next_run_at", "backend_id"])


def ensure(now=None):
    """Queue each registered job's next occurrence unless one is already waiting.

    Returns the names queued now.
    """
    now = now or timezone.now()
    queued = []
    for job in _jobs.values():
        with transaction.atomic():
            row, _created = Recurring.objects.select_for_update().get_or_create(name=job.name)
            if row.next_run_at is not None and row.next_run_at >= now - GRACE:
                continue
            # Never queued: at its next time. Lost or missed: at once.
            due = next_time(job.at, now) if row.next_run_at is None else now
            _queue(row, due, run_recurring)
            queued.append(job.name)
    return queued


def run_due(name, due, *, now=None):
    """The occurrence of job `name` due at `due` (ISO text): queue the next one, then run it."""
    job = _jobs.get(name)
    if job is None:
        logger.warning("recurring job %s is not registered any more", name)
        return "unknown"
    due = dt.datetime.fromisoformat(due)
    now = now or timezone.now()
    with transaction.atomic():
        row = Recurring.objects.select_for_update().filter(name=name).first()
        if (
            row is None
            or row.next_run_at is None
            or abs(row.next_run_at - due) > dt.timedelta(seconds=1)
        ):
            return "stale"
        row.last_run_at = now
        row.save(update_fields=["last_run_at"])
        _queue(row, next_time(job.at, max(now, due)), run_recurring)
    job.perform()
    return "ran"


# The task the backend stores by its dotted path: keep the name stable.
@task()
def run_recurring(name, due):
    """Run a recurring job once and queue its next occurrence."""
    return run_due(name, due)

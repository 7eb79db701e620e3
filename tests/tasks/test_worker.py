"""The database backend for real: a run waits in django-tasks-db's table until the worker
(`grassroots worker`, django-tasks-db's worker loop) picks it up; recurring tasks."""

import datetime as dt
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from grassroots.people.models import Person
from grassroots.tasks import schedule, services
from grassroots.tasks.jobs import execute_run
from grassroots.tasks.models import Recurring, TaskRun
from tests.tasks.helpers import make_run

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture
def database_queue(settings, transactional_db):
    """The database queue, in committed transactions: the worker closes a connection it
    finds inside a transaction (as the tests' rolled-back transaction would be)."""
    settings.TASKS = DATABASE_QUEUE


def work_the_queue():
    """What `grassroots worker --batch` does: run every waiting task, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def _people_upload():
    text = "national_id,full_name,gender,birth_date,unit_code\n079555000001,Mai Anh,female,2005-05-05,HS\n"
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_the_worker_picks_up_a_waiting_import(town, database_queue):
    owner = town.user("secretary")
    check = services.run_start(
        owner=owner, kind="import_check", params={"name": "people.csv"}, upload=_people_upload()
    )
    assert check.status == TaskRun.Status.QUEUED
    queued = DBTaskResult.objects.get(pk=check.backend_id)
    assert (queued.status, queued.args_kwargs["args"]) == ("READY", [check.pk])
    work_the_queue()
    check.refresh_from_db()
    assert check.status == TaskRun.Status.DONE
    assert DBTaskResult.objects.get(pk=check.backend_id).status == "SUCCESSFUL"

    applied = services.run_start(
        owner=owner, kind="import_apply", params={"name": "people.csv"}, input_from=check
    )
    assert not Person.objects.filter(national_id="079555000001").exists()
    work_the_queue()
    applied.refresh_from_db()
    assert applied.status == TaskRun.Status.DONE
    assert Person.objects.filter(national_id="079555000001").exists()


def test_a_task_delivered_twice_runs_once(town, database_queue):
    run = services.run_start(
        owner=town.user("org"), kind="export", params={"unit": "W1", "format": "csv"}
    )
    execute_run.enqueue(run.pk)  # the queue hands it out a second time
    work_the_queue()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (TaskRun.Status.DONE, 1)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_the_worker_command_marks_interrupted_runs_and_queues_the_daily_jobs(
    town, database_queue, settings
):
    stopped = make_run(town.user("org"), status=TaskRun.Status.RUNNING, unit=town.unit("W1"))
    TaskRun.objects.filter(pk=stopped.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--interval=0", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    stopped.refresh_from_db()
    assert stopped.status == TaskRun.Status.INTERRUPTED
    cleanup = Recurring.objects.get(name="tasks.cleanup")
    assert cleanup.next_run_at > timezone.now()
    waiting = DBTaskResult.objects.get(pk=cleanup.backend_id)
    assert waiting.status == "READY" and waiting.run_after == cleanup.next_run_at


def test_a_daily_job_runs_and_queues_the_next_day(town, settings):
    settings.TASKS = DATABASE_QUEUE
    ran = []
    schedule.daily("test.digest", at=dt.time(6, 30), run=lambda: ran.append(1))
    try:
        now = timezone.make_aware(dt.datetime(2026, 3, 2, 7, 0))
        assert "test.digest" in schedule.ensure(now=now)
        row = Recurring.objects.get(name="test.digest")
        due = timezone.localtime(row.next_run_at)
        assert (due.date(), due.time()) == (dt.date(2026, 3, 3), dt.time(6, 30))
        # Already queued: a second worker starting queues nothing more.
        assert "test.digest" not in schedule.ensure(now=now)

        first = row.backend_id
        result = schedule.run_due("test.digest", due.isoformat(), now=due)
        assert result == "ran" and ran == [1]
        row.refresh_from_db()
        assert timezone.localtime(row.next_run_at).date() == dt.date(2026, 3, 4)
        assert row.backend_id != first
        # The occurrence of the day before, delivered late or twice, does nothing.
        assert schedule.run_due("test.digest", due.isoformat()) == "stale"
        assert ran == [1]
        # The worker was off for days: the lost day is run at once when it starts again.
        later = timezone.make_aware(dt.datetime(2026, 3, 9, 12, 0))
        assert "test.digest" in schedule.ensure(now=later)
        row.refresh_from_db()
        assert row.next_run_at == later
    finally:
        schedule._jobs.pop("test.digest", None)

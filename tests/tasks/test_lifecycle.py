"""A task run's life, through the services and the immediate backend (the worker's own
code path, run inside the test): waiting → running → done, problems, failed, interrupted,
run again, expired; progress; one transaction for the work and its "done"."""

import datetime as dt
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.exchange.importer import run_import
from grassroots.people.models import Person
from grassroots.tasks import files, kinds, selectors, services
from grassroots.tasks.models import TaskRun
from tests.tasks.helpers import make_run

PEOPLE = "national_id,full_name,gender,birth_date,unit_code\n"


@pytest.fixture
def temporary_kind():
    """temporary_kind(name, run, atomic=False) registers a kind for one test."""
    added = []

    def register(name, run, atomic=False):
        added.append(name)
        return kinds.register(name, title=lambda run: name, run=run, atomic=atomic)

    yield register
    for name in added:
        kinds._kinds.pop(name, None)


def _upload(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_export_runs_and_leaves_its_file(town):
    before = timezone.now()
    run = services.run_start(
        owner=town.user("org"),
        kind="export",
        params={"unit": "W1", "format": "csv", "only": []},
        unit=town.unit("W1"),
    )
    assert run.status == TaskRun.Status.DONE
    assert run.attempts == 1
    assert run.backend_id
    assert run.summary["counts"]["units"] == 5  # W1, its three units, TOWN above it
    path = files.result_path(run)
    assert path.name == "grassroots-W1.zip" and path.stat().st_size > 0
    assert not list(path.parent.glob("*.partial"))
    progress = files.read_progress(run)
    assert progress["done"] == progress["total"] > 0
    assert run.expires_at > before + dt.timedelta(hours=1)


def test_an_import_reports_its_progress_after_each_batch(town, tmp_path):
    rows = "".join(f"0795550{n:05d},Person {n},female,2000-01-01,HS\n" for n in range(1, 26))
    (tmp_path / "people.csv").write_text(PEOPLE + rows)
    calls = []
    result = run_import(
        tmp_path, dry_run=True, batch_size=10, progress=lambda d, t: calls.append((d, t))
    )
    assert result.ok
    # 26 lines (the header is one), read 10 at a time: 11, 21, then all 26.
    assert calls == [(11, 26), (21, 26), (26, 26)]


def test_the_check_writes_nothing_and_the_apply_writes_everything(town):
    owner = town.user("secretary")
    check = services.run_start(
        owner=owner,
        kind="import_check",
        params={"name": "people.csv"},
        upload=_upload(PEOPLE + "079555000001,Mai Anh,female,2005-05-05,HS\n"),
    )
    assert check.status == TaskRun.Status.DONE
    assert check.summary["files"]["people"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert not Person.objects.filter(national_id="079555000001").exists()
    applied = services.run_start(
        owner=owner, kind="import_apply", params={"name": "people.csv"}, input_from=check
    )
    assert applied.status == TaskRun.Status.DONE
    assert applied.summary["import_id"]
    assert Person.objects.filter(national_id="079555000001").exists()


def test_every_problem_is_kept_and_the_page_shows_the_first(town, settings):
    rows = "".join(f"0795550{n:05d},Person {n},robot,2000-01-01,HS\n" for n in range(1, 251))
    run = services.run_start(
        owner=town.user("secretary"),
        kind="import_check",
        params={"name": "people.csv"},
        upload=_upload(PEOPLE + rows),
    )
    assert run.status == TaskRun.Status.PROBLEMS
    assert run.problem_count == 250
    assert len(run.problems) == 200
    lines = files.result_path(run).read_text().splitlines()
    assert len(lines) == 250
    assert lines[-1].startswith("people:251: gender: unknown value robot")


def test_a_refused_task_ends_with_its_reason(town):
    # The secretary of HS cannot see W1: the export is refused, nothing is written.
    run = make_run(town.user("secretary"), status=TaskRun.Status.FAILED, unit=town.unit("W1"))
    run = services.run_again(owner=town.user("secretary"), run=run)
    assert run.status == TaskRun.Status.PROBLEMS
    assert run.problems == ["The unit W1 is not in your sight any more."]
    assert run.result_file == "problems.txt"


def test_a_failed_task_can_run_again(town, temporary_kind):
    attempts = []

    def flaky(work):
        attempts.append(work.run.attempts)
        if len(attempts) == 1:
            raise RuntimeError("the disk was full")
        work.save_result("out.txt", lambda path: path.write_text("ok"))

    temporary_kind("flaky", flaky)
    run = services.run_start(owner=town.user("org"), kind="flaky")
    assert run.status == TaskRun.Status.FAILED
    assert "the disk was full" in run.error
    assert selectors.state(run)["can_run_again"]
    run = services.run_again(owner=town.user("org"), run=run)
    assert run.status == TaskRun.Status.DONE
    assert run.attempts == 2
    assert attempts == [1, 2]
    assert files.result_path(run).read_text() == "ok"
    with pytest.raises(services.CannotRunAgain):
        services.run_again(owner=town.user("org"), run=run)


def test_an_atomic_task_that_fails_writes_nothing(town, temporary_kind, tmp_path):
    (tmp_path / "people.csv").write_text(PEOPLE + "079555000001,Mai Anh,female,2005-05-05,HS\n")

    def import_then_fail(work):
        result = run_import(tmp_path, user=work.user)
        assert result.ok
        assert Person.objects.filter(national_id="079555000001").exists()
        raise RuntimeError("the worker fell over after the import")

    temporary_kind("import_then_fail", import_then_fail, atomic=True)
    run = services.run_start(owner=town.user("admin"), kind="import_then_fail")
    assert run.status == TaskRun.Status.FAILED
    assert not Person.objects.filter(national_id="079555000001").exists()


def test_a_half_written_result_is_never_offered(town, temporary_kind):
    def dies_while_writing(work):
        def write(path):
            path.write_text("half of it")
            raise KeyboardInterrupt  # the worker is stopped in the middle of the file

        work.save_result("big.csv", write)

    temporary_kind("dies", dies_while_writing)
    with pytest.raises(KeyboardInterrupt):
        services.run_start(owner=town.user("org"), kind="dies")
    run = TaskRun.objects.get(kind="dies")
    assert run.status == TaskRun.Status.INTERRUPTED
    assert not list(files.folder_of(run).glob("big.csv*"))
    assert not list(files.folder_of(run).glob(".big.csv*"))
    assert files.result_path(run) is None


def test_a_run_whose_worker_stopped_reporting_is_interrupted(town, settings):
    settings.TASK_STALE_SECONDS = 60
    run = make_run(town.user("org"), status=TaskRun.Status.RUNNING, unit=town.unit("W1"))
    run.started_at = timezone.now() - dt.timedelta(minutes=10)
    run.save()
    folder = files.folder_of(run)
    files.write_progress(folder, 40, 100)
    assert selectors.state(run)["status"] == TaskRun.Status.RUNNING
    assert selectors.state(run)["percent"] == 40
    stale = json.loads((folder / files.PROGRESS).read_text())
    stale["at"] = time.time() - 61
    (folder / files.PROGRESS).write_text(json.dumps(stale))
    state = selectors.state(run)
    assert (state["status"], state["can_run_again"]) == (TaskRun.Status.INTERRUPTED, True)
    assert services.runs_mark_interrupted() == 1
    run.refresh_from_db()
    assert run.status == TaskRun.Status.INTERRUPTED
    run = services.run_again(owner=town.user("org"), run=run)
    assert run.status == TaskRun.Status.DONE


def test_only_the_owner_runs_again(town):
    run = make_run(town.user("org"), status=TaskRun.Status.FAILED, unit=town.unit("W1"))
    with pytest.raises(services.CannotRunAgain):
        services.run_again(owner=town.user("admin"), run=run)


def test_expired_results_are_removed(town):
    old = make_run(town.user("org"), unit=town.unit("W1"), result=b"old")
    new = make_run(town.user("org"), unit=town.unit("W1"), result=b"new")
    old.expires_at = timezone.now() - dt.timedelta(minutes=1)
    old.save()
    new.expires_at = timezone.now() + dt.timedelta(hours=1)
    new.save()
    folder = files.folder_of(old)
    counts = services.runs_cleanup()
    assert counts["removed"] == 1
    assert not folder.exists()
    assert list(TaskRun.objects.values_list("pk", flat=True)) == [new.pk]
    assert files.result_path(new).read_bytes() == b"new"


def test_stray_folders_are_removed_after_a_day(town):
    stray = files.root() / files.new_folder_name()
    stray.mkdir(parents=True)
    services.runs_cleanup()
    assert stray.exists()
    services.runs_cleanup(now=timezone.now() + dt.timedelta(days=2))
    assert not stray.exists()

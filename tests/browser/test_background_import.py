"""A 100,000-row workbook checked in the background: the user watches the progress bar,
leaves, comes back through My tasks, and downloads every problem found.

The database queue and its worker run for real here (the worker loop of django-tasks-db in
a thread beside the live server), on a database file for SQLite as in the embedded mode.
"""

import re
import threading
import time

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from grassroots.tasks.models import TaskRun

ROWS = 100_000
# Rows with a gender the format does not know: the check must name each of them.
BAD_ROWS = (2_000, 55_555, ROWS)
UNITS = ("W1C1", "W1C2", "W1C1G1", "HS", "W2C1")


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory):
    """people.xlsx with 100,000 people, written once per test session."""
    from openpyxl import Workbook

    path = tmp_path_factory.mktemp("workbook") / "people.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(["national_id", "full_name", "gender", "birth_date", "unit_code"])
    for n in range(1, ROWS + 1):
        gender = "robot" if n + 1 in BAD_ROWS else ("female" if n % 2 else "male")
        sheet.append(
            [
                f"0798{n:08d}",
                f"Person {n}",
                gender,
                f"19{60 + n % 40}-0{1 + n % 9}-1{n % 10}",
                UNITS[n % 5],
            ]
        )
    workbook.save(path)
    return path


@pytest.fixture
def worker(live_url, settings):
    """The database queue, worked by a real worker loop in its own thread."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    loop = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def work():
        try:
            loop.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name="task-worker", daemon=True)
    thread.start()
    yield loop
    loop.running = False
    thread.join(timeout=120)


@pytest.mark.timeout(900)
def test_a_big_workbook_is_checked_in_the_background(page, login, screenshot, big_workbook, worker):
    started = time.monotonic()
    login("admin")
    page.goto("/exchange/")
    page.set_input_files("input[name=file]", str(big_workbook))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    task_url = page.url
    expect(page.get_by_role("heading", name="Check of people.xlsx")).to_be_visible()

    # The bar moves while the worker reads the rows (the partial is polled every second).
    bar = page.locator("#task-run progress")
    seen = set()
    deadline = time.monotonic() + 120
    while len(seen) < 2 and time.monotonic() < deadline:
        if bar.count() and bar.get_attribute("value"):
            value = int(bar.get_attribute("value"))
            if 0 < value < 100:
                seen.add(value)
        page.wait_for_timeout(250)
    assert len(seen) >= 2, f"the progress bar did not move: {seen}"
    expect(page.locator(".task-count")).to_contain_text(re.compile(r"of 100,00\d"))
    screenshot("task-progress")

    # Leave for another page; the work goes on without the page.
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    page.wait_for_timeout(1500)

    # Come back through My tasks.
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role("link", name="Check of people.xlsx").click()
    assert page.url == task_url
    run = page.locator("#task-run")
    expect(run).to_have_attribute("data-status", "problems", timeout=600_000)
    expect(run).to_contain_text("3 problems found.")
    for row in BAD_ROWS:
        expect(run.locator("pre.problems")).to_contain_text(
            f"people:{row}: gender: unknown value robot"
        )
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    screenshot("task-problems")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download problems.txt").click()
    lines = open(info.value.path(), encoding="utf-8").read().splitlines()
    assert [line.split(":")[1] for line in lines] == [str(row) for row in BAD_ROWS]
    task = TaskRun.objects.get(kind="import_check")
    assert (task.status, task.problem_count, task.attempts) == ("problems", 3, 1)
    print(f"\n100,000-row check in the browser: {time.monotonic() - started:.1f} s")

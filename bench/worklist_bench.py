"""Time the work list: the selector alone and the page through Django's test client.

    .venv/bin/python -W ignore bench/worklist_bench.py [--repeat 7] [--users org,admin]

Uses DATABASE_URL if set, otherwise a SQLite database of its own under
bench/.data/worklist/ (DATA_DIR), migrated and filled with the demo town on first use.
For each demo user it prints the best and median wall time in milliseconds of
`deadlines.selectors.WorkList` (counts and the first page of 50) and of GET /deadlines/,
the page's query count, and from one profiled run the calls into `grassroots.workdays`.

"Before" figures: run the same script with the code of another commit first on the path,
e.g. `git worktree add /tmp/wl-before 994dbed` and
`PYTHONPATH=/tmp/wl-before/src .venv/bin/python bench/worklist_bench.py`.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DATA_DIR", str(HERE / ".data" / "worklist"))
    Path(os.environ["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

import grassroots  # noqa: E402
from grassroots.deadlines import selectors  # noqa: E402
from grassroots.org.models import Unit  # noqa: E402


def prepare():
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        print("loading the demo town (once)…", flush=True)
        subprocess.run(
            [sys.executable, "-W", "ignore", "-m", "grassroots.cli", "demo"],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def workday_calls(function):
    profile = cProfile.Profile()
    profile.enable()
    function()
    profile.disable()
    calls = {}
    for (path, _line, name), row in pstats.Stats(profile).stats.items():
        if "workdays" in path and not name.startswith("<"):
            calls[name] = calls.get(name, 0) + row[1]  # primitive + recursive calls
    return calls


def arithmetic(repeat):
    """Milliseconds for 10,000 due dates (30 working days after days spread over three
    years, the marks passed in) and for 300 inverse look-ups (the latest start due by a
    day, which the work list's counts ask three times per request)."""
    import datetime as dt

    from grassroots import workdays

    overrides = workdays.calendar_overrides()
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=i % 1095) for i in range(10_000)]

    def forward():
        for start in starts:
            workdays.add_working_days(start, 30, overrides)

    def inverse():
        for start in starts[:300]:
            if hasattr(workdays, "latest_start"):
                workdays.latest_start(start, 30, overrides)
            else:  # the day-by-day search of the code before the tables
                day = start
                while workdays.add_working_days(day, 30, overrides) > start:
                    day -= dt.timedelta(days=1)

    forward()
    return timed(forward, repeat), timed(inverse, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--users", default="org,admin,secretary")
    args = parser.parse_args()
    prepare()
    print(f"code: {Path(grassroots.__file__).parent}")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    today = timezone.localdate()
    users = get_user_model().objects
    header = (
        f"{'user':<10} {'items':>6} {'selector best/median ms':>24} {'page best/median ms':>20}"
    )
    print(header + f" {'queries':>7}  workdays calls (one page)")
    for username in args.users.split(","):
        user = users.get(username=username.strip())
        client = Client()
        client.force_login(user)

        def select(user=user):
            items = selectors.WorkList(user, today)
            items.counts  # noqa: B018 - the counts the page shows
            return items[0:50]

        def page(client=client):
            response = client.get("/deadlines/")
            assert response.status_code == 200, response.status_code

        page()  # warm: templates, translations, the holiday tables
        count = selectors.WorkList(user, today).count()
        sel = timed(select, args.repeat)
        pag = timed(page, args.repeat)
        with CaptureQueriesContext(connection) as captured:
            page()
        queries = len(captured)  # now: the next request empties the log it reads
        calls = workday_calls(page)
        shown = ", ".join(f"{name} {n}" for name, n in sorted(calls.items()) if n)
        print(
            f"{username:<10} {count:>6} {sel[0]:>11.1f} / {sel[1]:>9.1f} "
            f"{pag[0]:>9.1f} / {pag[1]:>8.1f} {queries:>7}  {shown}"
        )
    (f_best, f_median), (i_best, i_median) = arithmetic(max(3, args.repeat // 2))
    print(f"10,000 due dates: {f_best:.1f} / {f_median:.1f} ms (best / median)")
    print(f"300 inverse look-ups: {i_best:.1f} / {i_median:.1f} ms (best / median)")


if __name__ == "__main__":
    main()

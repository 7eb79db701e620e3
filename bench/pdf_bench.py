"""Time the achievement PDF of the demo town: the document alone and the page.

    .venv/bin/python -W ignore bench/pdf_bench.py [--repeat 7] [--profile]

Uses DATABASE_URL if set, otherwise DATA_DIR (default: a SQLite database of its own under
bench/.data/pdf/, migrated and filled with the demo town on first use). Prints, in
milliseconds, the first call in the process (cold: WeasyPrint loads its fonts and the
stylesheet) and the best and median, wall and CPU time, of `--repeat` further calls
(warm; the recent-documents memory emptied before each) of
`reports.documents.achievement_pdf` for the town committee DB over 2021–2023, and of
GET /reports/achievement.pdf through Django's test client as `org`, and of the same
document asked for again (served from the memory); the peak memory of
the process; and with --profile the ten most expensive functions of one warm call.
"""

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DATA_DIR", str(HERE / ".data" / "pdf"))
    Path(os.environ["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from grassroots.org.models import Unit  # noqa: E402
from grassroots.reports import documents, exports, selectors  # noqa: E402

UNIT, START, END = "DB", dt.date(2021, 1, 1), dt.date(2023, 12, 31)


def forget():
    """Empty the recent-documents memory of reports.exports, if this code has one."""
    getattr(exports, "_RECENT", {}).clear()


def prepare():
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        print("loading the demo town (once)…", flush=True)
        subprocess.run(
            [sys.executable, "-W", "ignore", "-m", "grassroots.cli", "demo"],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def once(function):
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, result


def timed(function, repeat):
    runs = [once(function) for _ in range(repeat)]
    wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
    return min(wall), statistics.median(wall), min(cpu), statistics.median(cpu)


def line(label, figures):
    best, median, cpu_best, cpu_median = figures
    print(
        f"  {label:<26} wall best {best:7.1f}  median {median:7.1f} ms"
        f"   CPU best {cpu_best:7.1f}  median {cpu_median:7.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    prepare()
    user = get_user_model().objects.get(username="org")
    unit = Unit.objects.get(code=UNIT)
    kwargs = {"unit": unit, "date_from": START, "date_to": END, "by": "children"}
    rows = selectors.achievement(user, **kwargs)

    def document():
        forget()  # laid out every time, as a report asked for the first time
        return documents.achievement_pdf(rows, **kwargs)

    def again():
        return documents.achievement_pdf(rows, **kwargs)

    cold, cold_cpu, pdf = once(document)
    print(f"achievement PDF of {UNIT} {START}–{END}: {len(rows)} rows, {len(pdf):,} bytes")
    print(f"  document, cold: wall {cold:7.1f} ms, CPU {cold_cpu:7.1f} ms")
    line("document, warm", timed(document, args.repeat))
    line("document, asked again", timed(again, args.repeat))

    client = Client()
    client.force_login(user)
    url = reverse("reports:achievement_pdf")
    query = {"unit": UNIT, "from": START.isoformat(), "to": END.isoformat(), "by": "children"}

    def page():
        forget()
        response = client.get(url, query)
        assert response.status_code == 200, response.status_code
        return response

    line("page (GET, as org)", timed(page, args.repeat))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process: {peak:.0f} MiB")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        document()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()

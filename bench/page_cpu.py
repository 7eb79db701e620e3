"""CPU time per page in one process, beside the log-in page's: a load ratio that a busy
machine does not spoil.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pagespeed_demo DEBUG=0 \\
        .venv/bin/python -W ignore bench/page_cpu.py [--repeat 20] [--generated]
        [--only 3,5] [--profile 5]

The database must hold the demo town (`grassroots migrate` + `grassroots demo`), or with
--generated a database filled by `grassroots generate` (signed in as `bench-admin`, made a
superuser if missing). In one process, Django's test client signs in as `org` (the demo)
and fetches the log-in page signed out and each page of the role's set of
`load_bench.py` (the same list), warms up, then measures each page `--repeat` times:
the median CPU time of this process (`time.process_time`, which the other processes of
a shared machine do not inflate) and the median wall time, and the SQL queries of the
last fetch. PostgreSQL's own CPU is not in the figure (it is in the wall time).

Under load the server's throughput is bounded by CPU, so requests/s of the mixed set ÷
requests/s of the log-in page ≈ CPU of the log-in page ÷ mean CPU of the mixed set: the
ratio printed at the end. `--profile N` prints cProfile's top functions of page N
(the row number of the table), fetched `--repeat` times.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from load_bench import DEMO_PAGES, GENERATED_PAGES  # noqa: E402


def values(generated):
    from grassroots.org.models import Unit
    from grassroots.people.models import Person
    from grassroots.pipeline.models import Dossier

    if generated:
        return {
            "root": Unit.objects.filter(depth=1).order_by("path").first().code,
            "middle": Unit.objects.filter(depth=3).order_by("path").first().code,
            "person": Person.objects.order_by("id").first().national_id,
        }
    person = Person.objects.filter(unit__code="DB-PPT").order_by("id").first()
    dossier = Dossier.objects.filter(unit__code="DB-PPT").order_by("id").first()
    return {"person": person.national_id, "dossier": dossier.id}


def signed_in(generated):
    client = Client(HTTP_HOST="127.0.0.1")
    if generated:
        user = get_user_model().objects.filter(username="bench-admin").first()
        if user is None:
            user = get_user_model().objects.create_superuser("bench-admin", "b@example.org", "x")
    else:
        user = get_user_model().objects.get(username="org")
    client.force_login(user)
    return client


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def measure(client, url, repeat):
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        fetch(client, url)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return statistics.median(cpu), statistics.median(wall), len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--generated", action="store_true")
    parser.add_argument("--only", default="", help="row numbers, comma-separated")
    parser.add_argument("--profile", type=int, default=0, help="row number to profile")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if settings.DEBUG:
        raise SystemExit("DEBUG is on: run with DEBUG=0")

    pages = GENERATED_PAGES["bench-admin"] if args.generated else DEMO_PAGES["org"]
    # Today's forecasts stored, as the worker's nightly job leaves them (load_bench.py).
    call_command("forecasts", stdout=open(os.devnull, "w"))
    filled = values(args.generated)
    urls = [template.format(**filled) for template in pages]
    anonymous, client = Client(HTTP_HOST="127.0.0.1"), signed_in(args.generated)
    rows = [("log-in page (signed out)", anonymous, "/login/")]
    rows += [(url, client, url) for url in urls]
    only = {int(n) for n in args.only.split(",") if n.strip()}

    for _label, who, url in rows:  # warm up: templates, per-process caches
        for _ in range(3):
            fetch(who, url)

    if args.profile:
        _label, who, url = rows[args.profile]
        profile = cProfile.Profile(time.process_time)  # CPU: the machine is shared
        profile.enable()
        for _ in range(args.repeat):
            fetch(who, url)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        return

    print(f"load average {os.getloadavg()[0]:.1f}, {args.repeat} fetches per page, median\n")
    print("| # | page | CPU ms | wall ms | queries |")
    print("|---|---|---|---|---|")
    results = []
    for number, (label, who, url) in enumerate(rows):
        if only and number and number not in only:
            continue
        cpu, wall, queries = measure(who, url, args.repeat)
        results.append((number, cpu, wall))
        print(f"| {number} | `{label}` | {cpu:.1f} | {wall:.1f} | {queries} |", flush=True)
    login = results[0][1]
    mixed = [cpu for number, cpu, _wall in results if number]
    mixed_wall = [wall for number, _cpu, wall in results if number]
    mean = statistics.mean(mixed)
    print(f"\nmixed set: mean CPU {mean:.1f} ms, mean wall {statistics.mean(mixed_wall):.1f} ms")
    print(f"ratio log-in CPU ÷ mixed mean CPU: {login / mean:.3f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

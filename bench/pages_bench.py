"""Time the main pages on the current database (DATABASE_URL or DATA_DIR) as a superuser.

Run on a database filled by `grassroots generate`, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python -W ignore bench/pages_bench.py [--repeat 3] [--only tree,worklist]

Each page is fetched through Django's test client (the full view and template), `--repeat`
times; the table gives the status, the number of SQL queries, and the best and median
wall time in milliseconds.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grassroots.org.models import Unit  # noqa: E402


def bench_user():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    if not user.is_superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    return user


def pages():
    root = Unit.objects.filter(depth=1).order_by("path").first()
    mid = Unit.objects.filter(depth=3).order_by("path").first()
    leaf = Unit.objects.order_by("-depth", "path").first()
    return [
        ("tree", "/units/"),
        ("unit root", f"/units/{root.code}/"),
        ("unit mid", f"/units/{mid.code}/"),
        ("unit leaf", f"/units/{leaf.code}/"),
        ("people root", "/people/"),
        ("search name", "/people/?q=nguyen+van+an"),
        ("search id", "/people/?q=0000123"),
        ("search id 2", "/people/?q=G00100589"),
        ("people leaf", f"/people/?unit={leaf.code}"),
        ("worklist", "/deadlines/"),
        ("history", "/history/"),
        ("members", "/pipeline/members/"),
        ("api people", "/api/people?limit=50"),
    ]


def measure(client, url, repeat):
    times, queries, status = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        status, queries = response.status_code, len(captured)
    return status, queries, min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}

    client = Client()
    client.force_login(bench_user())
    print(f"{'page':12} {'url':42} {'status':>6} {'queries':>7} {'best ms':>9} {'median ms':>9}")
    print("-" * 90)
    for name, url in pages():
        if wanted and name not in wanted:
            continue
        status, queries, best, median = measure(client, url, args.repeat)
        print(f"{name:12} {url[:42]:42} {status:>6} {queries:>7} {best:>9.1f} {median:>9.1f}")


if __name__ == "__main__":
    main()

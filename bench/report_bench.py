"""Time the reports on the current database against a plain SQL count.

Run on a database made by `grassroots generate --units N --people M --seed S`:

    DATA_DIR=/tmp/bench-e .venv/bin/python bench/report_bench.py [--repeat 5] [--rebuild]
    DATABASE_URL=postgres://… .venv/bin/python bench/report_bench.py

For the root, a middle unit and a leaf it measures the achievement report (children rows,
the last full year of admissions) cold (first call on a fresh connection) and warm (median
of --repeat calls), and the dashboard page through Django's test client as a superuser.
Beside each it runs, in the same process, the plain SQL a report without roll-ups would
need (`COUNT(*) … GROUP BY` over admissions joined to units by path prefix) and prints
the ratio report ÷ baseline.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def fresh_connection():
    from django.db import connection

    connection.close()


def measure(function, repeat):
    fresh_connection()
    cold = timed(function)
    warm = statistics.median(timed(function) for _ in range(repeat))
    return cold, warm


def baseline_sql(unit, date_from, date_to):
    """The base-table query: admissions in the range below the unit, grouped by child."""
    from django.db import connection

    length = len(unit.path) + 4
    if connection.vendor == "postgresql":
        prefix = "u.path LIKE %s"
        prefix_args = [unit.path + "%"]
    else:
        prefix = "u.path >= %s AND u.path < %s"
        prefix_args = [unit.path, unit.path + "~"]
    sql = (
        f"SELECT substr(u.path, 1, {length}) AS child, COUNT(*) "
        "FROM pipeline_admission a JOIN org_unit u ON u.id = a.unit_id "
        f"WHERE {prefix} AND a.decision_date BETWEEN %s AND %s GROUP BY child"
    )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [*prefix_args, date_from, date_to])
            cursor.fetchall()

    return run


def pick_units():
    from django.db.models import Max

    from grassroots.org.models import Unit

    root = Unit.get_root_nodes().order_by("numchild").last()
    deepest = Unit.objects.aggregate(depth=Max("depth"))["depth"] or 1
    middle_depth = max(2, (deepest + 1) // 2) if deepest > 1 else 1
    middle = (
        Unit.objects.filter(depth=middle_depth, numchild__gt=0)
        .order_by("-numchild", "path")
        .first()
        or root
    )
    leaf = Unit.objects.filter(numchild=0, admissions__isnull=False).order_by("path").first()
    leaf = leaf or Unit.objects.filter(numchild=0).order_by("path").first() or root
    return [("root", root), ("middle", middle), ("leaf", leaf)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the roll-ups first")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="also time the dashboard over 10 January – 15 December (partial months)",
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from grassroots.org.models import Unit
    from grassroots.people.models import Person
    from grassroots.pipeline.models import Admission
    from grassroots.reports import rollups, selectors
    from grassroots.reports.models import AdmissionTally, SubtreeTally

    setup_test_environment()
    admissions = Admission.objects.count()
    if args.rebuild or (admissions and not AdmissionTally.objects.exists()):
        print(f"rebuilding roll-ups: {timed(rollups.rebuild):.1f} s")
    elif admissions and not SubtreeTally.objects.exists():
        seconds = timed(lambda: rollups.write_subtree_tallies(replace=True))
        print(f"writing the subtree roll-ups: {seconds:.1f} s")
    latest = Admission.objects.aggregate(day=Max("decision_date"))["day"] or dt.date.today()
    year = latest.year - 1 if latest.month < 12 else latest.year
    date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    print(
        f"database: {Unit.objects.count():,} units, {Person.objects.count():,} people, "
        f"{admissions:,} admissions, {AdmissionTally.objects.count():,} tally rows, "
        f"{SubtreeTally.objects.count():,} subtree tally rows; "
        f"period {date_from} – {date_to}"
    )

    User = get_user_model()
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-not-for-login"
    )
    client = Client()
    client.force_login(admin)

    results = []
    for label, unit in pick_units():

        def report(unit=unit):
            selectors.achievement(selectors.SYSTEM, unit=unit, date_from=date_from, date_to=date_to)

        def page(unit=unit, start=date_from, end=date_to):
            response = client.get(
                reverse("reports:dashboard", args=[unit.code]),
                {"from": start.isoformat(), "to": end.isoformat()},
            )
            assert response.status_code == 200, response.status_code

        baseline = measure(baseline_sql(unit, date_from, date_to), args.repeat)
        for what, function in (("achievement", report), ("dashboard", page)):
            cold, warm = measure(function, args.repeat)
            results.append((label, unit.code, unit.depth, what, cold, warm, *baseline))
        if args.partial:
            # Partial months at both ends are counted from the admissions themselves.
            start, end = date_from.replace(day=10), date_to.replace(day=15)
            partial = measure(baseline_sql(unit, start, end), args.repeat)
            cold, warm = measure(
                lambda unit=unit, start=start, end=end: page(unit, start, end), args.repeat
            )
            results.append((label, unit.code, unit.depth, "dash 10/1–15/12", cold, warm, *partial))

    header = (
        "unit",
        "code",
        "depth",
        "what",
        "cold ms",
        "warm ms",
        "sql cold",
        "sql warm",
        "ratio warm",
    )
    rows = [
        (label, code, str(depth), what, f"{cold * 1000:.1f}", f"{warm * 1000:.1f}",
         f"{b_cold * 1000:.1f}", f"{b_warm * 1000:.1f}", f"{warm / b_warm:.2f}" if b_warm else "–")
        for label, code, depth, what, cold, warm, b_cold, b_warm in results
    ]  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()

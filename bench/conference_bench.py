"""Time the conference paper (issue 17) on whatever database DATA_DIR / DATABASE_URL points
at: the demo (`grassroots demo`) or a generated organisation (`grassroots generate`).

Without --unit/--cluster it takes the cluster with the most units and the root above
them, and the last full calendar year of admissions. It prints the cluster's size (units
in force with it), the participants (its outermost units below the committee), and the
time to gather the figures (`conferences.paper.paper_data`, cold then the median of
--repeat warm runs) and to lay out the PDF (`render_pdf`, WeasyPrint), with the number of
queries of a warm run.

    DATA_DIR=/tmp/conf-bench .venv/bin/python -W ignore bench/conference_bench.py
    DATA_DIR=/tmp/demo .venv/bin/python -W ignore bench/conference_bench.py \
        --unit DB --cluster "Gò Nổi" --from 2024-01-01 --to 2024-12-31
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

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grassroots.conferences import paper  # noqa: E402
from grassroots.conferences.services import default_participants  # noqa: E402
from grassroots.org.models import Cluster, Unit  # noqa: E402
from grassroots.pipeline.models import Admission  # noqa: E402
from grassroots.reports.selectors import SYSTEM  # noqa: E402


def _largest_cluster():
    row = (
        Unit.objects.filter(effective_cluster__isnull=False, valid_to__isnull=True)
        .values("effective_cluster")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Cluster.objects.get(pk=row["effective_cluster"]), row["n"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit")
    parser.add_argument("--cluster")
    parser.add_argument("--from", dest="date_from")
    parser.add_argument("--to", dest="date_to")
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default="/tmp/conference-bench.pdf")
    parser.add_argument(
        "--participants",
        type=int,
        help="take this many cells of the cluster as the participants (a conference of "
        "units listed one by one) instead of its outermost units",
    )
    args = parser.parse_args()

    if args.cluster:
        cluster = Cluster.objects.get(name=args.cluster)
        size = Unit.objects.filter(effective_cluster=cluster, valid_to__isnull=True).count()
    else:
        cluster, size = _largest_cluster()
    if args.unit:
        committee = Unit.objects.get(code=args.unit)
    else:
        member = Unit.objects.filter(effective_cluster=cluster).order_by("path").first()
        committee = Unit.objects.get(path=member.path[:4])
    if args.date_from:
        date_from = dt.date.fromisoformat(args.date_from)
        date_to = dt.date.fromisoformat(args.date_to)
    else:
        last = Admission.objects.aggregate(last=Max("decision_date"))["last"]
        year = last.year - 1
        date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = default_participants(committee, cluster=cluster, day=date_to)
    listed = None
    if args.participants:
        listed = list(
            Unit.objects.filter(effective_cluster=cluster, kind=Unit.Kind.CELL).order_by("path")[
                : args.participants
            ]
        )
        units = listed
    print(
        f"{connection.vendor}: committee {committee.code}, cluster {cluster.name} "
        f"({size} units in force), {len(units)} participants, {date_from}–{date_to}"
    )

    def gather():
        return paper.paper_data(
            SYSTEM,
            committee=committee,
            cluster=cluster,
            units=listed,
            date_from=date_from,
            date_to=date_to,
            language=args.lang,
        )

    started = time.perf_counter()
    data = gather()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            data = gather()
            warm.append(time.perf_counter() - started)
    queries = len(captured)
    renders = []
    for _ in range(max(1, args.repeat // 2)):
        started = time.perf_counter()
        content = paper.render_pdf(data)
        renders.append(time.perf_counter() - started)
    Path(args.output).write_bytes(content)
    print(f"figures: cold {cold:.2f} s, warm median {statistics.median(warm):.2f} s "
          f"({queries} queries); PDF layout median {statistics.median(renders):.2f} s "
          f"({len(content) // 1024} KiB, {data['total']['admitted']} admitted); "
          f"total ≈ {statistics.median(warm) + statistics.median(renders):.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()

"""Time a merge of two wards through the product's restructuring service.

Run on a database made by `grassroots generate` with wards (committees at depth 2) of the
size to test, e.g. for two wards of about 20,000 people:

    DATA_DIR=/tmp/bench-merge .venv/bin/grassroots migrate
    DATA_DIR=/tmp/bench-merge .venv/bin/grassroots generate --units 60 --people 80000 --depth 4
    DATA_DIR=/tmp/bench-merge .venv/bin/python -W ignore bench/restructure_bench.py

It picks the two committees at depth 2 with the most people, and times, each inside a
transaction that is rolled back so the database stays as it was:

- the preview (`org.restructure.unit_merge(dry_run=True)`, what the page shows first);
- the merge itself: a new ward from today, the two wards ending yesterday, their cells
  moved below the new ward (tree paths, the ancestry over time, clusters and sectors),
  what belongs to the wards passed on, role assignments ended, the report roll-ups
  adjusted, one history row per change;
- the baseline, in the same run: django-treebeard alone moving the same cells under a new
  node (what any tree-based implementation must at least do, with no history, no
  ancestry over time and no roll-ups).
Then it checks that the roll-ups and the ancestry still equal a fresh derivation.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")


class Rollback(Exception):
    pass


def timed_in_rollback(function):
    from django.db import transaction

    start = time.perf_counter()
    try:
        with transaction.atomic():
            function()
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from grassroots.history.services import Trace
    from grassroots.org import restructure, timeline
    from grassroots.org.models import Unit
    from grassroots.paths import under
    from grassroots.people.models import Person
    from grassroots.reports import rollups

    wards = sorted(
        Unit.objects.filter(depth=2, kind="committee"),
        key=lambda u: -Person.objects.filter(under(u.path, "unit__path")).count(),
    )[:2]
    if len(wards) < 2:
        sys.exit("needs two committees at depth 2: see the docstring for a generate command")
    sizes = [Person.objects.filter(under(w.path, "unit__path")).count() for w in wards]
    cells = sum(Unit.objects.filter(under(w.path, "path")).count() - 1 for w in wards)
    parent = wards[0].get_parent()
    today = timezone.localdate()
    trace = Trace.command("bench: merge of two wards")

    def merge(dry_run=False):
        restructure.unit_merge(
            trace=trace,
            units=[Unit.objects.get(pk=w.pk) for w in wards],
            into="BENCH-MERGED",
            name="Merged ward",
            parent=Unit.objects.get(pk=parent.pk),
            day=today,
            reference="bench",
            dry_run=dry_run,
        )

    def treebeard_only():
        node = Unit.objects.get(pk=parent.pk).add_child(
            code="BENCH-TB", name="Merged ward", kind="committee"
        )
        for ward in wards:
            for child in Unit.objects.get(pk=ward.pk).get_children():
                child.move(Unit.objects.get(pk=node.pk), pos="sorted-child")

    print(
        f"{connection.vendor}: wards {wards[0].code} ({sizes[0]:,} people) and "
        f"{wards[1].code} ({sizes[1]:,} people), {cells} units below them; "
        f"median of {args.repeat}, each rolled back"
    )
    rows = []
    for label, function in (
        ("preview (dry run)", lambda: merge(dry_run=True)),
        ("merge", merge),
        ("baseline: treebeard moves only", treebeard_only),
    ):
        times = [timed_in_rollback(function) for _ in range(args.repeat)]
        rows.append((label, statistics.median(times), min(times)))
    width = max(len(r[0]) for r in rows)
    for label, median, best in rows:
        print(f"  {label:<{width}}  {median * 1000:9.1f} ms  (best {best * 1000:.1f} ms)")
    print(f"  merge ÷ baseline: {rows[1][1] / rows[2][1]:.1f}")

    # The merge once more, checked (and rolled back).
    def checked():
        merge()
        assert rollups.check() == (0, 0), "roll-ups differ from a fresh count"
        assert timeline.rebuild_ancestry(check=True) == (set(), set()), "ancestry differs"

    timed_in_rollback(checked)
    print("  after the merge the roll-ups and the ancestry equal a fresh derivation")


if __name__ == "__main__":
    main()

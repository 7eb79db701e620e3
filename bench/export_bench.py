"""The full export's speed and memory: CSV and XLSX, each in a child process.

    .venv/bin/python -W ignore bench/export_bench.py [--formats csv,xlsx] [--only people]

Runs on the database that DATABASE_URL (or DATA_DIR for SQLite) points at, normally one
filled by `grassroots generate --units 20000 --people 1000000 --seed 1`. For each format a
child process starts Django and runs `exchange.exporter.write_csv_folder` or `write_xlsx`
into a temporary folder (every file, or those named by --only), as `grassroots export`
and the background export do. Printed per run: records written, wall time, records per
second, the child's CPU time (less that of a child that only starts Django) and records
per CPU second (steadier than the wall time on a shared machine); on PostgreSQL also the
CPU time of the child's server process (read from /proc: the server must run on this
machine) and records per CPU second of both, since the database may do part of the work;
the child's peak memory (`ru_maxrss`, through `os.wait4`) and, for comparison,
the peak of a child that only starts Django, and the size of what was written. --limit N
writes the first N records of each file only (a slice of its query), e.g. to time XLSX on
a part of a national database.

"Before" figures: run the same script with another commit's sources first on the path,
e.g. `git archive <commit> src | tar -x -C /tmp/before` and
`PYTHONPATH=/tmp/before/src .venv/bin/python bench/export_bench.py`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, sys, time
import django
django.setup()
from pathlib import Path
from django.db import connection


def server_cpu():  # PostgreSQL: this session's server process, on this machine
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


server_before = server_cpu()
started = time.perf_counter()
fmt, folder, only, limit = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
only = only.split(",") if only else None
if fmt == "none":
    counts = {}
else:
    from grassroots.exchange import exporter
    if limit:  # the first records of each file only (a queryset's slice)
        for name, query in list(exporter.QUERIES.items()):
            def first(unit, query=query):
                found = query(unit)
                return found[:limit] if hasattr(found, "iterator") else found
            exporter.QUERIES[name] = first
    if fmt == "csv":
        counts = exporter.write_csv_folder(folder, only=only)
    else:
        counts = exporter.write_xlsx(folder / "export.xlsx", only=only)
seconds = time.perf_counter() - started
size = sum(p.stat().st_size for p in folder.iterdir())
server = server_cpu() - server_before
print("RESULT " + json.dumps({"counts": counts, "seconds": seconds, "bytes": size, "server": server}))
"""


def run(fmt, only, limit=0):
    with tempfile.TemporaryDirectory(prefix="grassroots-export-bench-") as folder:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="grassroots.settings")
        process = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-c", CHILD, fmt, folder, only or "", str(limit)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        out = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"the {fmt} export failed ({process.returncode})")
        result = json.loads(out.split("RESULT ", 1)[1])
        result["peak_mib"] = usage.ru_maxrss / 1024
        result["cpu"] = usage.ru_utime + usage.ru_stime  # the child's, Django's start included
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--only", default="", help="comma-separated files, e.g. people")
    parser.add_argument("--limit", type=int, default=0, help="the first N records of each file")
    args = parser.parse_args()
    where = os.environ.get("DATABASE_URL") or f"SQLite in {os.environ.get('DATA_DIR', 'data/')}"
    limit = f", the first {args.limit:,} records of each" if args.limit else ""
    print(f"database: {where}; files: {args.only or 'all'}{limit}")
    baseline = run("none", "")
    print(f"Django alone: peak {baseline['peak_mib']:.0f} MiB, CPU {baseline['cpu']:.1f} s")
    print(
        "| format | records | wall s | records/s | CPU s (less Django's start) | records/CPU s "
        "| server CPU s | records/CPU s with the server's | peak MiB | written MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for fmt in args.formats.split(","):
        result = run(fmt, args.only, args.limit)
        total = sum(result["counts"].values())
        cpu = max(result["cpu"] - baseline["cpu"], 0.001)
        print(
            f"| {fmt} | {total:,} | {result['seconds']:.1f} | {total / result['seconds']:,.0f} | "
            f"{cpu:.1f} | {total / cpu:,.0f} | {result['server']:.1f} | "
            f"{total / (cpu + result['server']):,.0f} | {result['peak_mib']:.0f} | "
            f"{result['bytes'] / 1e6:,.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

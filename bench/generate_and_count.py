#!/usr/bin/env python
"""Generate a synthetic organisation, then time "count people below unit X".

    python bench/generate_and_count.py --units 3000 --people 60000
    python bench/generate_and_count.py --units 3000 --people 60000 \
        --database-url postgres://postgres@127.0.0.1:5432/grassroots_bench --recreate

Without --database-url (or DATABASE_URL) it uses a fresh SQLite file under bench/.data/.
`grassroots migrate` and `grassroots generate` run in subprocesses; each one's wall time
and peak memory (ru_maxrss of that child, from os.wait4) are reported. The counts then run
in this process: through the ORM (`org.paths.under`, as the product does) and as raw SQL
(a baseline), at the root and at a leaf, best and median of --repeat runs.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GRASSROOTS = Path(sys.executable).with_name("grassroots")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--people", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL URL (default: $DATABASE_URL, else a fresh SQLite file)",
    )
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="PostgreSQL: drop and create the named database first (never 'postgres')",
    )
    return parser.parse_args()


def recreate_postgres(url):
    """Drop and create the benchmark database, connecting to the server's 'postgres' one."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        sys.exit(f"refusing to recreate database {name!r}: name a benchmark database")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(args, env, label):
    """Run a grassroots command; return (seconds, peak memory in MiB, output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(GRASSROOTS), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{label} failed ({process.returncode}):\n{output}")
    return seconds, usage.ru_maxrss / 1024, output  # ru_maxrss is in KiB on Linux


def timed(function, repeat):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - started) * 1000)
    return value, min(times), statistics.median(times)


def main():
    options = parse_args()
    env = dict(os.environ)
    if options.database_url:
        env["DATABASE_URL"] = options.database_url
        if options.recreate:
            recreate_postgres(options.database_url)
        parts = urlparse(options.database_url)
        where = f"{parts.scheme}://{parts.hostname}:{parts.port or 5432}{parts.path}"
    else:
        env.pop("DATABASE_URL", None)
        data = HERE / ".data" / f"sqlite-{options.units}-{options.people}"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        env["DATA_DIR"] = str(data)
        where = str(data / "grassroots.sqlite3")
    print(f"database: {where}")

    migrate = run(["migrate", "-v0"], env, "migrate")
    generate = run(
        [
            "generate", "--units", str(options.units), "--people", str(options.people),
            "--seed", str(options.seed), "--depth", str(options.depth),
        ],
        env,
        "generate",
    )  # fmt: skip
    print(generate[2].rstrip())
    print()
    print(f"{'step':<10} {'wall s':>9} {'peak MiB':>9}")
    for name, (seconds, peak, _) in (("migrate", migrate), ("generate", generate)):
        print(f"{name:<10} {seconds:>9.1f} {peak:>9.0f}")
    print()

    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "DATA_DIR")})
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()
    from django.db import connection

    from grassroots.org.models import Unit
    from grassroots.paths import under
    from grassroots.people.models import Person

    root = Unit.objects.get(code=f"G{options.seed}")
    deepest = Unit.objects.filter(under(root.path)).order_by("-depth", "path")
    leaf_count = deepest.filter(depth=deepest.first().depth).count()
    leaf = deepest.filter(depth=deepest.first().depth)[leaf_count // 2]

    def orm(unit):
        return lambda: Person.objects.filter(under(unit.path, "unit__path")).count()

    def raw(unit):
        if connection.vendor == "postgresql":
            sql = (
                "SELECT COUNT(*) FROM people_person p JOIN org_unit u ON u.id = p.unit_id "
                "WHERE u.path LIKE %s"
            )
            params = [unit.path + "%"]
        else:
            sql = (
                "SELECT COUNT(*) FROM people_person p JOIN org_unit u ON u.id = p.unit_id "
                "WHERE u.path >= %s AND u.path < %s"
            )
            params = [unit.path, unit.path + "~"]

        def query():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]

        return query

    print(f"{'count people below':<28} {'people':>9} {'best ms':>9} {'median ms':>10}")
    for label, unit in (("root " + root.code, root), ("leaf " + leaf.code, leaf)):
        for method, make in (("orm", orm), ("raw sql", raw)):
            value, best, median = timed(make(unit), options.repeat)
            print(f"{label + ' · ' + method:<28} {value:>9} {best:>9.2f} {median:>10.2f}")


if __name__ == "__main__":
    main()

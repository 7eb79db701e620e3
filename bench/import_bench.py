"""How fast `grassroots import` takes in a people roster, and how much memory it needs.

    .venv/bin/python bench/import_bench.py --rows 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_bench.py

Generates a roster CSV of N people (plus a small units.csv they live in), then, in a scratch
database on the server of the current DATABASE_URL (`<name>_import_bench`, dropped at the
end) or in a temporary SQLite file when DATABASE_URL is unset, measures as separate
processes (wall time and peak RSS from getrusage of that child):

- `grassroots import` of the folder (every row created), and the same again (unchanged);
- PostgreSQL's `COPY` of the same people.csv into a bare table (psycopg; PostgreSQL only);
- django-import-export importing the same rows through a plain ModelResource (only if it
  is installed: `.venv/bin/pip install django-import-export`; it is no project dependency).

Seconds include starting Python and Django in every line, so small files flatter nobody.
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GRASSROOTS = shutil.which("grassroots", path=str(Path(PYTHON).parent)) or "grassroots"
ID_PREFIX = "BN"
CELLS = 20
PEOPLE_COLUMNS = [
    "national_id",
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "ethnic_minority",
    "religion",
    "education",
    "occupation",
    "unit_code",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hoa", "Lan", "Mai", "Nam", "Tú", "Xuân"]
EDUCATION = ["lower_secondary", "upper_secondary", "vocational", "college", "university", "master"]


def generate(folder, rows, seed=7):
    """units.csv (a committee with CELLS cells) and people.csv of `rows` people, streamed."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with open(folder / "units.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code", "cluster", "sector"])
        writer.writerow(["BENCH", "Bench committee", "committee", "", "Bench cluster", ""])
        for n in range(CELLS):
            writer.writerow([f"BENCH{n:02d}", f"Bench cell {n}", "cell", "BENCH", "", ""])
    with open(folder / "people.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PEOPLE_COLUMNS)
        for n in range(rows):
            minority = rng.random() < 0.1
            writer.writerow(
                [
                    f"{ID_PREFIX}{n:010d}",
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    rng.choice(("female", "male")),
                    f"{rng.randint(1950, 2007)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "Ê Đê" if minority else "Kinh",
                    "yes" if minority else "no",
                    "Buddhist" if rng.random() < 0.15 else "",
                    rng.choice(EDUCATION),
                    "teacher" if n % 7 == 0 else "",
                    f"BENCH{n % CELLS:02d}",
                ]
            )


def measured(command, env, log):
    """Run `command` as a child; (wall seconds, CPU seconds, peak RSS in MB, exit code)."""
    start = time.perf_counter()
    with open(log, "ab") as out:
        out.write(f"$ {' '.join(map(str, command))}\n".encode())
        out.flush()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


# --- the child processes -----------------------------------------------------------------


def child_copy(path):
    """COPY people.csv into a bare table of text columns."""
    import psycopg

    columns = ", ".join(f"{c} text" for c in PEOPLE_COLUMNS)
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_people_copy")
        conn.execute(f"CREATE TABLE bench_people_copy ({columns})")
        with conn.cursor() as cursor:
            with cursor.copy("COPY bench_people_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
                with open(path, "rb") as handle:
                    while block := handle.read(1 << 16):
                        copy.write(block)
        conn.execute("DROP TABLE bench_people_copy")


def child_import_export(path):
    """django-import-export through a plain ModelResource (exit 3 if it is not installed)."""
    try:
        import tablib  # noqa: F401
        from import_export import fields, resources  # noqa: F401
    except ImportError:
        sys.exit(3)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()
    import tablib
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    from grassroots.org.models import Unit
    from grassroots.people.models import Person

    class PersonResource(resources.ModelResource):
        unit = fields.Field(
            attribute="unit", column_name="unit_code", widget=ForeignKeyWidget(Unit, "code")
        )

        class Meta:
            model = Person
            import_id_fields = ("national_id",)
            fields = tuple(PEOPLE_COLUMNS[:-1]) + ("unit",)

    # The same rows, created afresh: remove what the grassroots import made.
    Person.objects.filter(national_id__startswith=ID_PREFIX).delete()
    with open(path, encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    # import-export's BooleanWidget reads 1/0, not yes/no.
    column = dataset.headers.index("ethnic_minority")
    dataset = tablib.Dataset(
        *[
            tuple(
                "1" if i == column and v == "yes" else "0" if i == column else v
                for i, v in enumerate(row)
            )
            for row in dataset
        ],
        headers=dataset.headers,
    )
    result = PersonResource().import_data(dataset, dry_run=False, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        sys.exit(2)


# --- the scratch database ------------------------------------------------------------------


def scratch_database(url, workdir):
    """(environment for the children, function that removes the scratch database)."""
    env = dict(os.environ, DEBUG="0", PYTHONUNBUFFERED="1")
    if not url:
        env.pop("DATABASE_URL", None)
        env["DATA_DIR"] = str(workdir / "data")
        return env, lambda: None, "SQLite"
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_import_bench"
    scratch = urlunsplit(parts._replace(path=f"/{name}"))

    def admin(sql):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = scratch
    return env, lambda: admin(f'DROP DATABASE IF EXISTS "{name}"'), "PostgreSQL"


IMPORT_EXPORT_MAX_ROWS = 10_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="people in the roster")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and files")
    parser.add_argument(
        "--no-import-export", action="store_true", help="leave out django-import-export"
    )
    parser.add_argument("--child", choices=["copy", "import_export"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "copy":
        return child_copy(args.file)
    if args.child == "import_export":
        return child_import_export(args.file)

    url = os.environ.get("DATABASE_URL", "")
    workdir = Path(tempfile.mkdtemp(prefix="grassroots-import-bench-"))
    log = workdir / "bench.log"
    folder = workdir / "roster"
    print(f"Generating {args.rows:,} people in {folder} …", flush=True)
    generate(folder, args.rows)
    env, drop, vendor = scratch_database(url, workdir)
    lines = []
    load_before = os.getloadavg()
    try:
        subprocess.run([GRASSROOTS, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
        for label, command in [
            ("grassroots import (create)", [GRASSROOTS, "import", str(folder)]),
            ("grassroots import (unchanged)", [GRASSROOTS, "import", str(folder)]),
        ]:
            seconds, cpu, peak, code = measured(command, env, log)
            lines.append((label, seconds, cpu, peak, "" if code == 0 else f"exit {code}"))
        if vendor == "PostgreSQL":
            command = [PYTHON, __file__, "--child", "copy", "--file", str(folder / "people.csv")]
            seconds, cpu, peak, code = measured(command, env, log)
            note = "" if code == 0 else f"exit {code}"
            lines.append(("PostgreSQL COPY, bare table", seconds, cpu, peak, note))
        else:
            lines.append(("PostgreSQL COPY, bare table", None, None, None, "skipped: SQLite"))
        command = [
            PYTHON,
            __file__,
            "--child",
            "import_export",
            "--file",
            str(folder / "people.csv"),
        ]
        if args.no_import_export:
            seconds, cpu, peak, code = None, None, None, 5
        elif args.rows > IMPORT_EXPORT_MAX_ROWS:
            # At about 100-200 rows/s it would take hours; the issue compares 10,000 rows.
            seconds, cpu, peak, code = None, None, None, 4
        else:
            seconds, cpu, peak, code = measured(command, env, log)
        if code == 5:
            lines.append(
                ("django-import-export", None, None, None, "left out (--no-import-export)")
            )
        elif code == 4:
            lines.append(("django-import-export", None, None, None, "skipped above 10,000 rows"))
        elif code == 3:
            lines.append(("django-import-export", None, None, None, "skipped: not installed"))
        else:
            note = "" if code == 0 else f"exit {code}"
            lines.append(("django-import-export", seconds, cpu, peak, note))
    finally:
        if not args.keep:
            drop()
    load = ", ".join(f"{a:.1f}" for a in (*load_before[:1], *os.getloadavg()[:1]))
    print(f"\n{vendor}, {args.rows:,} people (log: {log}; load average before, after: {load})\n")
    print(f"{'contender':<32} {'seconds':>9} {'rows/s':>10} {'CPU s':>8} {'peak MB':>9}  note")
    for label, seconds, cpu, peak, note in lines:
        if seconds is None:
            print(f"{label:<32} {'—':>9} {'—':>10} {'—':>8} {'—':>9}  {note}")
        else:
            rate = args.rows / seconds
            print(f"{label:<32} {seconds:>9.2f} {rate:>10,.0f} {cpu:>8.2f} {peak:>9.0f}  {note}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

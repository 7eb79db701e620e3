"""How fast `grassroots import` takes in a people roster, and how much memory it needs.

    .venv/bin/python bench/import_bench.py --rows 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_bench.py

Generates a roster CSV of N people (plus a small units.csv they live in), then, in a scratch
database on the server of the current DATABASE_URL (`<name>_import_bench`, dropped at the
end) or in a temporary SQLite file when DATABASE_URL is unset, measures as separate
processes (wall time and peak RSS from getrusage of that child):

- `grassroots import` of the folder (every row created), and the same again (unchanged);
- PostgreSQL's `COPY` of the same people.csv into a bare table of text columns, and of the
  same rows, formatted as the register's table takes them (search text, sort key, unit
  id), into that table itself, `people_person`, with its indexes and its unit-counter
  trigger, the foreign keys checked, then rolled back (psycopg; PostgreSQL only);
- django-import-export importing the same rows through a plain ModelResource (only if it
  is installed: `.venv/bin/pip install django-import-export`; it is no project dependency).

Each line gives the child's whole life (starting Python and Django included) and the time
of the work alone, which the child measures around the call itself (the import command,
the COPY statement, `import_data`); ratios are printed for both.
"""

import argparse
import csv
import json
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
                    "public_employee" if n % 7 == 0 else "",
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
# Each writes {"seconds": wall, "cpu": CPU} of its work alone to the file `--report` names.


class Work:
    """Times the block it guards (wall and CPU seconds of this process)."""

    def __enter__(self):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start

    def report(self, path):
        Path(path).write_text(json.dumps({"seconds": self.seconds, "cpu": self.cpu}))


def child_import(folder, report):
    """`grassroots import FOLDER`, as the console script runs it, the command timed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()
    from django.core.management import call_command

    with Work() as work:
        call_command("import", folder)
    work.report(report)


def copy_file(cursor, statement, path):
    with cursor.copy(statement) as copy:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 16):
                copy.write(block)


def child_copy(path, report):
    """COPY people.csv into a bare table of text columns (the COPY statement timed)."""
    import psycopg

    columns = ", ".join(f"{c} text" for c in PEOPLE_COLUMNS)
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_people_copy")
        conn.execute(f"CREATE TABLE bench_people_copy ({columns})")
        conn.commit()
        with conn.cursor() as cursor, Work() as work:
            copy_file(cursor, "COPY bench_people_copy FROM STDIN (FORMAT csv, HEADER true)", path)
            conn.commit()
        conn.execute("DROP TABLE bench_people_copy")
    work.report(report)


def child_copy_table(path, report):
    """COPY the same people, formatted as `people_person` takes them, into that table.

    Untimed: each row of people.csv is made into the table's columns as the register's
    bulk service makes them (search text and sort key, unit id), sent to an unindexed
    temporary copy of the table and written out in COPY's text format to a file. Timed:
    COPY of that file into `people_person` (ten indexes, the unit-counter trigger) and the
    check of its deferred foreign keys. Then rolled back. It runs in a copy of the scratch
    database (`cloned_database`), so the import that follows finds its own table untouched."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    import django

    django.setup()
    import datetime as dt

    import psycopg

    from grassroots.org.models import Unit
    from grassroots.people import services

    units = dict(Unit.objects.values_list("code", "id"))
    columns = services._BULK_COLUMNS
    names = ", ".join(columns)
    formatted = Path(path).with_suffix(".copy")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute(
            f"CREATE TEMPORARY TABLE bench_person_rows AS SELECT {names} FROM people_person"
            " WITH NO DATA"
        )
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY bench_person_rows ({names}) FROM STDIN") as copy:
                with open(path, encoding="utf-8", newline="") as handle:
                    for cells in csv.DictReader(handle):
                        values = {**services._BULK_DEFAULTS, **cells}
                        values["birth_date"] = dt.date.fromisoformat(cells["birth_date"])
                        values["ethnic_minority"] = cells["ethnic_minority"] == "yes"
                        values["unit"] = units[values.pop("unit_code")]
                        derived = services.derived_fields(values["full_name"], cells["national_id"])
                        copy.write_row((*values.values(), *derived))
            with open(formatted, "wb") as out:
                with cursor.copy(f"COPY bench_person_rows ({names}) TO STDOUT") as copy:
                    for block in copy:
                        out.write(block)
        conn.execute("DROP TABLE bench_person_rows")
        conn.commit()
        with conn.cursor() as cursor, Work() as work:
            copy_file(cursor, f"COPY people_person ({names}) FROM STDIN", formatted)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.rollback()
    formatted.unlink()
    work.report(report)


def child_import_export(path, report):
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

    # The same rows, created afresh: remove what the grassroots import made (untimed).
    Person.objects.filter(national_id__startswith=ID_PREFIX).delete()
    work = Work().__enter__()
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
    work.__exit__(None, None, None)
    if result.has_errors() or result.has_validation_errors():
        sys.exit(2)
    work.report(report)


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


def cloned_database(env):
    """(environment, function that removes it) for a copy of the scratch database, made as
    it stands (PostgreSQL's CREATE DATABASE … TEMPLATE): a contender that writes into the
    register's table runs there, so that the import after it finds the table as no one
    touched it (a rolled-back COPY leaves ten indexes' worth of dead entries behind, which
    cost the next writer about a third more time here)."""
    import psycopg

    url = env["DATABASE_URL"]
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    clone = f"{name}_clone"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def admin(sql):
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{clone}"')
    admin(f'CREATE DATABASE "{clone}" TEMPLATE "{name}"')
    cloned = dict(env, DATABASE_URL=urlunsplit(parts._replace(path=f"/{clone}")))
    return cloned, lambda: admin(f'DROP DATABASE IF EXISTS "{clone}"')


IMPORT_EXPORT_MAX_ROWS = 10_000
CREATE = "grassroots import (create)"
UNCHANGED = "grassroots import (unchanged)"
COPY_BARE = "COPY, bare text table"
COPY_TABLE = "COPY into people_person"
IMPORT_EXPORT = "django-import-export"


def run_child(kind, argument, env, log, workdir):
    """Run `--child kind`; (wall s, CPU s, peak MB, exit code, work wall s, work CPU s)."""
    report = workdir / f"{kind}.json"
    report.unlink(missing_ok=True)
    command = [PYTHON, __file__, "--child", kind, "--file", str(argument), "--report", report]
    seconds, cpu, peak, code = measured(command, env, log)
    work = json.loads(report.read_text()) if code == 0 and report.exists() else {}
    return seconds, cpu, peak, code, work.get("seconds"), work.get("cpu")


def print_table(lines, rows):
    head = f"{'contender':<30} {'wall s':>8} {'rows/s':>9} {'work s':>8} {'rows/s':>9}"
    print(f"{head} {'CPU s':>7} {'work CPU':>8} {'peak MB':>8}  note")
    print(f"{'':<30} {'(whole child)':>18} {'(work only)':>18}")
    for label, line in lines.items():
        if line.get("seconds") is None:
            print(
                f"{label:<30} {'—':>8} {'—':>9} {'—':>8} {'—':>9} {'—':>7} {'—':>8} {'—':>8}  "
                f"{line.get('note', '')}"
            )
            continue
        work, work_cpu = line.get("work"), line.get("work_cpu")
        print(
            f"{label:<30} {line['seconds']:>8.2f} {rows / line['seconds']:>9,.0f} "
            + (f"{work:>8.2f} {rows / work:>9,.0f} " if work else f"{'—':>8} {'—':>9} ")
            + f"{line['cpu']:>7.2f} "
            + (f"{work_cpu:>8.2f} " if work_cpu is not None else f"{'—':>8} ")
            + f"{line['peak']:>8.0f}  {line.get('note', '')}"
        )


def print_ratios(lines):
    """The import's speed against each baseline, whole child and work only."""

    def ratio(a, b, key):
        x, y = lines.get(a, {}).get(key), lines.get(b, {}).get(key)
        return f"{y / x:.3f}×" if x and y else "—"

    print("\nspeed of the import against … (higher is faster; the issue asks ≥ 0.2× COPY,")
    print("≥ 50× django-import-export)")
    print(f"{'import':<14} {'baseline':<26} {'whole child':>12} {'work only':>10}")
    for name in (CREATE, UNCHANGED):
        for baseline in (COPY_BARE, COPY_TABLE, IMPORT_EXPORT):
            print(
                f"{name.split('(')[1][:-1]:<14} {baseline:<26} "
                f"{ratio(name, baseline, 'seconds'):>12} {ratio(name, baseline, 'work'):>10}"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="people in the roster")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and files")
    parser.add_argument(
        "--no-import-export", action="store_true", help="leave out django-import-export"
    )
    children = {
        "import": child_import,
        "copy": child_copy,
        "copy_table": child_copy_table,
        "import_export": child_import_export,
    }
    parser.add_argument("--child", choices=list(children), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return children[args.child](args.file, args.report)

    url = os.environ.get("DATABASE_URL", "")
    workdir = Path(tempfile.mkdtemp(prefix="grassroots-import-bench-"))
    log = workdir / "bench.log"
    folder = workdir / "roster"
    print(f"Generating {args.rows:,} people in {folder} …", flush=True)
    generate(folder, args.rows)
    env, drop, vendor = scratch_database(url, workdir)
    lines = {}
    load_before = os.getloadavg()

    def run(label, kind, argument, env=env):
        seconds, cpu, peak, code, work, work_cpu = run_child(kind, argument, env, log, workdir)
        lines[label] = {
            "seconds": seconds,
            "cpu": cpu,
            "peak": peak,
            "work": work,
            "work_cpu": work_cpu,
            "note": "" if code == 0 else f"exit {code} (see the log)",
        }
        if kind == "copy_table" and code == 0:
            lines[label]["note"] = "whole child: with formatting the rows (untimed work)"
        if code == 3 and kind == "import_export":
            lines[label] = {"note": "skipped: not installed"}
        print(f"  {label}: {seconds:.1f} s", flush=True)

    try:
        subprocess.run([GRASSROOTS, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
        # The units the people live in, beforehand (unmeasured): the COPY into the
        # register's table needs their ids, and runs first, into the empty table, as the
        # import's create does.
        subprocess.run(
            [GRASSROOTS, "import", str(folder / "units.csv")],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        if vendor == "PostgreSQL":
            run(COPY_BARE, "copy", folder / "people.csv")
            clone_env, drop_clone = cloned_database(env)
            try:
                run(COPY_TABLE, "copy_table", folder / "people.csv", env=clone_env)
            finally:
                drop_clone()
        else:
            lines[COPY_BARE] = {"note": "skipped: SQLite"}
            lines[COPY_TABLE] = {"note": "skipped: SQLite"}
        run(CREATE, "import", folder)
        run(UNCHANGED, "import", folder)
        if args.no_import_export:
            lines[IMPORT_EXPORT] = {"note": "left out (--no-import-export)"}
        elif args.rows > IMPORT_EXPORT_MAX_ROWS:
            # At about 100-200 rows/s it would take hours; the issue compares 10,000 rows.
            lines[IMPORT_EXPORT] = {"note": "skipped above 10,000 rows"}
        else:
            run(IMPORT_EXPORT, "import_export", folder / "people.csv")
    finally:
        if not args.keep:
            drop()
    load = ", ".join(f"{a:.1f}" for a in (*load_before[:1], *os.getloadavg()[:1]))
    print(f"\n{vendor}, {args.rows:,} people (log: {log}; load average before, after: {load})\n")
    order = [CREATE, UNCHANGED, COPY_BARE, COPY_TABLE, IMPORT_EXPORT]
    print_table({label: lines[label] for label in order if label in lines}, args.rows)
    print_ratios(lines)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The real `grassroots` command in a subprocess, on a fresh SQLite database of its own:
exit codes, stdout and stderr as an outside checker sees them."""

import os
import subprocess
import sys
from pathlib import Path

from . import dataset

GRASSROOTS = Path(sys.executable).with_name("grassroots")


def grassroots(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DB_NAME")}
    env.update(DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="grassroots.settings")
    return subprocess.run(
        [str(GRASSROOTS), *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_import_then_report_through_the_real_command(tmp_path):
    assert grassroots(tmp_path, "migrate", "-v0").returncode == 0
    bad = dict(dataset.FILES, units=dataset.UNITS + "Z1,Broken,tower,R,,\n")
    failed = grassroots(tmp_path, "import", str(dataset.write_folder(tmp_path / "bad", bad)))
    assert failed.returncode != 0
    assert failed.stderr.splitlines()[0] == (
        "units:10: kind: unknown value tower (use committee, cell, group)"
    )

    done = grassroots(tmp_path, "import", str(dataset.write_workbook(tmp_path / "set.xlsx")))
    assert done.returncode == 0, done.stderr
    assert "admissions: 13 created, 0 updated, 0 unchanged" in done.stdout.splitlines()

    key = ("R", "2024-01-01", "2024-12-31", "sector")
    unit, start, end, by = key
    shown = grassroots(
        tmp_path, "report", "achievement", "--unit", unit, "--from", start, "--to", end,
        "--by", by, "--format", "csv",
    )  # fmt: skip
    assert (shown.returncode, shown.stdout) == (0, dataset.expected_csv(key))

"""`grassroots import` and `grassroots export` on the command line."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.history.models import Access
from grassroots.people.models import Person

from .helpers import STORY, write


def test_import_prints_the_summary(town, tmp_path, capsys):
    call_command("import", str(write(tmp_path, **STORY)))
    out = capsys.readouterr().out
    assert "people: 3 created, 0 updated, 0 unchanged" in out
    assert "units: 2 created, 0 updated, 0 unchanged" in out
    assert Person.objects.filter(national_id="079100000001").exists()


def test_dry_run_prints_the_same_summary(town, tmp_path, capsys):
    call_command("import", str(write(tmp_path, **STORY)), "--dry-run")
    assert "people: 3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert not Person.objects.filter(national_id="079100000001").exists()


def test_problems_exit_non_zero(town, tmp_path, capsys):
    folder = write(
        tmp_path, people="national_id,full_name,gender,birth_date,x\n1,A,male,1990-01-01,y\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import", str(folder))
    assert caught.value.returncode == 1
    assert "people:1: x: unknown column" in capsys.readouterr().err


def test_missing_path_is_a_problem(town, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "nothing-here"))
    assert "does not exist" in capsys.readouterr().err


def test_export_command_writes_a_folder_and_logs_it(town, tmp_path, capsys):
    call_command("export", str(tmp_path / "out"), "--unit", "HS", "--only", "people,units")
    assert (tmp_path / "out" / "people.csv").exists()
    assert not (tmp_path / "out" / "targets.csv").exists()
    assert "people: 2 exported" in capsys.readouterr().out
    assert Access.objects.filter(kind="export").exists()


def test_export_command_writes_a_workbook(town, tmp_path):
    from openpyxl import load_workbook

    call_command("export", str(tmp_path / "all.xlsx"))
    workbook = load_workbook(tmp_path / "all.xlsx", read_only=True)
    # The sheets in the order they are applied (FILES).
    assert workbook.sheetnames[:4] == ["units", "unit_versions", "restructurings", "people"]


def test_a_workbook_asked_for_without_its_suffix_gets_it_and_imports_back(town, tmp_path, capsys):
    call_command("export", str(tmp_path / "backup"), "--format", "xlsx", "--only", "units")
    assert (tmp_path / "backup.xlsx").is_file() and not (tmp_path / "backup").exists()
    assert "backup.xlsx" in capsys.readouterr().out
    call_command("import", str(tmp_path / "backup.xlsx"))


def test_export_command_refuses_unknown_unit_and_table(town, tmp_path):
    with pytest.raises(CommandError):
        call_command("export", str(tmp_path / "out"), "--unit", "NOPE")
    with pytest.raises(CommandError):
        call_command("export", str(tmp_path / "out"), "--only", "persons")


def test_export_refuses_a_folder_with_csv_files_it_would_not_overwrite(town, tmp_path):
    """A folder that holds a table of an earlier, larger export (or any other CSV file)
    would import stale or not at all: the export names the files and writes nothing."""
    call_command("export", str(tmp_path / "out"))
    people_before = (tmp_path / "out" / "people.csv").read_bytes()
    (tmp_path / "out" / "notes.csv").write_text("a,b\n")
    with pytest.raises(CommandError) as caught:
        call_command("export", str(tmp_path / "out"), "--only", "people")
    message = str(caught.value)
    assert "notes.csv" in message and "units.csv" in message
    assert "people.csv" not in message  # the export would overwrite that one
    assert (tmp_path / "out" / "people.csv").read_bytes() == people_before

    (tmp_path / "out" / "notes.csv").unlink()
    call_command("export", str(tmp_path / "out"))  # the same tables again: overwritten
    call_command("import", str(tmp_path / "out"))

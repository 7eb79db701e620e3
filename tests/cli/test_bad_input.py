"""Bad input to the `grassroots` commands ends in one line and a non-zero exit, never a
traceback (found by an outside check with a data set of its own)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from grassroots.deadlines.management.commands.remind import Command as Remind
from grassroots.history.models import Access
from tests.reports.data import admit


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


ACHIEVEMENT = ("report", "achievement", "--unit", "TOWN", "--from", "2024-01-01", "--to")


def test_a_report_into_a_folder_that_does_not_exist_is_refused_and_not_logged(town, tmp_path):
    target = tmp_path / "missing" / "report.csv"
    before = Access.objects.count()
    with pytest.raises(CommandError, match="Cannot write .*report.csv"):
        run(*ACHIEVEMENT, "2024-12-31", "--format", "csv", "--output", str(target))
    assert not target.exists()
    assert Access.objects.count() == before


def test_a_report_in_an_unknown_language_is_refused(town):
    with pytest.raises(CommandError, match="Unknown language xx: use one of en, vi, de"):
        run(*ACHIEVEMENT, "2024-12-31", "--language", "xx")
    assert run(*ACHIEVEMENT, "2024-12-31", "--language", "vi", "--format", "csv")


def test_the_funnel_workbook_names_destination_types_in_the_language(town, tmp_path):
    from grassroots.pipeline.models import Course, Enrollment
    from grassroots.transfers.models import Transfer

    course = Course.objects.create(
        code="C24", organizer=town.unit("W1"), title="Awareness 2024",
        start_date=dt.date(2024, 1, 10), end_date=dt.date(2024, 1, 20),
    )  # fmt: skip
    admission = admit(town.unit("W1C1"), "2024-03-01")
    Enrollment.objects.create(course=course, person=admission.person, result="completed")
    Transfer.objects.create(
        person=admission.person, kind="official", issued_on=dt.date(2024, 9, 1),
        destination="Hà Nội", destination_type="other_locality",
    )  # fmt: skip
    target = tmp_path / "funnel.xlsx"
    args = ("report", "funnel", "--course", "C24", "--until", "2024-12-31", "--format", "xlsx")
    run(*args, "--output", str(target), "--language", "en")
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[4][-1] == "other locality"
    run(*args, "--output", str(target), "--language", "vi")
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[4][-1] == "địa phương khác"
    # The CSV and JSON keep the contract's codes.
    csv_text = run(
        "report", "funnel", "--course", "C24", "--until", "2024-12-31", "--format", "csv"
    )
    assert csv_text.splitlines()[0].endswith(",transferred_out,other_locality")


def test_remind_with_a_bad_date_gives_the_usage_error_not_a_traceback(town, capsys):
    with pytest.raises(SystemExit) as exit_:
        Remind().run_from_argv(["grassroots", "remind", "--today", "2025-13-01"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --today: Write the date as YYYY-MM-DD: 2025-13-01" in err
    assert "Traceback" not in err


def test_export_onto_a_file_or_into_a_missing_folder_is_refused(town, tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    with pytest.raises(CommandError, match="Cannot write .*notes.txt"):
        run("export", str(afile))
    with pytest.raises(CommandError, match="Cannot write .*book.xlsx: No such file"):
        run("export", str(tmp_path / "missing" / "book.xlsx"))
    assert not (tmp_path / "missing").exists()


def test_unlock_refuses_what_is_not_an_address(db):
    with pytest.raises(CommandError, match="Not an IP address: 999.1.1.1"):
        run("unlock", "--address", "999.1.1.1")
    assert "Nothing to unlock" in run("unlock", "--address", "192.0.2.7")

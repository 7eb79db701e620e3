"""`grassroots calendar YEAR`: one line a day, named in the chosen language."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.workdays.models import CalendarDay


def run(*args):
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_2026_in_vietnamese_lists_the_new_year_swap():
    lines = run("2026", "--lang", "vi")
    assert lines[0] == "2026-01-01  Tết Dương lịch"
    assert lines[1].startswith("2026-01-02  ")
    assert lines[2].startswith("2026-01-10  ") and lines[2].endswith("]")
    assert "2026-02-17  Tết Nguyên Đán" in lines
    assert [line[:10] for line in lines if line.endswith("]")] == ["2026-01-10", "2026-08-22"]
    assert len(lines) == 16


@pytest.mark.django_db
def test_english_names_and_the_worked_mark():
    lines = run("2025", "--lang", "en")
    assert "2025-04-30  Liberation Day/Reunification Day" in lines
    assert "2025-04-26  Working day in exchange for 02/05/2025  [worked]" in lines
    assert "2025-05-02  Day off in exchange for 26/04/2025" in lines


@pytest.mark.django_db
def test_german_goes_through_the_catalogues(settings):
    lines = run("2024", "--lang", "de")
    assert [line[:10] for line in lines] == [line[:10] for line in run("2024", "--lang", "en")]


@pytest.mark.django_db
def test_default_language_is_the_settings_language(settings):
    settings.LANGUAGE_CODE = "vi"
    assert run("2026")[0] == "2026-01-01  Tết Dương lịch"


@pytest.mark.django_db
def test_an_administrators_marks_are_listed_with_their_note():
    CalendarDay.objects.create(day=dt.date(2026, 3, 10), is_working_day=False, note="typhoon")
    CalendarDay.objects.create(day=dt.date(2026, 3, 14), is_working_day=True, note="make-up day")
    lines = run("2026", "--lang", "en")
    assert "2026-03-10  typhoon" in lines
    assert "2026-03-14  make-up day  [worked]" in lines


def test_a_year_out_of_range_is_refused():
    with pytest.raises(CommandError):
        run("20266")

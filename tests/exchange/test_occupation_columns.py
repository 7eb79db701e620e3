"""The people file's occupation group, job title and Youth Union columns; an older file's
free-text occupation is kept as the job title, with a warning (exchange-format.md)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from grassroots.exchange.exporter import write_csv_folder
from grassroots.exchange.importer import run_import
from grassroots.people.models import Person

from .helpers import imported, problems, write

HEADER = "national_id,full_name,gender,birth_date,occupation,job_title,youth_union,unit_code\n"
OLD_HEADER = "national_id,full_name,gender,birth_date,occupation,unit_code\n"


def test_a_code_is_the_group_and_the_new_columns_are_read(town, tmp_path):
    folder = write(
        tmp_path,
        people=HEADER
        + "079300000001,Lò Văn Pá,male,2003-01-02,Farmer,Trồng cà phê,yes,HS\n"
        + "079300000002,Vi Thị Mai,female,2004-02-03,,,,HS\n",
    )
    result = imported(folder)
    assert result.warnings == []
    pa = Person.objects.get(national_id="079300000001")
    assert (pa.occupation, pa.job_title, pa.youth_union) == ("farmer", "Trồng cà phê", True)
    mai = Person.objects.get(national_id="079300000002")
    assert (mai.occupation, mai.job_title, mai.youth_union) == ("", "", False)


def test_free_text_is_kept_as_job_title_with_a_warning(town, tmp_path):
    folder = write(
        tmp_path,
        people=OLD_HEADER
        + "079300000003,Hồ Văn Nam,male,1990-01-01,Giáo viên,HS\n"
        + "079300000004,Hồ Thị Lan,female,1991-01-01,pupil,HS\n",
    )
    result = run_import(folder)
    assert result.ok, problems(result)
    assert [str(w) for w in result.warnings] == [
        "people:2: occupation: warning: Giáo viên is not an occupation code: "
        "kept as the job title, occupation set to other"
    ]
    nam = Person.objects.get(national_id="079300000003")
    assert (nam.occupation, nam.job_title) == ("other", "Giáo viên")
    assert Person.objects.get(national_id="079300000004").occupation == "pupil"
    # The same file again changes nothing (and warns again).
    again = run_import(folder)
    assert again.summary["people"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(again.warnings) == 1


def test_free_text_too_long_or_with_controls_is_an_error(town, tmp_path):
    folder = write(
        tmp_path,
        people=OLD_HEADER
        + f"079300000005,Hồ Văn Nam,male,1990-01-01,{'x' * 121},HS\n"
        + "079300000006,Hồ Văn Ba,male,1990-01-01,a\u202eb,HS\n",
    )
    found = problems(run_import(folder))
    assert found[0] == "people:2: occupation: longer than 120 characters"
    assert found[1].startswith("people:3: occupation: ")


def test_youth_union_takes_yes_or_no(town, tmp_path):
    folder = write(tmp_path, people=HEADER + "079300000007,Lò Văn Pá,male,2003-01-02,,,maybe,HS\n")
    assert problems(run_import(folder)) == ["people:2: youth_union: maybe: use yes or no"]


def test_the_command_prints_the_warning_and_succeeds(town, tmp_path, capsys):
    folder = write(
        tmp_path, people=OLD_HEADER + "079300000008,Hồ Văn Nam,male,1990-01-01,Kỹ sư,HS\n"
    )
    call_command("import", str(folder))
    captured = capsys.readouterr()
    assert "people: 1 created" in captured.out
    assert "people:2: occupation: warning: Kỹ sư is not an occupation code" in captured.out
    assert captured.err == ""


def test_the_check_page_shows_the_warning(client_for):
    upload = SimpleUploadedFile(
        "people.csv",
        (OLD_HEADER + "079300000009,Hồ Văn Nam,male,1990-01-01,Kỹ sư,HS\n").encode(),
        content_type="text/csv",
    )
    response = client_for("secretary").post(
        reverse("exchange:preview"), {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert "1 warning" in page
    assert "people:2: occupation: warning: Kỹ sư is not an occupation code" in page
    assert "Import now" in page


def test_export_writes_the_group_the_job_title_and_youth_union(town, tmp_path):
    imported(
        write(
            tmp_path / "in",
            people=OLD_HEADER + "079300000010,Hồ Văn Nam,male,1990-01-01,Kỹ sư,HS\n",
        )
    )
    Person.objects.filter(national_id="079300000010").update(youth_union=True)
    write_csv_folder(tmp_path / "out", only=["people"])
    text = (tmp_path / "out" / "people.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    assert header.split(",")[8:11] == ["occupation", "job_title", "youth_union"]
    (row,) = [r for r in rows if r.startswith("079300000010")]
    assert row.split(",")[8:11] == ["other", "Kỹ sư", "yes"]

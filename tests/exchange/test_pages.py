"""The import and export pages: each starts a background task (run at once in tests) and
sends the user to its page, which shows the check's summary, every problem, the file."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.exchange.models import Import
from grassroots.history.models import Access, Change
from grassroots.people.models import Person
from grassroots.tasks.models import TaskRun

PEOPLE = "national_id,full_name,gender,birth_date,unit_code\n"


def _upload(client, text, name="people.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("exchange:preview"), {"file": upload}, follow=True)


def _download(client, response):
    run = response.context["item"]["run"]
    return client.get(reverse("tasks:download", args=[run.pk]))


def test_index_shows_both_forms(client_for):
    response = client_for("secretary").get(reverse("exchange:index"))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert reverse("exchange:export").encode() in response.content


def test_preview_shows_the_summary_then_apply_imports(client_for, town):
    client = client_for("secretary")
    response = _upload(client, PEOPLE + "079555000001,Mai Anh,female,2005-05-05,HS\n")
    assert response.status_code == 200
    check = response.context["item"]["run"]
    assert (check.kind, check.status) == ("import_check", TaskRun.Status.DONE)
    assert check.summary["files"]["people"]["created"] == 1
    assert b"Import now" in response.content
    assert not Person.objects.filter(national_id="079555000001").exists()

    response = client.post(reverse("exchange:apply"), {"run": check.pk})
    applied = TaskRun.objects.get(kind="import_apply", owner=town.user("secretary"))
    assert response.url == reverse("tasks:detail", args=[applied.pk])
    assert applied.status == TaskRun.Status.DONE
    person = Person.objects.get(national_id="079555000001")
    change = Change.objects.get(model="people.person", object_id=str(person.pk))
    assert (change.cause, change.actor, change.action) == (
        "import",
        town.user("secretary"),
        "create",
    )
    record = Import.objects.get(actor=town.user("secretary"))
    assert change.reference == str(record.pk)
    assert applied.summary["import_id"] == record.pk
    page = client.get(response.url)
    assert f"(import {record.pk})".encode() in page.content
    # Without a checked file there is nothing to import.
    response = client.post(reverse("exchange:apply"), follow=True)
    assert b"Nothing to import" in response.content


def test_problems_are_listed_and_nothing_can_be_applied(client_for):
    client = client_for("secretary")
    response = _upload(client, PEOPLE + "079555000001,Mai Anh,girl,2005-05-05,HS\n")
    check = response.context["item"]["run"]
    assert check.status == TaskRun.Status.PROBLEMS
    assert b"people:2: gender: unknown value girl" in response.content
    assert b"Import now" not in response.content
    # Every problem is in the result file too.
    problems = b"".join(_download(client, response).streaming_content)
    assert b"people:2: gender: unknown value girl" in problems
    response = client.post(reverse("exchange:apply"), {"run": check.pk}, follow=True)
    assert b"Only a file checked without problems can be imported." in response.content
    assert not TaskRun.objects.filter(kind="import_apply").exists()
    assert not Person.objects.filter(national_id="079555000001").exists()


def test_nobody_applies_another_users_check(client_for, town):
    response = _upload(
        client_for("secretary"), PEOPLE + "079555000001,Mai Anh,female,2005-05-05,HS\n"
    )
    check = response.context["item"]["run"]
    response = client_for("org").post(reverse("exchange:apply"), {"run": check.pk})
    assert response.status_code == 404
    assert not Person.objects.filter(national_id="079555000001").exists()


def test_outsider_cannot_import_into_hs(client_for):
    client = client_for("outsider")
    response = _upload(client, PEOPLE + "079555000001,Mai Anh,female,2005-05-05,HS\n")
    assert b"people:2: unit_code: unit HS is outside your scope" in response.content
    check = response.context["item"]["run"]
    client.post(reverse("exchange:apply"), {"run": check.pk})
    assert not Person.objects.filter(national_id="079555000001").exists()


def test_secretary_cannot_change_someone_of_another_unit(client_for):
    response = _upload(
        client_for("secretary"), PEOPLE + "001090000001,Đặng Hữu Tú,male,1975-04-02,HS\n"
    )
    # Refused without saying where the person belongs (W1 is out of the secretary's sight).
    assert "people:2: national_id: Another person already has national ID 001090000001." in (
        response.content.decode()
    )
    assert b"W1" not in response.content


def test_clerk_may_not_import_targets(client_for):
    text = "unit_code,period_start,period_end,minimum\nW1,2024-01-01,2024-12-31,3\n"
    response = _upload(client_for("w1_clerk"), text, name="targets.csv")
    assert b"targets:2: unit_code: unit W1 is outside your scope" in response.content


def test_a_wrong_kind_of_file_is_refused(client_for):
    response = _upload(client_for("secretary"), "hello", name="notes.txt")
    assert response.status_code == 400
    assert b"Upload an .xlsx, .zip or .csv file." in response.content
    assert not TaskRun.objects.exists()


def test_secretary_export_contains_only_hs(client_for, town):
    client = client_for("secretary")
    response = client.post(reverse("exchange:export"), {"format": "csv"}, follow=True)
    assert response.status_code == 200
    download = _download(client, response)
    assert "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    units = archive.read("units.csv").decode().splitlines()
    # HS, and the unit above it so that the export imports on its own.
    assert [line.split(",")[0] for line in units[1:]] == ["TOWN", "HS"]
    people = archive.read("people.csv").decode()
    assert "001090000002" in people and "001090000001" not in people
    access = Access.objects.get(kind="export", actor=town.user("secretary"))
    assert access.unit == town.unit("HS")


def test_export_of_a_unit_out_of_scope_is_refused_on_its_field(client_for):
    """Out of sight or unknown, the same answer on the field (nothing says which), and the
    form keeps what was chosen: a 404 page threw the form away."""
    client = client_for("secretary")
    for code in ("W1", "NOPE"):
        response = client.post(reverse("exchange:export"), {"unit": code, "format": "csv"})
        assert response.status_code == 400
        errors = response.context["export_form"].errors
        assert list(errors) == ["unit"] and code in errors["unit"][0]
        assert response.context["export_form"]["format"].value() == "csv"
    assert not TaskRun.objects.exists()


def test_export_as_workbook(client_for):
    from openpyxl import load_workbook

    client = client_for("org")
    response = client.post(
        reverse("exchange:export"),
        {"unit": "W1", "format": "xlsx", "only": ["units"]},
        follow=True,
    )
    assert response.context["item"]["run"].summary == {"counts": {"units": 5}}
    download = _download(client, response)
    assert download["Content-Disposition"].endswith('grassroots-W1.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["units"]
    codes = [row[0] for row in workbook["units"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2"]


def test_people_without_a_unit_need_a_top_unit(client_for):
    text = "national_id,full_name,gender,birth_date\n079555000001,Mai Anh,female,2005-05-05\n"
    response = _upload(client_for("secretary"), text)
    assert b"people:2: national_id: only users of a top unit may import" in response.content
    response = _upload(client_for("org"), text)
    assert response.context["item"]["run"].status == TaskRun.Status.DONE

"""The pipeline pages: forms call the services, rule messages reach the user, scans stay private."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.pipeline import services
from grassroots.pipeline.models import Course, DossierStep, Enrollment, Source

from .walk import (
    COURSE_END,
    COURSE_START,
    STEP_DATES,
    admitted,
    mentor,
    open_dossier,
    trace_for,
    trained_person,
    walk_until,
)

pytestmark = pytest.mark.django_db


def test_nominate_through_the_page(client_for, town):
    mentor(town, "001090000003")  # an official member mentors each source
    client = client_for("secretary")
    response = client.post(
        reverse("pipeline:source_new"),
        {
            "person": "001090000002",
            "unit": "HS",
            "nominated_on": "2024-09-02",
            "category": "student",
            "mentor": "001090000003",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(person__national_id="001090000002")
    assert source.mentor.national_id == "001090000003"
    page = client.get(reverse("pipeline:sources"), {"category": "student"})
    assert "Nguyễn Thị Lan" in page.content.decode()


def test_nominating_someone_out_of_scope_names_the_field(client_for, town):
    response = client_for("secretary").post(
        reverse("pipeline:source_new"),
        {
            "person": "001090000004",
            "unit": "HS",
            "nominated_on": "2024-09-02",
            "category": "student",
        },
    )
    assert response.status_code == 200
    assert "Nobody in your units matches" in response.content.decode()


def test_course_registration_and_results(client_for, town):
    client = client_for("org")
    response = client.post(
        reverse("pipeline:course_new"),
        {
            "code": "AW-7",
            "organizer": "TOWN",
            "title": "Awareness",
            "start_date": COURSE_START,
            "end_date": COURSE_END,
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("pipeline:source_new"),
        {
            "person": "001090000002",
            "unit": "HS",
            "nominated_on": "2024-09-02",
            "category": "student",
        },
    )
    source = Source.objects.get(person__national_id="001090000002")
    page = client.get(reverse("pipeline:registration", args=["AW-7"]))
    assert "Nguyễn Thị Lan" in page.content.decode()
    client.post(reverse("pipeline:registration", args=["AW-7"]), {"source": [source.pk]})
    enrollment = Enrollment.objects.get(course__code="AW-7")
    response = client.post(
        reverse("pipeline:course_results", args=["AW-7"]),
        {
            "enrollment": enrollment.pk,
            "result": "completed",
            "certificate_no": "",
            "certificate_date": "2024-09-13",
        },
    )
    assert response.status_code == 200
    assert "certificate number" in response.content.decode()
    response = client.post(
        reverse("pipeline:course_results", args=["AW-7"]),
        {
            "enrollment": enrollment.pk,
            "result": "completed",
            "certificate_no": "GCN-1",
            "certificate_date": "2024-09-13",
        },
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.certificate_no == "GCN-1"
    assert Course.objects.get(code="AW-7").enrollments.count() == 1


def test_refused_step_shows_the_rule_and_changes_nothing(client_for, town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    client = client_for("org")
    response = client.post(
        reverse("pipeline:dossier_step", args=[dossier.pk]),
        {
            "step": "cell_vote",
            "date": STEP_DATES["cell_vote"],
            "present": 9,
            "in_favour": 5,
            "against": 4,
        },
    )
    assert response.status_code == 400
    assert "at least two thirds of the official members" in response.content.decode()
    assert DossierStep.objects.filter(dossier=dossier, step="cell_vote").count() == 0


def test_a_step_sent_to_a_closed_dossier_says_why(client_for, town):
    """A closed dossier's page has no step form: the refusal shows as a message."""
    dossier = open_dossier(town)
    services.dossier_close(trace=trace_for(town, "org"), dossier=dossier, reason="moved away")
    response = client_for("org").post(
        reverse("pipeline:dossier_step", args=[dossier.pk]),
        {"step": "application", "date": STEP_DATES["application"]},
    )
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not DossierStep.objects.filter(dossier=dossier).exists()


def test_exception_is_visible_on_the_dossier(client_for, town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    for day in (8, 9, 10):  # three failed votes: the fourth needs the superior's approval
        services.failed_cell_vote_record(
            trace=trace_for(town, "org"),
            dossier=dossier,
            date=dt.date(2024, 10, day),
            present=9,
            in_favour=5,
            against=4,
        )
    client = client_for("org")
    response = client.post(
        reverse("pipeline:dossier_step", args=[dossier.pk]),
        {
            "step": "cell_vote",
            "date": STEP_DATES["cell_vote"],
            "present": 9,
            "in_favour": 6,
            "against": 3,
            "exception_level": "superior_committee",
            "exception_document_no": "21-CV/TU",
            "exception_document_date": "2024-10-10",
            "exception_reason": "town committee agreed",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("pipeline:dossier", args=[dossier.pk])).content.decode()
    assert "Rule set aside: number of cell votes" in page  # the rule by its name
    assert "town committee agreed" in page


def test_secretary_sees_no_exception_field(client_for, town):
    dossier = open_dossier(town, national_id="001090000002", unit="HS")
    page = client_for("secretary").get(reverse("pipeline:dossier", args=[dossier.pk]))
    assert 'name="exception_reason"' not in page.content.decode()
    assert 'name="date"' in page.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_scan_is_served_only_in_scope(client_for, town, media):
    dossier = open_dossier(town)
    client = client_for("org")
    scan = SimpleUploadedFile("application.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        reverse("pipeline:dossier_step", args=[dossier.pk]),
        {
            "step": "application",
            "date": STEP_DATES["application"],
            "attachment": scan,
        },
    )
    assert response.status_code == 302
    step = DossierStep.objects.get(dossier=dossier)
    url = reverse("pipeline:attachment", args=[step.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Cache-Control"] == "private, no-store"
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("w1_viewer").get(url).status_code == 200
    assert client.get(f"/media/{step.attachment.name}").status_code == 404


def test_scan_of_the_wrong_type_is_refused(client_for, town, media):
    dossier = open_dossier(town)
    scan = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client_for("org").post(
        reverse("pipeline:dossier_step", args=[dossier.pk]),
        {
            "step": "application",
            "date": STEP_DATES["application"],
            "attachment": scan,
        },
    )
    assert response.status_code == 400
    assert not DossierStep.objects.filter(dossier=dossier).exists()


def test_confirmation_page(client_for, town):
    admission = admitted(town).admission
    client = client_for("org")
    response = client.post(
        reverse("pipeline:confirm", args=[admission.pk]),
        {
            "cell_vote_date": "2025-11-25",
            "present": 8,
            "in_favour": 7,
            "against": 1,
            "decided_on": "2025-12-01",
            "outcome": "confirmed",
            "decision_no": "50-QĐ/TU",
        },
    )
    assert response.status_code == 302
    members = client.get(reverse("pipeline:members"), {"status": "official"}).content.decode()
    assert "Trần Thị Bích" in members


def test_person_page_shows_the_pipeline(client_for, town):
    dossier = admitted(town)
    page = client_for("w1_viewer").get(reverse("people:detail", args=["001090000004"]))
    content = page.content.decode()
    assert "Admission pipeline" in content
    assert "admission ceremony" in content
    assert reverse("pipeline:dossier", args=[dossier.pk]) in content


def test_lists_do_not_query_per_row(client_for, town, django_assert_max_num_queries):
    for national_id, unit in [("001090000004", "W1C1"), ("001090000002", "HS")]:
        dossier = open_dossier(
            town, national_id=national_id, unit=unit, course=f"AW-{national_id[-1]}"
        )
        walk_until(town, dossier, stop="admission_decision")
    trained_person(town, national_id="001090000006", unit="W2C1", course="AW-X")
    client = client_for("org")
    # A fixed number per page, whatever the rows: the status counts and the access log
    # (one INSERT for every person shown) included.
    for name in ("pipeline:dossiers", "pipeline:sources", "pipeline:courses", "pipeline:members"):
        with django_assert_max_num_queries(11):
            assert client.get(reverse(name)).status_code == 200


def test_dossier_list_shows_next_time_limit(client_for, town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="admission_decision")
    page = client_for("org").get(reverse("pipeline:dossiers")).content.decode()
    assert "admission decision" in page
    assert "committee resolution" in page


def test_dossier_open_page(client_for, town):
    trained_person(town)
    response = client_for("w1_clerk").post(
        reverse("pipeline:dossier_new"),
        {
            "person": "001090000004",
            "unit": "W1C1",
            "opened_on": dt.date(2024, 9, 16),
        },
    )
    assert response.status_code == 302

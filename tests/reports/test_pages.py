"""The report pages and their exports."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from grassroots.history.models import Access
from grassroots.plans.models import Finding
from tests.reports.data import admit, target

PERIOD = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def facts(town):
    admit(
        town.unit("W1C1"),
        "2024-02-10",
        gender="female",
        education="university",
        birth_date=dt.date(2000, 1, 1),
    )
    admit(town.unit("W1C1"), "2024-03-10", religion="Buddhism", birth_date=dt.date(1980, 6, 1))
    admit(town.unit("W1C2"), "2024-03-11", ethnic_minority=True, occupation="teacher")
    admit(town.unit("W2C1"), "2024-04-01")
    target(town.unit("W1"), "2024-01-01", "2024-12-31", 10, 12)
    target(town.unit("W1"), "2020-01-01", "2025-12-31", 40)
    target(town.unit("W1C1"), "2024-01-01", "2024-12-31", 1)
    target(town.unit("W1C2"), "2024-01-01", "2024-12-31", 5)
    Finding.objects.create(
        unit=town.unit("W1C2"), by_unit=town.unit("W1"), date=dt.date(2024, 6, 1),
        kind="shortcoming", findings="No mentor assigned to two sources.",
        follow_up_due=dt.date(2024, 8, 1),
    )  # fmt: skip


def test_achievement_page_highlights_units_behind_and_ranks(
    client_for, facts, django_assert_max_num_queries
):
    client = client_for("w1_viewer")
    client.get(reverse("reports:index"))  # the session and user queries, once
    # A fixed number, however many units stand below (the children are counted together).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("reports:achievement"), {"unit": "W1", **PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="behind"' in html  # W1C2: 1 of 5
    ranking = html.split("Ranking by achievement")[1]
    assert ranking.index("Residential area 1") < ranking.index("Residential area 2")


def test_achievement_page_sorts_rows(client_for, facts):
    response = client_for("admin").get(
        reverse("reports:achievement"), {"unit": "TOWN", "sort": "-admitted", **PERIOD}
    )
    body = response.content.decode().split("<tbody>")[1]
    assert body.index(">W1<") < body.index(">W2<") < body.index(">HS<")


def test_bad_dates_are_explained(client_for, town):
    response = client_for("admin").get(
        reverse("reports:achievement"), {"unit": "W1", "from": "2024-02-30"}
    )
    assert response.status_code == 400
    assert "From: 2024-02-30 is not a date" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "language", "named"),
    [("to", "en", "To: "), ("restate_on", "en", "Restated on: "), ("from", "de", "Von: ")],
)
def test_a_bad_date_names_its_field(client_for, town, field, language, named):
    response = client_for("admin").get(
        reverse("reports:achievement"),
        {"unit": "W1", field: "2024-13-01"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert named + "2024-13-01" in response.content.decode()


def test_the_funnels_bad_date_names_its_field(client_for, town):
    response = client_for("admin").get(
        reverse("reports:funnel"), {"course": "X", "until": "2024-13-01"}
    )
    assert response.status_code == 400
    assert "Until: 2024-13-01" in response.content.decode()


def test_outsider_gets_404_for_another_ward(client_for, facts):
    client = client_for("outsider")
    assert client.get(reverse("reports:achievement"), {"unit": "W1"}).status_code == 404
    assert client.get(reverse("reports:dashboard", args=["TOWN"])).status_code == 404
    assert client.get(reverse("reports:achievement"), {"unit": "W2"}).status_code == 200


def test_dashboard_shows_progress_charts_and_findings(
    client_for, facts, django_assert_max_num_queries
):
    client = client_for("w1_clerk")
    with django_assert_max_num_queries(40):
        response = client.get(reverse("reports:dashboard", args=["W1"]), PERIOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 5
    assert "No mentor assigned" in html
    assert "3 admitted of 10 planned" in html
    assert "2020–2025: 3 admitted of 40 planned" in html


def test_composition_page(client_for, facts):
    response = client_for("admin").get(reverse("reports:composition"), {"unit": "W1", **PERIOD})
    html = response.content.decode()
    assert "3 admissions in the period" in html
    assert "teacher" in html and "Buddhism" in html


def test_excel_export_has_filters_and_rows_and_is_logged(client_for, facts):
    from openpyxl import load_workbook

    response = client_for("admin").get(
        reverse("reports:achievement_xlsx"), {"unit": "W1", **PERIOD}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Ward 1 (W1)" in values and "2024-01-01" in values and "2024-12-31" in values
    assert "W1C2" in values and 30.0 in values  # W1: 3 of 10
    assert Access.objects.filter(kind="export", what__contains="(xlsx)").exists()


def test_pdf_export_is_in_the_chosen_language_and_names_the_unit(client_for, facts):
    import pypdfium2

    client = client_for("admin")
    response = client.get(reverse("reports:achievement_pdf"), {"unit": "W1", **PERIOD})
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = pdf[0].get_textpage().get_text_range()
    assert "Ward 1" in text and "Residential area 2" in text
    assert Access.objects.filter(kind="export", what__contains="(pdf)").exists()


def test_funnel_page(client_for, town):
    from grassroots.pipeline.models import Course, Enrollment

    course = Course.objects.create(
        code="F1", organizer=town.unit("HS"), title="Pupils 2024",
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 1, 5),
    )  # fmt: skip
    a = admit(town.unit("HS"), "2024-05-05")
    Enrollment.objects.create(course=course, person=a.person, result="completed")
    client = client_for("secretary")
    response = client.get(reverse("reports:funnel"), {"course": "F1", "until": "2024-12-31"})
    assert response.status_code == 200 and "Pupils 2024" in response.content.decode()
    assert (
        client_for("outsider").get(reverse("reports:funnel"), {"course": "F1"}).status_code == 404
    )


def test_dashboard_pdf_has_the_numbers_and_findings(client_for, facts):
    import pypdfium2

    response = client_for("org").get(reverse("reports:dashboard_pdf", args=["W1"]), PERIOD)
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Ward 1" in text and "No mentor assigned" in text
    assert Access.objects.filter(kind="export", what__startswith="dashboard W1").exists()

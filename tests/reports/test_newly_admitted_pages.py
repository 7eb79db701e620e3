"""The statistical form's page and its Excel and PDF downloads."""

import io

from django.urls import reverse

from grassroots.history.models import Access
from tests.reports.data import admit

YEAR = {"unit": "W1", "from": "2024-01-01", "to": "2024-12-31"}


def test_the_page_shows_every_row_for_both_periods(town, client_for):
    admit(town.unit("W1C1"), "2024-04-01", occupation="farmer", youth_union=True)
    admit(town.unit("W1C2"), "2023-04-01", occupation="worker")
    response = client_for("w1_clerk").get(reverse("reports:newly_admitted"), YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-indicator="units_without_sources"' in page
    assert "Youth Union members" in page
    assert "Same period last year" in page
    rows = {line[4]["indicator"]: line[4] for line in response.context["lines"] if line[0] == "row"}
    assert (rows["total"]["this_period"], rows["total"]["same_period_last_year"]) == (1, 1)
    assert rows["occupation.farmer"]["this_period"] == 1
    assert rows["occupation.worker"]["same_period_last_year"] == 1


def test_it_checks_ownership(client_for):
    response = client_for("outsider").get(reverse("reports:newly_admitted"), YEAR)
    assert response.status_code == 404


def test_a_reversed_period_is_refused(client_for):
    query = {**YEAR, "from": "2024-12-31", "to": "2024-01-01"}
    response = client_for("w1_clerk").get(reverse("reports:newly_admitted"), query)
    assert response.status_code == 400


def test_excel_has_the_forms_vietnamese_headings(town, client_for):
    from openpyxl import load_workbook

    admit(town.unit("W1C1"), "2024-04-01")
    response = client_for("w1_clerk").get(reverse("reports:newly_admitted_xlsx"), YEAR)
    assert response.status_code == 200
    assert (
        'filename="newly-admitted-W1-2024-01-01-2024-12-31.xlsx"' in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert {"Biểu số 2", "Kỳ này", "Cùng kỳ năm trước", "Tăng, giảm (%)"} <= set(texts)
    assert "Newly admitted members" in texts  # the translated label beside the form's own
    assert Access.objects.filter(what__startswith="newly admitted form W1").exists()


def test_pdf_is_a_pdf(town, client_for):
    response = client_for("w1_clerk").get(
        reverse("reports:newly_admitted_pdf"), {**YEAR, "restate_on": "2025-01-01"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_in_vietnamese_the_page_uses_the_forms_own_names(town, client_for):
    client = client_for("w1_clerk")
    client.cookies["django_language"] = "vi"
    page = client.get(reverse("reports:newly_admitted"), YEAR).content.decode()
    assert "Tổng số đảng viên mới kết nạp" in page
    assert "Chia theo nghề nghiệp" in page

"""The dashboard in a real browser: change the period, download Excel and PDF."""

import pytest


@pytest.fixture
def facts(live_url):
    from tests.reports.data import admit, target
    from tests.town import load_town

    town = load_town()
    admit(town.unit("W1C1"), "2024-03-05", gender="female")
    admit(town.unit("W1C2"), "2024-09-09")
    admit(town.unit("W1C1"), "2025-02-02")
    target(town.unit("W1"), "2024-01-01", "2024-12-31", 4)
    target(town.unit("W1"), "2025-01-01", "2025-12-31", 5)
    return town


@pytest.mark.django_db(transaction=True)
def test_dashboard_period_and_exports(page, login, facts, screenshot, tmp_path):
    import pypdfium2
    from openpyxl import load_workbook

    login("org")
    page.goto("/reports/dashboard/W1/?from=2024-01-01&to=2024-12-31")
    assert "Ward 1" in page.locator("h1").inner_text()
    assert "2 admitted of 4 planned" in page.content()
    assert page.locator("svg.chart").count() >= 5
    screenshot("dashboard-2024")

    page.fill("form.filters input[name=from]", "2025-01-01")
    page.fill("form.filters input[name=to]", "2025-12-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "01/01/2025 – 31/12/2025" in page.locator("#period").inner_text()
    assert "1 admitted of 5 planned" in page.content()

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    xlsx = tmp_path / "report.xlsx"
    download_info.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Ward 1 (W1)" in values and "2025-01-01" in values and 20.0 in values

    with page.expect_download() as download_info:
        page.click("#export-pdf")
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    first = pdf[0]
    text = first.get_textpage().get_text_range()
    assert "Ward 1" in text and "31/12/2025" in text
    image = first.render(scale=1.5).to_pil()
    image.save(tmp_path / "report.png")
    # The page really drew something: not a blank sheet.
    assert image.convert("L").getextrema()[0] < 128
    assert "Issued on" in text

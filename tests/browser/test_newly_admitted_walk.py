"""The statistical form of newly admitted members in a real browser: open it, filter
another unit and period, download the Excel file."""

import pytest


@pytest.fixture
def facts(live_url):
    from tests.reports.data import admit
    from tests.town import load_town

    town = load_town()
    admit(town.unit("W1C1"), "2024-03-05", gender="female")
    admit(town.unit("W1C2"), "2024-09-09")
    admit(town.unit("HS"), "2024-10-10")
    admit(town.unit("W1C1"), "2023-04-04")
    return town


@pytest.mark.django_db(transaction=True)
def test_newly_admitted_open_filter_and_download(page, login, facts, screenshot, tmp_path):
    from openpyxl import load_workbook

    login("org")
    page.goto("/reports/newly-admitted/?unit=TOWN&from=2024-01-01&to=2024-12-31")
    total = page.locator("tr[data-indicator=total] td.num")
    assert total.nth(0).inner_text() == "3" and total.nth(1).inner_text() == "1"
    page.fill("form.filters input[name=unit]", "W1")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "Ward 1" in page.locator("h1").inner_text()
    assert total.nth(0).inner_text() == "2"
    screenshot("newly-admitted-w1")

    with page.expect_download() as download_info:
        page.click("a[href*='newly-admitted.xlsx']")
    path = tmp_path / "form.xlsx"
    download_info.value.save_as(path)
    values = [v for row in load_workbook(path).active.iter_rows(values_only=True) for v in row if v]
    assert any("Ward 1" in str(v) for v in values)

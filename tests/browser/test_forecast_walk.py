"""The forecast in a real browser: the band on a ward's dashboard, the committee's list of
units at risk, a finding recorded from it with a follow-up date, which then waits in the
work list."""

import datetime as dt

import pytest

from tests.browser.axe import axe_violations


@pytest.fixture
def town(live_url):
    from django.utils import timezone

    from tests.plans.test_forecast_units import build
    from tests.town import load_town

    town = load_town()
    build(town, as_of=timezone.localdate())
    return town


@pytest.mark.django_db(transaction=True)
def test_forecast_band_at_risk_list_and_a_finding_to_follow_up(page, login, town, screenshot):
    from django.utils import timezone

    from grassroots.plans.models import Finding

    login("org")
    page.goto("/reports/dashboard/W1/")
    forecast = page.locator("#forecast")
    assert "Chance of reaching 3" in forecast.inner_text()
    assert page.locator("svg.chart g.forecast-band").count() >= 1
    assert not axe_violations(page)
    screenshot("forecast-dashboard")

    page.goto("/reports/dashboard/TOWN/")
    page.click("#units-at-risk")
    page.wait_for_load_state()
    assert "Units at risk" in page.locator("h1").inner_text()
    rows = page.locator("#at-risk tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-unit") == "W2"
    page.check("input[name=all]")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert [r.get_attribute("data-unit") for r in rows.all()] == ["W2", "W1"]
    page.select_option("select[name=sort]", "-probability")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert [r.get_attribute("data-unit") for r in rows.all()] == ["W1", "W2"]
    screenshot("forecast-at-risk")
    assert not axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("tr[data-unit=W2] a.record-finding")
    page.wait_for_load_state()
    assert page.locator("input[name=unit]").input_value() == "W2"
    today = timezone.localdate()
    due = today + dt.timedelta(days=7)
    page.fill("input[name=date]", today.isoformat())
    page.select_option("select[name=kind]", "shortcoming")
    page.fill("textarea[name=findings]", "No dossier open; the plan of 3 is out of reach.")
    page.fill("input[name=follow_up_due]", due.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Finding recorded." in page.content()
    assert Finding.objects.get().follow_up_due == due

    page.goto("/deadlines/")
    assert "Follow up the finding of" in page.content()
    page.click("text=Follow up the finding of")
    page.wait_for_load_state()
    assert "No dossier open" in page.content()

"""GET /api/v1/forecasts: the committee's units at risk, in the caller's scope."""

from tests.plans.test_forecast_units import today_data


def test_api_lists_forecasts_and_hides_other_units(api_for, town):
    today_data(town)
    body = api_for("org").get("/api/v1/forecasts", {"unit": "TOWN"}).json()
    assert [row["unit"] for row in body] == ["W2", "W1"]
    assert body[0]["at_risk"] and body[0]["probability"] == 0
    only = api_for("org").get("/api/v1/forecasts", {"unit": "TOWN", "at_risk": "true"})
    assert [row["unit"] for row in only.json()] == ["W2"]
    assert api_for("outsider").get("/api/v1/forecasts", {"unit": "W1"}).status_code == 404

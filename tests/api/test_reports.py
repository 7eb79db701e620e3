"""GET /api/v1/reports/newly-admitted: the statistical form, in the caller's scope."""

import datetime as dt

from grassroots.reports.selectors import SYSTEM
from grassroots.reports.statform import newly_admitted
from tests.reports.data import admit
from tests.reports.statform_oracle import INDICATORS

URL = "/api/v1/reports/newly-admitted"
YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


def test_it_returns_the_rows_of_the_form(town, api_for):
    admit(town.unit("HS"), "2024-03-10", gender="female", birth_date=dt.date(2005, 1, 1))
    admit(town.unit("HS"), "2023-03-10", birth_date=dt.date(1990, 7, 7))
    response = api_for("secretary").get(URL, {"unit": "HS", **YEAR})
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["indicator"] for r in rows] == INDICATORS
    assert rows[0] == {
        "indicator": "total",
        "label": "Newly admitted members",
        "this_period": 1,
        "same_period_last_year": 1,
        "change_pct": 0.0,
    }
    average = next(r for r in rows if r["indicator"] == "age.average")
    assert (average["this_period"], average["same_period_last_year"]) == (19.0, 32.0)
    expected = newly_admitted(
        SYSTEM, unit=town.unit("HS"), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)
    )
    assert [r["this_period"] for r in rows] == [
        None if r["this_period"] is None else float(r["this_period"]) for r in expected
    ]


def test_it_restates_on_a_day(town, api_for):
    response = api_for("org").get(URL, {"unit": "TOWN", **YEAR, "restate_on": "2025-01-01"})
    assert response.status_code == 200


def test_it_checks_scope(api_for):
    response = api_for("outsider").get(URL, {"unit": "HS", **YEAR})
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["query", "unit"]


def test_it_refuses_a_reversed_period(api_for):
    # Schema-valid dates that the calendar refuses: a rule, 409, as for every other record.
    response = api_for("secretary").get(
        URL, {"unit": "HS", "from": "2024-12-31", "to": "2024-01-01"}
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["query", "to"]


def test_it_needs_the_period(api_for):
    response = api_for("secretary").get(URL, {"unit": "HS"})
    assert response.status_code == 422

"""Report dates outside the years that make sense get a clear message, not a server error
(issue 15: a report for the year 9999 gave `year 10000 is out of range`)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grassroots.reports import periods

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31", "0001-01-01", "1899-12-31"]


@pytest.mark.parametrize("value", FAR)
@pytest.mark.parametrize(
    ("name", "args", "param"),
    [
        ("reports:achievement", [], "to"),
        ("reports:achievement", [], "from"),
        ("reports:achievement_xlsx", [], "to"),
        ("reports:achievement_pdf", [], "to"),
        ("reports:composition", [], "to"),
        ("reports:dashboard", ["TOWN"], "to"),
        ("reports:dashboard_pdf", ["TOWN"], "to"),
        ("reports:funnel", [], "until"),
    ],
)
def test_a_year_outside_the_range_is_refused_with_a_message(client_for, name, args, param, value):
    query = {param: value}
    if param == "from":
        query["to"] = "2024-12-31"
    response = client_for("org").get(reverse(name, args=args), query)
    assert response.status_code == 400
    message = f"Reports cover the years 1900 to {periods.last_year()}"
    assert message in response.content.decode()


def test_the_command_refuses_the_same_dates(town):
    with pytest.raises(CommandError, match="Reports cover the years 1900"):
        call_command(
            "report", "achievement", "--unit", "TOWN", "--from", "2024-01-01", "--to", "9999-12-31"
        )


def test_dates_within_the_range_still_work(client_for):
    response = client_for("org").get(
        reverse("reports:achievement"), {"from": "1990-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == 200

"""Every chart of the dashboard has a text alternative: its figures as a table."""

import re

import pytest

from tests.reports.data import admit, target


@pytest.mark.django_db
def test_dashboard_charts_come_with_their_figures(client_for, town):
    admit(town.unit("W1C1"), "2024-03-05")
    admit(town.unit("W1C2"), "2024-03-20")
    admit(town.unit("W1C1"), "2024-09-09")
    target(town.unit("W1"), "2024-01-01", "2024-12-31", 4)
    html = client_for("org").get("/reports/dashboard/W1/?from=2024-01-01&to=2024-12-31").content
    html = html.decode()
    months = re.search(r'<table class="table" id="months-table">.*?</table>', html, re.S).group()
    assert re.search(r"<td>March 2024</td><td class=\"num\">2</td>", months)
    assert re.search(r"<td>September 2024</td><td class=\"num\">1</td>", months)
    funnel = re.search(r'<table class="table" id="funnel-table">.*?</table>', html, re.S).group()
    assert funnel.count("<tr>") == 6  # the header and the five stages
    # Each chart is an image with a name; its table follows it.
    assert html.count('role="img" aria-label=') >= 3

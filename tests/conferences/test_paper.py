"""The paper's figures are the achievement report's: the cluster's row equals the row
of `report achievement --by cluster`, each unit's row the first row of its own report,
in every language; and the paper is a PDF."""

import datetime as dt

import pytest

from grassroots.conferences import paper
from grassroots.history.services import Trace
from grassroots.org import services as org_services
from grassroots.org.models import Cluster
from grassroots.reports import selectors as reports
from tests.reports.data import admit, target

FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 6, 30)


@pytest.fixture
def admissions(town):
    # W1 belongs to another cluster: the Gò Nổi units below the town are W2 and HS.
    trace = Trace.system("test")
    river = org_services.cluster_get_or_create(trace=trace, name="Ven sông")
    org_services.unit_update(trace=trace, unit=town.unit("W1"), cluster=river)
    for code, day, gender in [
        ("W1C1", "2024-02-03", "female"),
        ("W1C1", "2024-03-15", "male"),
        ("W2C1", "2024-01-31", "female"),
        ("W2C1", "2024-05-02", "female"),
        ("W2", "2024-06-30", "male"),
        ("HS", "2024-04-01", "male"),
        ("HS", "2023-04-01", "male"),  # the same period a year earlier
        ("W2C1", "2024-07-01", "male"),  # after the period
    ]:
        admit(town.unit(code), day, gender=gender)
    target(town.unit("W2"), "2024-01-01", "2024-12-31", 10)
    target(town.unit("HS"), "2024-01-01", "2024-06-30", 1)
    return town


@pytest.mark.parametrize("language", ["vi", "en", "de"])
def test_the_papers_figures_equal_the_achievement_report_by_cluster(admissions, language):
    town = admissions
    user = town.user("org")
    cluster = Cluster.objects.get(name="Gò Nổi")
    data = paper.paper_data(
        user,
        committee=town.unit("TOWN"),
        cluster=cluster,
        date_from=FROM,
        date_to=TO,
        language=language,
        today=dt.date(2024, 7, 10),
    )
    report = reports.achievement(
        user,
        unit=town.unit("TOWN"),
        date_from=FROM,
        date_to=TO,
        by="cluster",
        language=language,
    )
    [cluster_row] = [row for row in report[1:] if row["unit_name"] == "Gò Nổi"]
    assert data["total"] == cluster_row
    assert data["total"]["admitted"] == 4
    by_children = {
        row["unit_code"]: row
        for row in reports.achievement(
            user, unit=town.unit("TOWN"), date_from=FROM, date_to=TO, language=language
        )
    }
    assert sorted(row["unit_code"] for row in data["rows"]) == ["HS", "W2"]
    for row in data["rows"]:
        assert row == by_children[row["unit_code"]]
    # What the template prints: the cluster's row first, then the units'.
    assert data["table"][0] == [cluster_row[c] for c in reports.ACHIEVEMENT_COLUMNS]
    # The summed form counts the same admissions.
    form = {row["indicator"]: row for row in data["form"]}
    assert form["total"]["this_period"] == 4
    assert form["total"]["same_period_last_year"] == 1
    assert form["female"]["this_period"] == 2
    # W2 (3 of 10 by the middle of the year) is behind; HS (1 of 1) is not.
    assert [row["unit_code"] for row in data["behind"]] == ["W2"]
    assert dict((name, n) for name, n, _rate in data["stages"])  # the funnel is there


def test_the_paper_is_a_pdf_in_each_language(admissions):
    town = admissions
    for language in ("vi", "en", "de"):
        content = paper.paper_pdf(
            town.user("org"),
            committee=town.unit("TOWN"),
            cluster=Cluster.objects.get(name="Gò Nổi"),
            date_from=FROM,
            date_to=TO,
            language=language,
        )
        assert content.startswith(b"%PDF")


def test_the_paper_of_another_units_committee_is_out_of_sight(admissions):
    from django.http import Http404

    with pytest.raises(Http404):
        paper.paper_data(
            admissions.user("outsider"),
            committee=admissions.unit("TOWN"),
            cluster=Cluster.objects.get(name="Gò Nổi"),
            date_from=FROM,
            date_to=TO,
        )

"""The forecast read from the database: the pipeline as it stood on a day, the committee's
list of units at risk (page and API, each refusing another unit's user), and findings'
follow-ups in the work list.

W1 (in W1C1) opened 10 dossiers on 10 January 2023: 8 were admitted 100 days later, 2 are
still open. In 2025 it admitted 2 people without a dossier and, on 1 June 2025, opened 3
dossiers. W2 has nothing. Both have a target of 3 for 2025. The pages, which forecast on
today, see the same story moved to end on today.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.deadlines.selectors import work_list
from grassroots.history.services import Trace
from grassroots.pipeline.models import Dossier
from grassroots.plans import forecasting, services
from grassroots.plans.models import Finding, StoredForecast, Target
from tests.plans.allocation_data import admit
from tests.reports.data import person

D = dt.date
AS_OF = D(2025, 7, 1)


def _dossier(unit, opened, status=Dossier.Status.OPEN):
    return Dossier.objects.create(person=person(), unit=unit, opened_on=opened, status=status)


def build(town, as_of=AS_OF):
    shift = dt.timedelta(days=(as_of - AS_OF).days)
    w1c1 = town.unit("W1C1")
    for index in range(10):
        dossier = _dossier(w1c1, D(2023, 1, 10) + shift)
        if index < 8:
            dossier.status = Dossier.Status.ADMITTED
            dossier.save()
            admit(dossier.person, w1c1, (D(2023, 4, 20) + shift).isoformat())
    admit(person(), w1c1, (D(2025, 3, 3) + shift).isoformat())
    admit(person(), w1c1, (D(2025, 5, 5) + shift).isoformat())
    for _ in range(3):
        _dossier(w1c1, D(2025, 6, 1) + shift)
    for code in ("W1", "W2"):
        Target.objects.create(
            unit=town.unit(code),
            period_start=as_of - dt.timedelta(days=181),
            period_end=as_of + dt.timedelta(days=183),
            minimum=3,
        )


def test_forecast_reads_the_pipeline_as_it_stood(town):
    build(town)
    rows = forecasting.units_at_risk(town.user("org"), town.unit("TOWN"), AS_OF, everyone=True)
    by_code = {row.unit.code: row for row in rows}
    assert list(by_code) == ["W2", "W1"]  # at risk first
    w1, w2 = by_code["W1"], by_code["W2"]
    # The `opened` stage in the town: of the 10 still waiting after 100 days (the 3 of June
    # are censored at 30), 8 admitted: S(100) = 0.2. W1's 8 admissions are what the town's
    # hazard expects of its 13 dossiers (8 × 0.8 + 2 × 0.8 + 3 × 0): its ratio is 1.
    # The stale 2023 dossiers have waited longer than anyone admitted: no chance left. The 3
    # new ones have 213 days ahead, past the 100 every admission took: 1 − 0.2 each.
    # New entries: in the same half-year of 2024 and of 2023 nobody entered and was admitted
    # within it, so none are expected now.
    assert w1.outcome.admitted == 2 and w1.pipeline == 5
    assert w1.pace == 0
    assert w1.outcome.expected == pytest.approx(2 + 3 * 0.8)
    assert w1.probability == pytest.approx(1 - 0.2**3)
    assert w1.probability > 0.9 and not w1.behind and not w1.at_risk
    assert w2.outcome.expected == 0 and w2.probability == 0
    assert w2.behind and w2.at_risk
    # W1's own subtree includes W1C1; TOWN's children only.
    assert forecasting.units_at_risk(town.user("org"), town.unit("TOWN"), AS_OF) == [w2]


def test_new_entries_are_expected_as_in_the_same_months_before(town):
    # W2C1: 2 dossiers opened on 1 September 2022 and admitted on 1 December, 2 opened on
    # 1 September 2023 and admitted on 15 November, 4 opened on 1 August 2024 and admitted
    # on 1 November. Forecast on 1 July 2025 for the rest of the year.
    cell = town.unit("W2C1")
    for count, opened, decided in (
        (2, D(2022, 9, 1), "2022-12-01"),
        (2, D(2023, 9, 1), "2023-11-15"),
        (4, D(2024, 8, 1), "2024-11-01"),
    ):
        for _ in range(count):
            dossier = _dossier(cell, opened, status=Dossier.Status.ADMITTED)
            admit(dossier.person, cell, decided)
    facts = forecasting.read_facts(AS_OF)
    [result] = forecasting.forecast_periods(
        facts, [(cell, D(2025, 1, 1), D(2025, 12, 31), 1, None)]
    )
    # The same window a year before brought 4 entries admitted within it, two years before
    # 2; the two years before each window held 4 and 2 entries: κ = (4 + 2) / (6 / 730) =
    # 730 days. W2C1 had 6 entries in the last 730 days: μ = 6 / 730 × κ = 6.
    assert result.pipeline == 0 and result.pace == pytest.approx(6)


def test_facts_after_the_day_are_not_known(town):
    build(town)
    before = forecasting.units_at_risk(town.user("org"), town.unit("TOWN"), AS_OF, everyone=True)
    admit(person(), town.unit("W1C1"), "2025-07-02")
    _dossier(town.unit("W1C1"), D(2025, 7, 2))
    after = forecasting.units_at_risk(town.user("org"), town.unit("TOWN"), AS_OF, everyone=True)
    assert [r.outcome.expected for r in before] == [r.outcome.expected for r in after]


def today_data(town):
    build(town, as_of=timezone.localdate())


def test_at_risk_page_lists_the_units_and_links_their_findings(client_for, town):
    today_data(town)
    html = client_for("org").get(reverse("plans:at_risk"), {"unit": "TOWN"}).content.decode()
    assert 'data-unit="W2"' in html and 'data-unit="W1"' not in html
    assert f"{reverse('plans:finding_new')}?unit=W2" in html
    html = client_for("org").get(reverse("plans:at_risk"), {"unit": "TOWN", "all": "1"})
    assert 'data-unit="W1"' in html.content.decode()


def test_at_risk_page_of_another_unit_is_not_found(client_for, town):
    today_data(town)
    response = client_for("outsider").get(reverse("plans:at_risk"), {"unit": "W1"})
    assert response.status_code == 404


def test_a_findings_follow_up_enters_the_work_list(town):
    today = timezone.localdate()
    services.finding_record(
        trace=Trace(user=town.user("org")),
        unit=town.unit("W2"),
        date=today,
        kind=Finding.Kind.SHORTCOMING,
        findings="Behind plan: no dossier open.",
        follow_up_due=today + dt.timedelta(days=10),
    )
    items = [i for i in work_list(town.user("org"), today) if i["kind"] == "finding"]
    assert len(items) == 1 and items[0]["unit"].code == "W2"
    assert [i for i in work_list(town.user("outsider"), today) if i["kind"] == "finding"]
    assert not [i for i in work_list(town.user("secretary"), today) if i["kind"] == "finding"]


def test_the_organisation_is_two_levels_up_or_the_root(town):
    assert forecasting.organisation_path(town.unit("W1C1G1")) == town.unit("W1").path
    assert forecasting.organisation_path(town.unit("W1C1")) == town.unit("TOWN").path
    assert forecasting.organisation_path(town.unit("TOWN")) == town.unit("TOWN").path


def test_at_risk_page_reads_the_same_number_of_queries_for_more_units(
    client_for, town, django_assert_max_num_queries
):
    today_data(town)
    client = client_for("org")
    url = reverse("plans:at_risk")
    client.get(url, {"unit": "TOWN", "all": "1"})
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"unit": "TOWN", "all": "1"})
    today = timezone.localdate()
    Target.objects.create(
        unit=town.unit("HS"),
        period_start=today - dt.timedelta(days=10),
        period_end=today + dt.timedelta(days=10),
        minimum=1,
    )
    for code in ("HS", "W2C1", "W1C2"):
        _dossier(town.unit(code), today - dt.timedelta(days=5))
    with django_assert_max_num_queries(len(before)):
        html = client.get(url, {"unit": "TOWN", "all": "1"}).content.decode()
    assert 'data-unit="HS"' in html


def test_a_graduate_without_a_unit_counts_nowhere(town):
    from grassroots.pipeline.models import Course, Enrollment

    course = Course.objects.create(
        code="C-1",
        organizer=town.unit("TOWN"),
        title="Awareness",
        start_date=D(2025, 3, 1),
        end_date=D(2025, 3, 5),
    )
    Enrollment.objects.create(course=course, person=person(unit=None), result="completed")
    Enrollment.objects.create(
        course=course, person=person(unit=town.unit("W2C1")), result="completed"
    )
    facts = forecasting.read_facts(AS_OF)
    assert [(c.path, c.stage) for c in facts.candidates] == [
        (town.unit("W2C1").path, forecasting.GRADUATE)
    ]


def test_the_nightly_job_stores_what_a_page_would_show(town):
    build(town)
    org, committee = town.user("org"), town.unit("TOWN")
    live = forecasting.units_at_risk(org, committee, AS_OF, everyone=True)
    assert all(row.made_on is None for row in live)
    assert services.record_forecasts(AS_OF) == 2
    stored = forecasting.units_at_risk(org, committee, AS_OF, everyone=True)
    assert [(r.unit.code, r.made_on) for r in stored] == [("W2", AS_OF), ("W1", AS_OF)]
    for before, after in zip(live, stored, strict=True):
        assert after.outcome.expected == pytest.approx(before.outcome.expected)
        assert after.probability == pytest.approx(before.probability)
        assert (after.outcome.low, after.outcome.high) == (before.outcome.low, before.outcome.high)
        assert (after.pipeline, after.behind, after.at_risk) == (
            before.pipeline,
            before.behind,
            before.at_risk,
        )
    # Run again the same day: replaced, not doubled; a week later the old rows are gone.
    assert services.record_forecasts(AS_OF) == 2
    assert StoredForecast.objects.count() == 2
    services.record_forecasts(AS_OF + dt.timedelta(days=forecasting.STORED_DAYS))
    assert not StoredForecast.objects.filter(made_on=AS_OF).exists()


def test_a_large_committee_reads_the_stored_forecast_or_says_it_is_pending(
    client_for, town, monkeypatch
):
    today = timezone.localdate()
    build(town, as_of=today)
    monkeypatch.setattr(forecasting, "LIVE_UNITS", 3)  # the town is "too large" now
    client = client_for("org")
    page = client.get(reverse("plans:at_risk") + "?unit=TOWN&all=1").content.decode()
    assert 'id="forecast-pending"' in page and 'id="at-risk"' not in page
    dashboard = client.get(reverse("reports:dashboard", args=["W1"])).content.decode()
    assert 'id="forecast-pending"' in dashboard
    api = client.get("/api/v1/forecasts?unit=TOWN")
    assert api.status_code == 200 and api.json() == []

    call_command("forecasts", stdout=StringIO())
    page = client.get(reverse("plans:at_risk") + "?unit=TOWN&all=1").content.decode()
    assert 'id="forecast-pending"' not in page and 'data-unit="W1"' in page
    assert f"(forecast of {today:%d/%m/%Y})" in page
    dashboard = client.get(reverse("reports:dashboard", args=["W1"])).content.decode()
    assert 'id="forecast-pending"' not in dashboard and "(forecast of" in dashboard
    rows = client.get("/api/v1/forecasts?unit=TOWN").json()
    assert {row["unit"]: row["made_on"] for row in rows} == {
        "W1": today.isoformat(),
        "W2": today.isoformat(),
    }


def test_the_forecasts_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("forecasts", "--on", "7 December")

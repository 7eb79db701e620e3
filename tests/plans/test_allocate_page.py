"""The allocate page proposes shares of a target from each unit's pool and history, and
saves what the committee chose as the units' targets, with the proposal in the history."""

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.plans import selectors, services
from grassroots.plans.models import Target
from tests.plans.allocation_data import build_pool, town_target


def _url(target):
    return reverse("plans:target_allocate", args=[target.pk])


def test_proposal_follows_pool_rates_and_history(town):
    build_pool(town)
    target = town_target(town)
    proposal = selectors.allocation_proposal(town.user("org"), target)
    rows = {row["unit"].code: row for row in proposal["rows"]}
    assert list(rows) == ["HS", "W1", "W2"]
    w1, w2, hs = rows["W1"], rows["W2"], rows["HS"]
    assert w1["pool"] == {"sources": 4, "graduates": 2, "dossiers": 1}
    sources_rate = {s: r for s, _n, r, _b in w1["stages"]}["sources"]
    # W1 nominated 12 + 4 + 2 + 1 sources in 2023–2025, 6 admitted.
    assert sources_rate.own and (sources_rate.converted, sources_rate.seen) == (6, 19)
    w2_rate = {s: r for s, _n, r, _b in w2["stages"]}["sources"]
    assert not w2_rate.own and w2_rate.value == proposal["org_rates"]["sources"].value
    # The organisation saw 7 of 24 sources admitted: its rate stands in for W2.
    assert proposal["org_rates"]["sources"].value == Fraction(7, 24)
    # Only 2 graduates and 1 dossier in the whole organisation: the default rates.
    bases = {s: b for s, _n, _r, b in w1["stages"]}
    assert bases == {"sources": "own", "graduates": "default", "dossiers": "default"}
    assert {s: b for s, _n, _r, b in w2["stages"]}["sources"] == "organisation"
    assert w1["past"] == [(2023, 0), (2024, 3), (2025, 3)]
    assert hs["weight"] == 0 and hs["minimum"] == 0
    assert sum(row["minimum"] for row in rows.values()) == 10
    assert sum(row["stretch"] for row in rows.values()) == 12
    assert w1["minimum"] > w2["minimum"]


def test_page_shows_the_proposal_and_its_reasons(client_for, town):
    build_pool(town)
    target = town_target(town)
    html = client_for("org").get(_url(target)).content.decode()
    assert "Allocate the target of Town committee" in html
    assert "Ward 1" in html and "High school cell" in html
    assert "own: 6 of 19" in html
    assert "organisation's; own 1 of 5" in html and "default; own 0 of 2" in html
    assert 'name="minimum_W1"' in html and 'name="stretch_W2"' in html


def test_saving_writes_the_childrens_targets_and_the_history(client_for, town):
    build_pool(town)
    target = town_target(town)
    proposal = selectors.allocation_proposal(town.user("org"), target)
    proposed = {row["unit"].code: [row["minimum"], row["stretch"]] for row in proposal["rows"]}
    response = client_for("org").post(
        _url(target),
        {
            "minimum_HS": 1,
            "stretch_HS": 1,
            "minimum_W1": 6,
            "stretch_W1": 7,
            "minimum_W2": 3,
            "stretch_W2": 4,
        },
    )
    assert response.status_code == 302
    saved = {
        t.unit.code: (t.minimum, t.stretch, t.resolution_ref)
        for t in Target.objects.filter(period_start=target.period_start).exclude(pk=target.pk)
    }
    assert saved == {"HS": (1, 1, "NQ-07"), "W1": (6, 7, "NQ-07"), "W2": (3, 4, "NQ-07")}
    change = Change.objects.filter(model="plans.target", object_id=str(target.pk)).latest("id")
    assert change.before == {"allocation_proposed": proposed}
    assert change.after == {"allocation_chosen": {"HS": [1, 1], "W1": [6, 7], "W2": [3, 4]}}
    assert Change.objects.filter(model="plans.target", action="create").count() == 4
    # The target's own page shows the allocation in its history and links to it.
    html = client_for("org").get(reverse("plans:target_edit", args=[target.pk])).content.decode()
    assert "allocation_chosen" in html or "Allocated to the units below" in html
    assert _url(target) in html


def test_saving_again_changes_the_childrens_targets(client_for, town):
    target = town_target(town, minimum=3, stretch=None)
    client = client_for("org")
    data = {"minimum_HS": 1, "minimum_W1": 1, "minimum_W2": 1}
    assert client.post(_url(target), data).status_code == 302
    data = {"minimum_HS": 0, "minimum_W1": 2, "minimum_W2": 1}
    assert client.post(_url(target), data).status_code == 302
    assert Target.objects.get(unit=town.unit("W1")).minimum == 2
    assert Target.objects.filter(unit=town.unit("HS")).get().minimum == 0


def test_sum_that_misses_the_target_is_refused_and_nothing_written(client_for, town):
    build_pool(town)
    target = town_target(town)
    before = Change.objects.count()
    response = client_for("org").post(
        _url(target),
        {
            "minimum_HS": 1,
            "stretch_HS": 1,
            "minimum_W1": 6,
            "stretch_W1": 7,
            "minimum_W2": 4,
            "stretch_W2": 4,
        },
    )
    assert response.status_code == 200
    assert "The minimums add up to 11, not to the target&#x27;s 10." in response.content.decode()
    assert Target.objects.count() == 1
    assert Change.objects.count() == before


def test_outsider_gets_404_and_viewer_403(client_for, town):
    w1_target = w1_target_2026(town)
    assert client_for("outsider").get(_url(w1_target)).status_code == 404
    assert client_for("w1_viewer").get(_url(w1_target)).status_code == 403
    assert client_for("w1_clerk").get(_url(w1_target)).status_code == 403
    assert client_for("org").get(_url(w1_target)).status_code == 200


def test_targets_list_links_to_allocate_for_those_who_may(client_for, town):
    target = town_target(town)
    html = client_for("org").get(reverse("plans:targets"), {"unit": "TOWN"}).content.decode()
    assert _url(target) in html
    w1_target = w1_target_2026(town)
    html = client_for("w1_viewer").get(reverse("plans:targets"), {"unit": "W1"}).content.decode()
    assert _url(w1_target) not in html


def w1_target_2026(town):
    return services.target_set(
        trace=Trace(user=town.user("org")),
        unit=town.unit("W1"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        minimum=4,
    )


def test_service_refuses_a_stretch_below_a_minimum_and_a_missing_unit(town):
    target = town_target(town, minimum=3, stretch=3)
    trace = Trace(user=town.user("org"))
    units = {code: town.unit(code) for code in ("HS", "W1", "W2")}
    with pytest.raises(ValidationError, match="below its minimum"):
        services.target_allocate(
            trace=trace,
            target=target,
            shares={units["HS"]: (0, 1), units["W1"]: (2, 1), units["W2"]: (1, 1)},
            proposal={},
        )
    with pytest.raises(ValidationError, match="each unit directly below"):
        services.target_allocate(
            trace=trace, target=target, shares={units["W1"]: (3, 3)}, proposal={}
        )
    w1_target = w1_target_2026(town)
    cells = {town.unit("W1C1"): (2, None), town.unit("W1C2"): (2, None)}
    with pytest.raises(PermissionDenied):
        services.target_allocate(
            trace=Trace(user=town.user("w1_clerk")), target=w1_target, shares=cells, proposal={}
        )
    assert Target.objects.count() == 2


def test_page_reads_a_bounded_number_of_queries(client_for, town, django_assert_max_num_queries):
    build_pool(town)
    target = town_target(town)
    client = client_for("org")
    # About a dozen counting queries per unit below, whatever the size of the pool.
    with django_assert_max_num_queries(60):
        assert client.get(_url(target)).status_code == 200

"""The procedure over the API: the same services and permission predicates as the pages."""

import datetime as dt

import pytest

from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Source
from tests.pipeline.walk import NOMINATED, trace_for
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db


def test_a_source_status_cannot_be_patched(api_for, town):
    source = pipeline_services.source_nominate(
        trace=trace_for(town, "org"),
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        nominated_on=NOMINATED,
    )
    response = api_for("org").patch(f"/api/v1/sources/{source.pk}", {"status": "admitted"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
    assert Source.objects.get(pk=source.pk).status == "nominated"


def test_a_temporary_transfer_ends_over_the_api(api_for, town):
    make_member(town, "001090000004", "W1C1")
    transfer = issue(
        town,
        "001090000004",
        kind="temporary",
        to_unit=town.unit("W2C1"),
        ends_on=dt.date(2026, 9, 30),
    )
    url = f"/api/v1/transfers/{transfer.pk}/end"
    # The receiving ward may keep the member, not send them back.
    refused = api_for("outsider").post(url, {"ended_on": "2026-06-01", "outcome": "returned"})
    assert refused.status_code == 403
    response = api_for("w1_clerk").post(url, {"ended_on": "2026-06-01", "outcome": "returned"})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


def test_a_member_leaves_over_the_api_with_the_rule_sets_reasons_in_the_schema(api_for, town):
    make_member(town, "001090000004", "W1C1")
    url = "/api/v1/people/001090000004/leave"
    body = {"ended_on": "2021-03-27", "reason": "resigned", "note": "12-QĐ/ĐU"}
    # The cell records steps; that a member left is the committee's decision.
    assert api_for("w1_clerk").post(url, body).status_code == 403
    assert api_for("outsider").post(url, body).status_code == 404
    refused = api_for("org").post(url, {**body, "reason": "bored"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "reason"]
    future = api_for("org").post(url, {**body, "ended_on": "2999-01-01"})
    assert future.status_code == 409  # a rule refused it, as every service's refusal
    assert future.json()["detail"][0]["loc"] == ["body", "ended_on"]
    response = api_for("org").post(url, body)
    assert response.status_code == 200
    assert response.json() == {
        "person": "001090000004",
        "unit": "W1C1",
        "status": "left",
        "admitted_on": "2020-05-19",
        "official_since": "2020-05-19",
        "ended_on": "2021-03-27",
        "leave_reason": "resigned",
    }
    again = api_for("org").post(url, body)
    assert again.status_code == 404  # no membership in force any more
    schema = api_for("org").get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "resigned" in schema["LeaveReason"]["enum"]
    assert schema["MembershipStatus"]["enum"][-1] == "left"

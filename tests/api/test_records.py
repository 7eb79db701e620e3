"""Sources, courses, admissions, transfers and targets over the API: scope, subtree and
date filters, and transfers issued and received through the transfer services."""

import datetime as dt

import pytest

from grassroots.history.models import Cause, Change
from grassroots.people.models import Membership
from grassroots.pipeline.models import Admission, Course, Source
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer

D = dt.date


@pytest.fixture
def records(town):
    p = town.people
    Source.objects.create(
        person=p["001090000002"], unit=town.unit("HS"), nominated_on=D(2024, 9, 5)
    )
    Source.objects.create(
        person=p["001090000004"], unit=town.unit("W1C1"), nominated_on=D(2023, 2, 1)
    )
    Course.objects.create(
        code="K2024",
        organizer=town.unit("TOWN"),
        title="Awareness",
        start_date=D(2024, 3, 4),
        end_date=D(2024, 3, 8),
    )
    Course.objects.create(
        code="W1-2023",
        organizer=town.unit("W1"),
        title="Ward course",
        start_date=D(2023, 5, 2),
        end_date=D(2023, 5, 5),
    )
    Admission.objects.create(
        person=p["001090000003"], unit=town.unit("HS"), decision_date=D(2020, 5, 19)
    )
    Admission.objects.create(
        person=p["001090000004"], unit=town.unit("W1C1"), decision_date=D(2024, 1, 10)
    )
    Admission.objects.create(
        person=p["001090000001"], unit=town.unit("W1"), decision_date=D(2019, 6, 1)
    )
    Target.objects.create(
        unit=town.unit("W1"),
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        minimum=5,
        stretch=6,
    )
    Target.objects.create(
        unit=town.unit("HS"), period_start=D(2020, 1, 1), period_end=D(2025, 12, 31), minimum=10
    )
    return town


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_admissions_by_subtree_and_decision_date(api_for, records):
    api = api_for("admin")
    assert {a["person"] for a in items(api.get("/api/v1/admissions", {"unit": "W1"}))} == {
        "001090000001",
        "001090000004",
    }
    found = items(
        api.get("/api/v1/admissions", {"decided_from": "2020-01-01", "decided_to": "2023-12-31"})
    )
    assert [(a["person"], a["unit"], a["decision_date"]) for a in found] == [
        ("001090000003", "HS", "2020-05-19")
    ]


def test_secretary_sees_only_her_cells_admissions(api_for, records):
    api = api_for("secretary")
    found = items(api.get("/api/v1/admissions"))
    assert [a["unit"] for a in found] == ["HS"]
    other = Admission.objects.get(unit__code="W1C1")
    assert api.get(f"/api/v1/admissions/{other.pk}").status_code == 404
    assert api.get("/api/v1/admissions/2147483647").status_code == 404


def test_sources_by_nomination_date(api_for, records):
    api = api_for("w1_viewer")
    found = items(api.get("/api/v1/sources"))
    assert [(s["person"], s["unit"]) for s in found] == [("001090000004", "W1C1")]
    assert items(api.get("/api/v1/sources", {"nominated_from": "2024-01-01"})) == []
    hs_source = Source.objects.get(unit__code="HS")
    assert api.get(f"/api/v1/sources/{hs_source.pk}").status_code == 404


def test_courses_keyed_by_code(api_for, records):
    # Like the pages: a cell's people see their own courses and those of the committees
    # above them, not those of other wards.
    api = api_for("w1_clerk")
    assert [c["code"] for c in items(api.get("/api/v1/courses"))] == ["K2024", "W1-2023"]
    assert api.get("/api/v1/courses/W1-2023").json()["organizer"] == "W1"
    assert api_for("outsider").get("/api/v1/courses/W1-2023").status_code == 404
    found = items(api_for("admin").get("/api/v1/courses", {"starts_from": "2024-01-01"}))
    assert [c["code"] for c in found] == ["K2024"]
    found = items(api_for("admin").get("/api/v1/courses", {"unit": "W1"}))
    assert [c["code"] for c in found] == ["W1-2023"]


def test_course_created_by_the_organisation_committee(api_for, records):
    body = {
        "code": "k2025",
        "organizer": "TOWN",
        "title": "Awareness 2025",
        "start_date": "2025-03-03",
        "end_date": "2025-03-07",
    }
    # A clerk may open courses nowhere: 403 before the organiser is looked up, as the page.
    assert api_for("w1_clerk").post("/api/v1/courses", body).status_code == 403
    assert api_for("w1_clerk").post("/api/v1/courses", body).json()["detail"][0]["loc"] == []
    assert (
        api_for("w1_clerk").post("/api/v1/courses", {**body, "organizer": "W1"}).status_code == 403
    )
    response = api_for("org").post("/api/v1/courses", body)
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "K2025"
    # The code the client chose finds the course, as a national ID finds its person.
    assert api_for("org").get("/api/v1/courses/k2025").json()["code"] == "K2025"
    again = api_for("org").post("/api/v1/courses", body)
    assert again.status_code == 409
    assert again.json()["detail"][0]["loc"] == ["body", "code"]


def test_source_nominated_and_updated(api_for, records):
    api = api_for("secretary")
    body = {
        "person": "001090000003",
        "unit": "HS",
        "nominated_on": "2025-01-06",
        "category": "teacher",
    }
    response = api.post("/api/v1/sources", body)
    assert response.status_code == 201, response.content
    source = response.json()
    assert (source["person"], source["unit"], source["status"]) == (
        "001090000003",
        "HS",
        "nominated",
    )
    response = api.patch(f"/api/v1/sources/{source['id']}", {"mentor": "001090000003"})
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "mentor"]
    response = api.patch(
        f"/api/v1/sources/{source['id']}", {"note": "Good teacher", "mentor": None}
    )
    assert response.status_code == 200
    assert response.json()["note"] == "Good teacher"
    # A note is a page at most: the schema says it and the route keeps to it.
    response = api.patch(f"/api/v1/sources/{source['id']}", {"note": "x" * 4001})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "note"]
    assert (
        api_for("outsider").patch(f"/api/v1/sources/{source['id']}", {"note": "x"}).status_code
        == 404
    )
    duplicate = api.post("/api/v1/sources", body)
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"][0]["loc"] == ["body", "person"]


def test_targets_overlapping_a_period(api_for, records):
    api = api_for("admin")
    found = items(api.get("/api/v1/targets", {"period_from": "2025-01-01"}))
    assert [(t["unit"], t["minimum"]) for t in found] == [("HS", 10)]
    found = items(api.get("/api/v1/targets", {"unit": "W1"}))
    assert [(t["unit"], t["minimum"], t["stretch"]) for t in found] == [("W1", 5, 6)]
    assert api_for("outsider").get("/api/v1/targets").json()["count"] == 0


@pytest.fixture
def member(town):
    return Membership.objects.create(
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        status=Membership.Status.OFFICIAL,
        admitted_on=D(2015, 1, 5),
    )


def test_transfer_issued_and_received_over_the_api(api_for, member):
    sender = api_for("w1_clerk")
    response = sender.post(
        "/api/v1/transfers",
        {
            "person": "001090000004",
            "kind": "official",
            "issued_on": "2025-03-03",
            "to_unit": "W2C1",
        },
    )
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert (transfer["from_unit"], transfer["to_unit"], transfer["status"]) == (
        "W1C1",
        "W2C1",
        "issued",
    )
    change = Change.objects.filter(model="transfers.transfer").first()
    assert (change.cause, change.reference) == (Cause.API, sender.token.prefix)

    receiver = api_for("outsider")  # secretary of W2: sees it, being the receiving side
    assert [t["id"] for t in items(receiver.get("/api/v1/transfers", {"direction": "within"}))] == [
        transfer["id"]
    ]
    assert (
        sender.post(
            f"/api/v1/transfers/{transfer['id']}/receive", {"arrived_on": "2025-03-10"}
        ).status_code
        == 403
    )
    response = receiver.post(
        f"/api/v1/transfers/{transfer['id']}/receive", {"arrived_on": "2025-03-10"}
    )
    assert response.status_code == 200, response.content
    assert Transfer.objects.get(pk=transfer["id"]).status == "received"
    member.refresh_from_db()
    assert member.unit.code == "W2C1"


def test_transfer_errors_name_the_field(api_for, member):
    body = {"person": "001090000004", "kind": "official", "issued_on": "2025-03-03"}
    api = api_for("w1_clerk")
    # The month's pattern is in the schema: 422.
    response = api.post(
        "/api/v1/transfers", {**body, "to_unit": "W2C1", "dues_paid_until": "March"}
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "dues_paid_until"]]
    # Neither a unit nor a destination: a rule the schema cannot state, 409.
    response = api.post("/api/v1/transfers", {**body, "dues_paid_until": "2025-02"})
    assert response.status_code == 409
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "to_unit"]]


def test_viewer_cannot_issue_a_transfer(api_for, member):
    response = api_for("w1_viewer").post(
        "/api/v1/transfers",
        {
            "person": "001090000004",
            "kind": "official",
            "issued_on": "2025-03-03",
            "to_unit": "W2C1",
        },
    )
    assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_target_set_by_the_superior_only(api_for, records):
    body = {"unit": "W1C1", "period_start": "2026-01-01", "period_end": "2026-12-31", "minimum": 2}
    assert api_for("w1_viewer").post("/api/v1/targets", body).status_code == 403
    response = api_for("org").post("/api/v1/targets", body)
    assert response.status_code == 201, response.content
    target = response.json()
    response = api_for("org").patch(f"/api/v1/targets/{target['id']}", {"minimum": 3, "stretch": 1})
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "stretch"]
    response = api_for("org").patch(f"/api/v1/targets/{target['id']}", {"stretch": 4})
    assert (response.status_code, response.json()["stretch"]) == (200, 4)
    assert (
        api_for("w1_clerk").patch(f"/api/v1/targets/{target['id']}", {"minimum": 9}).status_code
        == 403
    )


def test_lists_do_not_query_per_row(api_for, records, django_assert_max_num_queries):
    from tests.factories import PersonFactory

    PersonFactory.create_batch(20, unit=records.unit("W1C1"))
    api = api_for("admin")
    for url in (
        "/api/v1/people",
        "/api/v1/units",
        "/api/v1/sources",
        "/api/v1/admissions",
        "/api/v1/targets",
    ):
        with django_assert_max_num_queries(10):
            assert api.get(url).status_code == 200

"""One error shape for every 4xx, each status with one meaning, and PATCH that says what
null does (issue 12: a bare-string 400, a 500 on a null note, a duplicate national ID
answered 422)."""

import json

import pytest

from grassroots.pipeline.models import Source
from grassroots.plans.models import Target

ITEM_KEYS = {"loc", "msg", "type"}


def only_item(response):
    [item] = response.json()["detail"]
    assert set(item) == ITEM_KEYS
    return item


def test_malformed_json_is_400_in_the_error_shape(api_for):
    api = api_for("org")
    response = api.client.post(
        "/api/v1/units", "{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert only_item(response) == {
        "loc": ["body"],
        "msg": "The body is not valid JSON.",
        "type": "json_invalid",
    }


def test_a_body_that_is_not_an_object_is_422(api_for):
    response = api_for("org").post("/api/v1/units", ["a", "list"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_a_field_the_schema_does_not_name_is_refused(api_for):
    response = api_for("org").patch("/api/v1/units/HS", {"nmae": "Typo"})
    assert response.status_code == 422
    assert only_item(response)["loc"] == ["body", "nmae"]


def test_a_json_string_is_not_a_number_nor_a_flag(api_for):
    api = api_for("org")
    body = {"unit": "W1C1", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    assert api.post("/api/v1/targets", {**body, "minimum": "2"}).status_code == 422
    assert api.post("/api/v1/targets", {**body, "minimum": 2.5}).status_code == 422
    assert api.post("/api/v1/targets", {**body, "minimum": 2.0}).status_code == 201
    response = api.patch("/api/v1/people/001090000001", {"ethnic_minority": "yes"})
    assert only_item(response)["loc"] == ["body", "ethnic_minority"]
    response = api.patch("/api/v1/people/001090000001", {"birth_date": 0})
    assert only_item(response)["loc"] == ["body", "birth_date"]


def test_a_refused_value_is_explained_in_the_callers_language_alone(api_for):
    """Our own validators' message without pydantic's English "Value error, " before it."""
    api = api_for("org")
    response = api.patch("/api/v1/people/001090000001", {"birth_date": None})
    assert only_item(response) == {
        "loc": ["body", "birth_date"],
        "msg": "Use a date as YYYY-MM-DD.",
        "type": "value_error",
    }
    api.headers["Accept-Language"] = "vi"
    body = {"unit": "W1C1", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    item = only_item(api.post("/api/v1/targets", {**body, "minimum": 2.5}))
    assert item["loc"] == ["body", "minimum"]
    assert not item["msg"].startswith("Value error")


@pytest.fixture
def source(api_for):
    body = {"person": "001090000003", "unit": "HS", "nominated_on": "2025-01-06"}
    response = api_for("secretary").post(
        "/api/v1/sources", {**body, "note": "Keen", "nominated_by": "Youth Union"}
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("field", ["note", "nominated_by", "category", "status", "nominated_on"])
def test_null_on_a_field_that_cannot_be_empty_is_422_not_a_server_error(api_for, source, field):
    response = api_for("secretary").patch(f"/api/v1/sources/{source['id']}", {field: None})
    assert response.status_code == 422
    assert only_item(response)["loc"] == ["body", field]
    assert Source.objects.get(pk=source["id"]).note == "Keen"


def test_a_text_is_emptied_with_an_empty_string(api_for, source):
    response = api_for("secretary").patch(
        f"/api/v1/sources/{source['id']}", {"note": "", "nominated_by": ""}
    )
    assert response.status_code == 200
    assert (response.json()["note"], response.json()["nominated_by"]) == ("", "")


def test_null_clears_a_nullable_field(api_for):
    api = api_for("org")
    body = {
        "unit": "W1C1",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "minimum": 2,
        "stretch": 4,
        "women_share": "45.5",
        "resolution_date": "2025-12-20",
    }
    target = api.post("/api/v1/targets", body).json()
    assert (target["stretch"], target["women_share"]) == (4, "45.5")
    response = api.patch(
        f"/api/v1/targets/{target['id']}",
        {"stretch": None, "women_share": None, "resolution_date": None},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["stretch"], response.json()["women_share"]) == (None, None)
    stored = Target.objects.get(pk=target["id"])
    assert (stored.stretch, stored.women_share, stored.resolution_date) == (None, None, None)
    # A person's education: null is "unknown".
    response = api.patch("/api/v1/people/001090000001", {"education": None})
    assert (response.status_code, response.json()["education"]) == (200, None)


def test_a_duplicate_national_id_is_a_conflict(api_for):
    response = api_for("org").patch("/api/v1/people/001090000001", {"national_id": "001090000002"})
    assert response.status_code == 409
    item = only_item(response)
    assert item["loc"] == ["body", "national_id"]
    assert "001090000002" in item["msg"]


def test_a_rule_the_schema_cannot_state_is_a_conflict_naming_the_field(api_for):
    body = {"unit": "W1C1", "period_start": "2026-12-31", "period_end": "2026-01-01", "minimum": 2}
    response = api_for("org").post("/api/v1/targets", body)
    assert response.status_code == 409
    assert only_item(response)["loc"] == ["body", "period_end"]


def test_a_path_that_cannot_be_a_key_is_422_and_a_missing_one_404(api_for):
    api = api_for("admin")
    response = api.get("/api/v1/people/AB-12")
    assert (response.status_code, only_item(response)["loc"]) == (422, ["path", "national_id"])
    response = api.get("/api/v1/people/AB12")
    assert (response.status_code, only_item(response)["loc"]) == (404, ["path", "national_id"])
    response = api.get("/api/v1/sources/0")
    assert (response.status_code, only_item(response)["loc"]) == (422, ["path", "source_id"])


def test_every_error_answer_is_json_in_the_one_shape(api_for, anonymous_api):
    api = api_for("w1_viewer")
    answers = [
        anonymous_api.get("/api/v1/units"),
        api.patch("/api/v1/units/W1C1", {"name": "x"}),  # 403
        api.get("/api/v1/units/NOSUCH"),
        api.get("/api/v1/units", {"limit": 0}),
    ]
    assert [a.status_code for a in answers] == [401, 403, 404, 422]
    for answer in answers:
        assert answer["Content-Type"].startswith("application/json")
        body = json.loads(answer.content)
        assert set(body) == {"detail"}
        assert all(set(item) == ITEM_KEYS for item in body["detail"])

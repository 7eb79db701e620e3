"""People over the API: keyed by national ID, scoped, validated by the same service."""

from grassroots.history.models import Access, Cause, Change
from grassroots.people.models import Person

HS_PUPIL = "001090000002"  # Nguyễn Thị Lan, HS
W1_PERSON = "001090000001"  # Đặng Hữu Tú, W1


def ids(response):
    return [item["national_id"] for item in response.json()["items"]]


def test_outsider_gets_404_for_high_school_person(api_for):
    api = api_for("outsider")
    assert api.get(f"/api/v1/people/{HS_PUPIL}").status_code == 404
    assert api.patch(f"/api/v1/people/{HS_PUPIL}", {"full_name": "X"}).status_code == 404
    assert HS_PUPIL not in ids(api.get("/api/v1/people"))


def test_secretary_reads_her_pupil_and_the_read_is_logged(api_for):
    response = api_for("secretary").get(f"/api/v1/people/{HS_PUPIL}")
    assert response.status_code == 200
    body = response.json()
    assert (body["full_name"], body["unit"], body["birth_date"]) == (
        "Nguyễn Thị Lan",
        "HS",
        "2006-09-01",
    )
    assert Access.objects.filter(what__contains=HS_PUPIL).exists()


def test_unit_filter_keeps_people_below(api_for):
    response = api_for("admin").get("/api/v1/people", {"unit": "W1"})
    assert sorted(ids(response)) == [W1_PERSON, "001090000004"]


def test_search_ignores_accents(api_for):
    response = api_for("admin").get("/api/v1/people", {"q": "dang huu"})
    assert ids(response) == [W1_PERSON]


def test_birth_date_range(api_for):
    response = api_for("admin").get(
        "/api/v1/people", {"born_after": "1985-01-01", "born_before": "1995-12-31"}
    )
    assert sorted(ids(response)) == ["001090000004", "001090000005"]
    # An end before the start is an empty range, not an error: nobody is born in it.
    empty = api_for("admin").get(
        "/api/v1/people", {"born_after": "1995-01-01", "born_before": "1985-12-31"}
    )
    assert empty.status_code == 200
    assert empty.json() == {"items": [], "count": 0}


def test_viewer_cannot_change_a_person(api_for):
    response = api_for("w1_viewer").patch(f"/api/v1/people/{W1_PERSON}", {"job_title": "teacher"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": [
            {"loc": [], "msg": "Your role does not allow this here.", "type": "permission_denied"}
        ]
    }


def test_clerk_changes_a_person_with_api_history(api_for):
    api = api_for("w1_clerk")
    response = api.patch(
        f"/api/v1/people/{W1_PERSON}",
        {"occupation": "public_employee", "job_title": "teacher", "youth_union": True},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["occupation"], body["job_title"], body["youth_union"]) == (
        "public_employee",
        "teacher",
        True,
    )
    change = Change.objects.filter(model="people.person", action="update").first()
    assert (change.cause, change.reference) == (Cause.API, api.token.prefix)
    assert change.after["occupation"] == "public_employee"
    assert change.after["job_title"] == "teacher"


def test_an_occupation_that_is_not_a_group_is_refused(api_for):
    response = api_for("w1_clerk").patch(f"/api/v1/people/{W1_PERSON}", {"occupation": "teacher"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "occupation"]


def test_clerk_cannot_move_a_person_out_of_her_ward(api_for):
    response = api_for("w1_clerk").patch(f"/api/v1/people/{W1_PERSON}", {"unit": "HS"})
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["body", "unit"]


def test_secretary_registers_a_person(api_for):
    response = api_for("secretary").post(
        "/api/v1/people",
        {
            "national_id": "001090000099",
            "full_name": "Hồ Thị Xuân",
            "gender": "female",
            "birth_date": "2007-03-08",
            "unit": "HS",
        },
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get(national_id="001090000099").unit.code == "HS"


def test_a_person_without_a_unit_is_refused_on_the_unit_field(api_for):
    """Only a role on a root may keep a person without a unit: anyone else is told that
    the field is required (it was a bare 404 naming nothing)."""
    body = {"national_id": "001090000098", "full_name": "Hồ Văn An", "gender": "male"}
    body["birth_date"] = "2000-01-01"
    for answer in (
        api_for("secretary").post("/api/v1/people", body),
        api_for("secretary").post("/api/v1/people", {**body, "unit": None}),
        api_for("w1_clerk").patch(f"/api/v1/people/{W1_PERSON}", {"unit": None}),
    ):
        assert answer.status_code == 422, answer.content
        assert answer.json()["detail"][0]["loc"] == ["body", "unit"]
    assert not Person.objects.filter(national_id="001090000098").exists()


def test_a_duplicate_national_id_is_a_conflict_naming_each_field(api_for):
    response = api_for("secretary").post(
        "/api/v1/people",
        {
            "national_id": HS_PUPIL,
            "full_name": "Someone Else",
            "gender": "male",
            "birth_date": "2030-01-01",
            "unit": "HS",
        },
    )
    assert response.status_code == 409
    fields = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert fields == {("body", "national_id"), ("body", "birth_date")}
    assert all(error["msg"] and error["type"] for error in response.json()["detail"])


def test_schema_validation_error_names_the_field(api_for):
    response = api_for("secretary").post(
        "/api/v1/people",
        {"national_id": "X1", "full_name": "A", "gender": "robot", "birth_date": "2000-01-01"},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "gender"]
    assert error["type"] == "enum"


def test_registering_without_unit_needs_a_root_role(api_for):
    body = {"national_id": "X2", "full_name": "A B", "gender": "male", "birth_date": "2000-01-01"}
    assert api_for("secretary").post("/api/v1/people", body).status_code == 422
    assert api_for("org").post("/api/v1/people", body).status_code == 201


def test_list_count_stops_at_the_cap(api_for, monkeypatch):
    """A national register is never counted in full per request: beyond the cap, cap + 1."""
    monkeypatch.setattr("grassroots.paging.COUNT_CAP", 2)
    body = api_for("admin").get("/api/v1/people", {"limit": 1}).json()
    assert body["count"] == 3
    assert len(body["items"]) == 1

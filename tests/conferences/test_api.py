"""Conferences over the API: the committee records one with its conclusions and tasks,
the unit completes its task, recognitions are read back; the outsider sees nothing."""

from tests.api.conftest import api_for  # noqa: F401


def test_a_conference_over_the_api(api_for):  # noqa: F811
    org = api_for("org")
    response = org.post(
        "/api/v1/conferences",
        {
            "committee": "TOWN",
            "cluster": "Gò Nổi",
            "title": "Gò Nổi conference",
            "date": "2024-07-15",
            "period_from": "2024-01-01",
            "period_to": "2024-06-30",
        },
    )
    assert response.status_code == 201, response.content
    conference = response.json()
    assert sorted(p["unit"] for p in conference["participants"]) == ["HS", "W1", "W2"]
    url = f"/api/v1/conferences/{conference['id']}"
    response = org.post(
        f"{url}/conclusions",
        {
            "text": "Sources in the enterprises.",
            "tasks": [
                {
                    "unit": "W1",
                    "role": "secretary",
                    "action": "Nominate five sources",
                    "due_on": "2024-09-30",
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    task = response.json()["tasks"][0]
    # A task the rules refuse is named where the body holds it: in `tasks`.
    response = org.post(
        f"{url}/conclusions",
        {
            "text": "Tasks for the town itself.",
            "tasks": [
                {"unit": "TOWN", "role": "secretary", "action": "Report", "due_on": "2024-09-30"}
            ],
        },
    )
    assert response.status_code == 409, response.content
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "tasks"]]
    assert org.post(f"{url}/attendance", {"unit": "W1", "attendees": 9}).status_code == 200
    clerk = api_for("w1_clerk")
    listed = clerk.get("/api/v1/conference-tasks", {"open": "true"}).json()
    assert [t["id"] for t in listed["items"]] == [task["id"]]
    response = clerk.post(
        f"/api/v1/conference-tasks/{task['id']}/complete",
        {"completed_on": "2024-09-01", "note": "Done."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["completed_on"] == "2024-09-01"
    response = org.post(
        "/api/v1/recognitions",
        {
            "kind": "commend",
            "unit": "W1",
            "date": "2024-07-15",
            "text": "Twelve sources.",
            "decision": "Certificate of merit",
            "document_ref": "QĐ 12/2024",
            "conference": conference["id"],
        },
    )
    assert response.status_code == 201, response.content
    outsider = api_for("outsider")
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/api/v1/conference-tasks/{task['id']}").status_code == 404
    assert outsider.get("/api/v1/recognitions").json()["items"] == []
    assert api_for("w1_viewer").get("/api/v1/recognitions").json()["items"][0]["kind"] == (
        "commend"
    )


def test_a_recognition_names_the_record_it_cannot_find_and_reads_national_ids_alike(
    api_for,  # noqa: F811
):
    """A conference out of reach is a 404 on `conference` (not on the request as a whole),
    and a national ID is read as every other route reads it (case aside)."""
    org = api_for("org")
    response = org.post(
        "/api/v1/conferences",
        {
            "committee": "TOWN",
            "cluster": "Gò Nổi",
            "title": "Gò Nổi conference",
            "date": "2024-07-15",
            "period_from": "2024-01-01",
            "period_to": "2024-06-30",
        },
    )
    assert response.status_code == 201, response.content
    conference = response.json()["id"]
    person = {"full_name": "Hồ Thị Mai", "gender": "female", "birth_date": "1990-05-05"}
    response = org.post("/api/v1/people", {**person, "national_id": "vn0001", "unit": "W1"})
    assert response.status_code == 201, response.content
    assert response.json()["national_id"] == "VN0001"
    body = {"kind": "commend", "unit": "W1", "date": "2024-07-15", "text": "Twelve sources."}
    response = org.post("/api/v1/recognitions", {**body, "conference": 999999})
    assert response.status_code == 404
    [item] = response.json()["detail"]
    assert (item["loc"], item["type"]) == (["body", "conference"], "not_found")
    response = org.post(
        "/api/v1/recognitions", {**body, "conference": conference, "person": "vn0001"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"] == "VN0001"

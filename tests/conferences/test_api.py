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

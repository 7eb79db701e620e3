"""Units over the API: scope, subtree filter, pagination, changes with history."""

from unicodedata import normalize
from urllib.parse import quote

from grassroots.history.models import Cause, Change
from grassroots.org.models import Cluster, Unit


def codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_secretary_lists_only_her_cell(api_for):
    response = api_for("secretary").get("/api/v1/units")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "code": "HS",
                "name": "High school cell",
                "kind": "cell",
                "parent_code": "TOWN",
                "depth": 2,
                "cluster": None,
                "sector": "Education",
                "valid_from": "1930-02-03",
                "valid_to": None,
            }
        ],
        "count": 1,
    }


def test_unit_filter_keeps_the_subtree(api_for):
    response = api_for("admin").get("/api/v1/units", {"unit": "W1"})
    assert codes(response) == ["W1", "W1C1", "W1C1G1", "W1C2"]


def test_unit_filter_outside_scope_is_404_with_its_field(api_for):
    response = api_for("outsider").get("/api/v1/units", {"unit": "W1"})
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["query", "unit"]


def test_list_paginates_with_limit_and_offset(api_for):
    api = api_for("admin")
    first = api.get("/api/v1/units", {"limit": 3})
    second = api.get("/api/v1/units", {"limit": 3, "offset": 3})
    assert first.json()["count"] == second.json()["count"] == Unit.objects.count()
    assert len(codes(first)) == 3
    assert not set(codes(first)) & set(codes(second))


def test_limit_above_500_is_a_422(api_for):
    response = api_for("admin").get("/api/v1/units", {"limit": 501})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_children_are_the_units_directly_below(api_for):
    response = api_for("w1_viewer").get("/api/v1/units/W1/children")
    assert codes(response) == ["W1C1", "W1C2"]


def test_outsider_gets_404_for_other_ward(api_for):
    api = api_for("outsider")
    assert api.get("/api/v1/units/W1").status_code == 404
    assert api.get("/api/v1/units/W1/children").status_code == 404
    assert api.get("/api/v1/units/NOSUCH").json() == {
        "detail": [{"loc": ["path", "code"], "msg": "Not found.", "type": "not_found"}]
    }
    assert api.patch("/api/v1/units/W1C1", {"name": "x"}).status_code == 404


def test_viewer_cannot_change_a_unit(api_for):
    response = api_for("w1_viewer").patch("/api/v1/units/W1C1", {"name": "Renamed"})
    assert response.status_code == 403
    assert Unit.objects.get(code="W1C1").name == "Residential area 1"


def test_organiser_creates_a_unit_with_api_history(api_for):
    api = api_for("org")
    response = api.post(
        "/api/v1/units", {"code": "W1C3", "name": "Area 3", "kind": "cell", "parent_code": "W1"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_code"] == "W1"
    change = Change.objects.filter(model="org.unit", action="create").first()
    assert (change.cause, change.reference, change.actor) == (
        Cause.API,
        api.token.prefix,
        api.token.user,
    )


def test_clerk_cannot_create_a_unit(api_for):
    response = api_for("w1_clerk").post(
        "/api/v1/units", {"code": "W1C3", "name": "Area 3", "kind": "cell", "parent_code": "W1"}
    )
    assert response.status_code == 403


def test_duplicate_code_is_a_conflict_naming_the_field(api_for):
    response = api_for("org").post(
        "/api/v1/units", {"code": "HS", "name": "Again", "kind": "cell", "parent_code": "TOWN"}
    )
    assert response.status_code == 409
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "code"]
    assert "HS" in error["msg"]
    assert error["type"] == "conflict"


def test_missing_field_uses_the_same_shape(api_for):
    response = api_for("org").post("/api/v1/units", {"code": "X1", "kind": "cell"})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "name"]
    assert (error["msg"], error["type"]) == ("This field is required.", "missing")


def test_nul_character_is_refused_naming_the_field(api_for):
    response = api_for("org").post(
        "/api/v1/units", {"code": "X1", "name": "Bad\x00name", "kind": "cell", "parent_code": "W1"}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "name"]
    assert error["type"] == "string_pattern_mismatch"
    assert not Unit.objects.filter(code="X1").exists()


def test_move_by_parent_code(api_for):
    # Moving is restructuring: the administrator's, as on the page (org.services).
    assert api_for("org").patch("/api/v1/units/W1C2", {"parent_code": "W2"}).status_code == 403
    response = api_for("admin").patch("/api/v1/units/W1C2", {"parent_code": "W2"})
    assert response.status_code == 200, response.content
    assert response.json()["parent_code"] == "W2"
    assert Unit.objects.get(code="W1C2").get_parent().code == "W2"


def test_move_needs_rights_on_both_parents(api_for, town):
    from grassroots.accounts.models import RoleAssignment

    # An organiser of W1 only: may edit W1's units but not put them under W2.
    RoleAssignment.objects.create(
        user=town.user("w1_viewer"), unit=town.unit("W1"), role="organisation_committee"
    )
    api = api_for("w1_viewer")
    assert api.patch("/api/v1/units/W1C2", {"name": "Area two"}).status_code == 200
    response = api.patch("/api/v1/units/W1C2", {"parent_code": "W2"})
    assert response.status_code == 404  # W2 is not even visible to this user
    assert response.json()["detail"][0]["loc"] == ["body", "parent_code"]
    # The admin of the whole town may; a move below itself is refused, naming the field.
    bad = api_for("admin").patch("/api/v1/units/W1", {"parent_code": "W1C1"})
    assert bad.status_code == 409
    assert bad.json()["detail"][0]["loc"] == ["body", "parent_code"]


def test_move_into_visible_but_unchangeable_parent_is_403(api_for, town):
    from grassroots.accounts.models import RoleAssignment

    # Organiser of W1, viewer of W2: sees W2 but may not put units there.
    user = town.user("w1_viewer")
    RoleAssignment.objects.create(user=user, unit=town.unit("W1"), role="organisation_committee")
    RoleAssignment.objects.create(user=user, unit=town.unit("W2"), role="viewer")
    response = api_for("w1_viewer").patch("/api/v1/units/W1C2", {"parent_code": "W2"})
    assert response.status_code == 403
    assert Unit.objects.get(code="W1C2").get_parent().code == "W1"


def test_refused_edit_does_not_leave_the_move_behind(api_for):
    # The move is made first; the end of validity before its start then refuses the edit.
    response = api_for("admin").patch(
        "/api/v1/units/W1C2", {"parent_code": "W2", "valid_to": "1900-01-01"}
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "valid_to"]
    assert Unit.objects.get(code="W1C2").get_parent().code == "W1"


def test_a_units_code_is_not_a_field_a_change_takes(api_for):
    response = api_for("admin").patch("/api/v1/units/W1C2", {"code": "W1C9"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "code"]


def test_every_code_a_unit_is_created_with_reads_it_back(api_for):
    """The create answer links to unit_detail by its code: every code the schema takes
    must be an address. A "/" or a code of dots only never was (issue: a unit "a/b" was
    created, then unreadable, and its parent's page failed)."""
    api = api_for("org")
    body = {"name": "Tổ 1", "kind": "cell", "parent_code": "W1"}
    for code in ("Đội-1", "a?b#c", "K1.2026", "x y"):
        response = api.post("/api/v1/units", {**body, "code": code})
        assert response.status_code == 201, response.content
        answer = response.json()["code"]
        assert api.get(f"/api/v1/units/{quote(answer, safe='')}").json()["code"] == code
    for code in ("K1/2026", "..", "."):
        response = api.post("/api/v1/units", {**body, "code": code})
        assert response.status_code == 422, response.content
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "code"]
        assert not Unit.objects.filter(code=code).exists()
    assert api.get("/api/v1/units/W1").status_code == 200


def test_a_code_with_combining_accents_is_the_same_code(api_for):
    """ "Tổ-Hoà" typed with combining accents (a Mac, a "Unicode tổ hợp" keyboard) is the code
    already held, as the importer reads it: a conflict, not a second unit beside the first;
    and it finds the unit, its cluster and a course alike."""
    api = api_for("org")
    code, cluster = "Tổ-Hoà", "Gò Nổi"
    body = {"name": "Tổ 1", "kind": "cell", "parent_code": "W1"}
    response = api.post("/api/v1/units", {**body, "code": code})
    assert response.status_code == 201, response.content
    decomposed = normalize("NFD", code)
    assert decomposed != code
    response = api.post("/api/v1/units", {**body, "code": decomposed})
    assert response.status_code == 409, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "code"]
    assert Unit.objects.filter(code__in=[code, decomposed]).count() == 1
    assert api.get(f"/api/v1/units/{quote(decomposed, safe='')}").json()["code"] == code
    response = api.patch(f"/api/v1/units/{quote(code)}", {"cluster": normalize("NFD", cluster)})
    assert response.json()["cluster"] == cluster
    assert Cluster.objects.filter(name__in=[cluster, normalize("NFD", cluster)]).count() == 1
    course = {"organizer": "TOWN", "title": "Lớp", "start_date": "2026-03-02"}
    response = api.post(
        "/api/v1/courses", {**course, "code": normalize("NFD", "Lớp-1"), "end_date": "2026-03-06"}
    )
    assert response.json()["code"] == "LỚP-1"
    assert api.get(f"/api/v1/courses/{quote('lớp-1')}").json()["code"] == "LỚP-1"

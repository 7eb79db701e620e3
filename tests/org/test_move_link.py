"""The unit page offers restructuring only where its pages will not refuse the user."""

MOVE = "/units/{}/move/"


def test_restructuring_hidden_on_a_top_unit_for_its_administrator(client_for):
    client = client_for("admin")
    page = client.get("/units/TOWN/").content.decode()
    assert MOVE.format("TOWN") not in page
    assert client.get(MOVE.format("TOWN")).status_code == 403


def test_restructuring_shown_below_the_top_unit_to_its_administrator(client_for):
    client = client_for("admin")
    page = client.get("/units/W1/").content.decode()
    assert MOVE.format("W1") in page
    assert client.get(MOVE.format("W1")).status_code == 200


def test_restructuring_hidden_from_the_organisation_committee(client_for):
    client = client_for("org")
    assert MOVE.format("W1") not in client.get("/units/W1/").content.decode()
    assert client.get(MOVE.format("W1")).status_code == 403

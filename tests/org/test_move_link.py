"""The unit page offers "Move" only where the move page will not refuse the user."""

MOVE = "/units/{}/move/"


def test_move_link_hidden_on_a_top_unit_for_its_committee(client_for):
    client = client_for("org")
    page = client.get("/units/TOWN/").content.decode()
    assert MOVE.format("TOWN") not in page
    assert client.get(MOVE.format("TOWN")).status_code == 403


def test_move_link_shown_below_the_top_unit(client_for):
    client = client_for("org")
    page = client.get("/units/W1/").content.decode()
    assert MOVE.format("W1") in page
    assert client.get(MOVE.format("W1")).status_code == 200

"""The change list links to the access log only for those who may read it."""

ACCESSES = "/history/accesses/"


def test_secretary_sees_no_link_to_the_access_log(client_for):
    client = client_for("secretary")
    assert ACCESSES not in client.get("/history/").content.decode()
    assert client.get(ACCESSES).status_code == 403


def test_administrator_sees_the_link(client_for):
    client = client_for("admin")
    assert ACCESSES in client.get("/history/").content.decode()
    assert client.get(ACCESSES).status_code == 200

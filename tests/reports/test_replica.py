"""With a replica configured (DATABASE_REPLICA_URL), the reports read from it and
everything else from the primary. Here the replica is a second connection to the test
database (what Django's TEST MIRROR gives), added for the test; the data is committed
(transactional_db) so that the second connection sees it."""

import copy
import datetime as dt

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots import replicas
from grassroots.org.models import Unit
from grassroots.reports import selectors

PERIOD = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}


@pytest.fixture
def replica(transactional_db):
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": "default"}
    connections.settings[replicas.REPLICA] = settings
    try:
        # Connected here: the test case allows only the aliases it knew when it started.
        connections[replicas.REPLICA].connect()
        yield connections[replicas.REPLICA]
    finally:
        connections[replicas.REPLICA].close()
        del connections[replicas.REPLICA]
        del connections.settings[replicas.REPLICA]


def _tally_reads(captured):
    return [q["sql"] for q in captured.captured_queries if "reports_" in q["sql"]]


def test_report_reads_go_to_the_replica(replica, town):
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        rows = selectors.achievement(town.users["org"], unit=town.units["TOWN"], **PERIOD)
    assert rows[0]["unit_code"] == "TOWN"
    assert _tally_reads(on_replica), "the report's tallies were not read from the replica"
    assert _tally_reads(on_primary) == []


def test_reads_outside_reports_and_writes_stay_on_the_primary(replica, town):
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        unit = Unit.objects.get(code="W1")
        unit.name = "Ward 1, renamed"
        unit.save(update_fields=["name"])
        with replicas.reads_from_replica():
            read = Unit.objects.get(code="W1")
            assert read.name == "Ward 1, renamed"
        read.name = "Ward 1"
        read.save(update_fields=["name"])  # read from the replica, written to the primary
    assert len(on_replica.captured_queries) == 1
    # The unit's read and two saves; each save also moves the pages' generation on
    # (history/generation.py), on the primary.
    primary = [q["sql"] for q in on_primary.captured_queries]
    assert len([sql for sql in primary if "history_generation" not in sql]) == 3
    assert len(primary) == 5


def test_the_report_page_works_with_a_replica(replica, town, client):
    client.force_login(town.users["org"])
    response = client.get(
        reverse("reports:achievement"), {"unit": "TOWN", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == 200


def test_without_a_replica_reports_read_the_primary(town):
    assert not replicas.replica_configured()
    with replicas.reads_from_replica():
        assert Unit.objects.all().db == "default"


def test_a_page_made_from_the_replica_is_not_kept(replica, town, client, settings):
    """The replica may lag the primary: a page read from it is made anew every time (the
    page cache, core/pagecache.py, keeps only pages read from the primary)."""
    settings.PAGE_CACHE_SECONDS = 300
    client.force_login(town.users["org"])
    client.get(reverse("home"), follow=True)  # the CSRF cookie, without which nothing is kept
    query = {"unit": "TOWN", "from": "2024-01-01", "to": "2024-12-31"}
    for _time in range(2):
        with CaptureQueriesContext(replica) as on_replica:
            assert client.get(reverse("reports:achievement"), query).status_code == 200
        assert _tally_reads(on_replica)

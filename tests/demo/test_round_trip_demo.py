"""The demo town through the exchange format: export everything, empty the database, import,
export again. Every file comes back row for row, and every unit's report figures are the
same, as they were and restated on the structure after the 2025 reform; the same for a
ward's subtree exported on its own. (tests/exchange/test_round_trip.py does the same with
a small history made for it; this is the whole demo, with its six years, its reform and
its dossiers in progress.)"""

import datetime as dt

import pytest

from grassroots.demo import story
from grassroots.exchange import exporter
from grassroots.exchange.format import FILES
from grassroots.org import timeline
from grassroots.org.models import Unit
from grassroots.people.models import Membership
from grassroots.pipeline import dues
from grassroots.pipeline.models import DossierDue
from grassroots.reports import counting
from tests.demo.loaded import demo_for_module
from tests.exchange.helpers import imported
from tests.exchange.test_round_trip import (
    _empty_database,
    _files,
    _members_by_status,
    _memberships,
)

pytestmark = pytest.mark.xdist_group("demo-round-trip")

TODAY = dt.date(2026, 11, 29)
PERIODS = [
    story.PERIOD_2021_2023,
    (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    # Across the reform of 1 July 2025.
    (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
]
RESTATED_ON = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker, TODAY) as loaded:
        assert loaded is True
        yield


def _reports(units):
    figures = {}
    for unit in units:
        for start, end in PERIODS:
            figures[(unit.code, start, None)] = counting.count(unit, start, end)
            figures[(unit.code, start, RESTATED_ON)] = counting.count(
                unit, start, end, restate_on=RESTATED_ON
            )
    return figures


def test_the_whole_demo_comes_back_file_by_file_and_report_by_report(demo, db, tmp_path):
    files, memberships, statuses = _files(), _memberships(), _members_by_status()
    reports = _reports(Unit.objects.all())
    # What the first build lost: members admitted before the records (no admission row).
    assert Membership.objects.filter(admission__isnull=True).count() > 1000
    # The work list's stored time limits agree with the rule engine before and after.
    assert DossierDue.objects.exists() and dues.check() == 0
    exporter.write_csv_folder(tmp_path / "demo")
    _empty_database()
    assert not Unit.objects.exists()

    imported(tmp_path / "demo")

    for name in FILES:
        assert _files()[name] == files[name], name
    assert _memberships() == memberships
    assert _members_by_status() == statuses
    assert _reports(Unit.objects.all()) == reports
    assert timeline.rebuild_ancestry(check=True) == (set(), set())
    assert DossierDue.objects.exists() and dues.check() == 0
    print(
        {name: len(rows) - 1 for name, rows in files.items()},
        f"{len(reports)} report figures",
    )


def test_a_ward_exported_alone_imports_into_an_empty_database(demo, db, tmp_path):
    ward = Unit.objects.get(code="DN-DB")
    below = list(Unit.objects.filter(path__startswith=ward.path))
    files, reports = _files(ward), _reports(below)
    assert len(below) > 10 and Membership.objects.filter(unit__in=below).exists()
    exporter.write_csv_folder(tmp_path / "ward", unit=ward)
    _empty_database()

    imported(tmp_path / "ward")

    ward = Unit.objects.get(code="DN-DB")
    assert _files(ward) == files
    assert _reports(Unit.objects.filter(path__startswith=ward.path)) == reports


def test_the_former_town_committee_exported_alone_imports_with_its_conference(demo, db, tmp_path):
    # The reform ended the town committee; its conference of January 2025 names cells that
    # stand under the city's wards now. Its export carries their versions, so the importer
    # sees that they stood below the committee on the conference's day. (Its report "as it
    # was" counts those cells' admissions, which a subtree export of today's tree does not
    # carry: only the files are compared.)
    town = Unit.objects.get(code="DB")
    files = _files(town)
    assert len(files["conferences"]) == 2 and len(files["conference_tasks"]) == 3
    exporter.write_csv_folder(tmp_path / "town", unit=town)
    _empty_database()

    imported(tmp_path / "town")

    assert _files(Unit.objects.get(code="DB")) == files

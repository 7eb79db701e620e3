"""The per-unit counters (org.UnitTally) equal a fresh count after every kind of writer."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from grassroots.demo.generator import generate
from grassroots.org import restructure, tally
from grassroots.org.models import Unit, UnitTally
from grassroots.paths import under
from grassroots.people import services as people_services
from grassroots.people.models import Membership, Person
from grassroots.transfers import services as transfer_services
from tests.exchange.helpers import STORY, write
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db

ACTIVE = (Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL)


def fresh_counts():
    """{unit id: (direct people, direct members, subtree people, subtree members)} by COUNT."""
    people = dict(
        Person.objects.filter(unit__isnull=False)
        .values_list("unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    members = dict(
        Membership.objects.filter(status__in=ACTIVE)
        .values_list("unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {}
    for unit in Unit.objects.all():
        below = list(Unit.objects.filter(under(unit.path)).values_list("id", flat=True))
        row = (
            people.get(unit.id, 0),
            members.get(unit.id, 0),
            sum(people.get(i, 0) for i in below),
            sum(members.get(i, 0) for i in below),
        )
        if any(row):
            counts[unit.id] = row
    return counts


def tallied():
    return {
        t.unit_id: (t.direct_people, t.direct_members, t.people, t.active_members)
        for t in UnitTally.objects.all()
        if any((t.direct_people, t.direct_members, t.people, t.active_members))
    }


def test_the_town_is_counted(town):
    assert tallied() == fresh_counts()
    town_tally = UnitTally.objects.get(unit=town.unit("TOWN"))
    assert town_tally.people == Person.objects.filter(unit__isnull=False).count()


def test_services_keep_the_counters(town):
    person = people_services.person_create(
        trace=town.trace,
        national_id="001099000001",
        full_name="Lê Văn Mới",
        gender="male",
        birth_date=dt.date(1990, 1, 1),
        unit=town.unit("W1C1G1"),
    )
    assert tallied() == fresh_counts()
    people_services.person_update(trace=town.trace, person=person, unit=town.unit("W2C1"))
    assert tallied() == fresh_counts()
    people_services.person_update(trace=town.trace, person=person, unit=None)
    assert tallied() == fresh_counts()
    person.delete()
    assert tallied() == fresh_counts()


def test_memberships_and_transfers_keep_the_counters(town):
    membership = make_member(town, "001090000004", "W1C1")
    assert tallied() == fresh_counts()
    transfer = issue(town, "001090000004", to_unit=town.unit("W2C1"), issued_on=dt.date(2026, 4, 1))
    assert tallied() == fresh_counts()
    transfer_services.transfer_receive(
        trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 7)
    )
    assert tallied() == fresh_counts()
    membership.refresh_from_db()
    membership.status = Membership.Status.LEFT
    membership.save()
    assert tallied() == fresh_counts()
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.OFFICIAL)
    assert tallied() == fresh_counts()
    type(transfer).objects.filter(pk=transfer.pk).delete()
    Membership.objects.filter(pk=membership.pk).delete()
    assert tallied() == fresh_counts()


def test_a_unit_move_moves_its_figures_to_the_new_ancestors(town):
    make_member(town, "001090000004", "W1C1")
    before = UnitTally.objects.get(unit=town.unit("W1C1")).people
    assert before > 0
    restructure.unit_move(
        trace=town.trace,
        unit=town.unit("W1C1"),
        new_parent=town.unit("W2"),
        day=dt.date(2025, 7, 1),
    )
    assert tallied() == fresh_counts()
    assert UnitTally.objects.get(unit=town.unit("W1C1")).people == before


def test_an_import_keeps_the_counters(town, tmp_path):
    call_command("import", str(write(tmp_path, **STORY)), stdout=io.StringIO())
    assert tallied() == fresh_counts()


def test_the_generator_keeps_the_counters(town):
    generate(units=30, people=300, seed=5, append=True)
    assert tallied() == fresh_counts()
    root = UnitTally.objects.get(unit__code="G5")
    assert root.people == 300


def test_rebuild_restores_counters_written_wrong(town):
    UnitTally.objects.update(people=0, direct_people=7)
    out = io.StringIO()
    call_command("rebuild_unit_counts", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert tallied() == fresh_counts()


def test_every_counter_trigger_is_installed_after_the_migrations():
    """A migration that alters people_person or people_membership on SQLite makes the table
    anew, which drops its triggers: each such migration sets them aside and installs them
    again. Every trigger of `tally.install_sql` is there once all migrations have run."""
    vendor = connection.vendor
    expected = set()
    for sql in tally.install_sql(vendor):
        expected.update(re.findall(r"CREATE TRIGGER (\w+)", sql))
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        installed = {name for (name,) in cursor.fetchall()}
    assert len(expected) == 7
    assert expected <= installed, expected - installed

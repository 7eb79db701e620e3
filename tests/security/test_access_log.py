"""Who reviews the log of reads of personal data (issue 15, item 4).

The officers of a unit (organisation committee, administrator) review the reads below
it; the log is scoped when it is read, against the tree as it stands.
"""

import datetime as dt

import pytest
from django.urls import reverse

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.history.services import Trace
from grassroots.org import restructure
from tests.api.conftest import ApiClient, bearer_for

pytestmark = pytest.mark.django_db

ACCESSES = "/history/accesses/"
LAN, DUNG, BICH, TU = "001090000002", "001090000003", "001090000004", "001090000001"


def _officer(town, username, code, role=Role.ADMINISTRATOR):
    user = town.user(username)
    RoleAssignment.objects.create(user=user, unit=town.unit(code), role=role)
    return user


def _log(client, **filters):
    response = client.get(ACCESSES, filters)
    assert response.status_code == 200
    return list(response.context["page_obj"])


def test_the_secretarys_list_reads_are_seen_by_the_committee_above(client_for, town):
    """Finding: the secretary's list reads were filed where their committee could not
    see them (the organisation committee could not open the log at all)."""
    client_for("secretary").get(reverse("people:list"))
    rows = _log(client_for("org"))
    assert {(a.actor.username, a.person.national_id) for a in rows} == {
        ("secretary", LAN),
        ("secretary", DUNG),
    }


def test_api_list_reads_are_seen_by_the_officer_of_the_unit(client_for, town):
    """Finding: the API people list was filed under no unit, so only the officers of the
    root unit saw it."""
    _token, plaintext = bearer_for(town.user("w1_clerk"))
    assert ApiClient(plaintext).get("/api/v1/people", {"unit": "W1C1"}).status_code == 200
    _officer(town, "w1_viewer", "W1")
    rows = _log(client_for("w1_viewer"))
    assert {(a.actor.username, a.person.national_id) for a in rows} == {("w1_clerk", BICH)}


@pytest.mark.parametrize(
    "route",
    [
        ("people:edit", [BICH]),
        ("people:history", [BICH]),
        ("pipeline:sources", []),
        ("history:list", []),
    ],
)
def test_pages_that_were_not_logged_are_logged(client_for, town, route):
    """Finding: the person edit and history pages, the sources list and the history page
    showed national IDs without an access record (tests/security/test_reads_logged.py
    walks every route; these are the ones named in the issue)."""
    from tests.pipeline.walk import trained_person

    trained_person(town)
    name, args = route
    assert client_for("org").get(reverse(name, args=args)).status_code == 200
    rows = _log(client_for("admin"), user="org")
    assert BICH in {a.person.national_id for a in rows if a.person}


def test_the_log_follows_a_unit_that_moves(client_for, town):
    client_for("w1_viewer").get(reverse("org:unit", args=["W1C1"]))
    _officer(town, "outsider", "W2")
    assert _log(client_for("outsider")) == []
    restructure.unit_move(
        trace=Trace(user=town.user("admin")),
        unit=town.unit("W1C1"),
        new_parent=town.unit("W2"),
        day=dt.date(2025, 7, 1),
    )
    rows = _log(client_for("outsider"))
    assert {(a.actor.username, a.unit.code) for a in rows} == {("w1_viewer", "W1C1")}
    _officer(town, "w1_clerk", "W1")
    assert _log(client_for("w1_clerk")) == []


def test_an_officer_filters_the_log_by_person_and_by_user(client_for, town):
    client_for("secretary").get(reverse("people:detail", args=[LAN]))
    client_for("secretary").get(reverse("people:detail", args=[DUNG]))
    client_for("w1_clerk").get(reverse("people:detail", args=[BICH]))
    client = client_for("org")
    assert {a.person.national_id for a in _log(client, person=LAN)} == {LAN}
    assert {a.person.national_id for a in _log(client, user="secretary")} == {LAN, DUNG}
    assert {a.actor.username for a in _log(client, user="w1_clerk")} == {"w1_clerk"}


def test_an_officer_of_a_ward_sees_nothing_of_another_ward(client_for, town):
    client_for("w1_clerk").get(reverse("people:detail", args=[BICH]))
    client_for("secretary").get(reverse("people:detail", args=[LAN]))
    _officer(town, "outsider", "W2", Role.ORGANISATION_COMMITTEE)
    assert _log(client_for("outsider")) == []
    assert _log(client_for("outsider"), person=BICH) == []


@pytest.mark.parametrize("username", ["secretary", "w1_clerk", "w1_viewer"])
def test_roles_below_the_officers_may_not_read_the_log(client_for, username):
    assert client_for(username).get(ACCESSES).status_code == 403


def test_reading_the_log_is_itself_logged(client_for, town):
    client_for("secretary").get(reverse("people:detail", args=[LAN]))
    _log(client_for("org"))
    rows = _log(client_for("admin"), user="org")
    assert {(a.what, a.person.national_id) for a in rows} == {("Access log", LAN)}


def test_a_read_of_a_person_without_a_unit_is_for_root_officers(client_for, town):
    from grassroots.people.services import person_update

    person_update(trace=Trace.system("test"), person=town.people[TU], unit=None)
    client_for("admin").get(reverse("people:detail", args=[TU]))
    assert {a.person.national_id for a in _log(client_for("org"))} == {TU}
    _officer(town, "w1_viewer", "W1")
    assert _log(client_for("w1_viewer")) == []

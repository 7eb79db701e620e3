"""Lists that show national IDs log one Access row per person shown, in one statement,
naming the list, its filter and the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.history.models import Access
from tests.factories import PersonFactory
from tests.transfers.helpers import make_member

pytestmark = pytest.mark.django_db


def _views():
    return list(Access.objects.filter(kind=Access.Kind.VIEW).order_by("id"))


def test_the_people_list_logs_each_person_shown_in_one_statement(client_for, town):
    # Named here: the factory's names cycle, so which three it gives depends on the tests
    # that ran before in the same process.
    for name in ("Nguyễn Văn Bình", "Nguyễn Thị Mai", "Trần Thị Thu"):
        PersonFactory(unit=town.unit("W1C2"), full_name=name)
    client = client_for("org")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:list"), {"q": "nguyen", "unit": "W1"})
    assert response.status_code == 200
    assert not response.context["form"].errors, response.context["form"].errors
    assert response.context["page_obj"].object_list, "the list shows nobody"
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "history_access"')]
    assert len(inserts) == 1
    shown = _views()
    assert {a.actor for a in shown} == {town.user("org")}
    assert {a.what for a in shown} == {"People list (search: nguyen, unit: W1, page: 1)"}
    people = {a.person.national_id: a.unit for a in shown}
    assert people and all(unit.code.startswith("W1") for unit in people.values())


def test_an_unfiltered_list_files_each_row_under_the_persons_unit(client_for, town):
    client_for("secretary").get(reverse("people:list"), {"page": "1"})
    rows = _views()
    assert {a.what for a in rows} == {"People list (page: 1)"}
    assert {a.unit.code for a in rows} == {"HS"}
    assert {a.person.national_id for a in rows} == {"001090000002", "001090000003"}


def test_the_unit_page_logs_its_people_section(client_for, town):
    client_for("w1_viewer").get(reverse("org:unit", args=["W1C1"]))
    (access,) = _views()
    assert access.what == "Unit page, people (unit: W1C1, page: 1)"
    assert (access.person.national_id, access.unit.code) == ("001090000004", "W1C1")


def test_the_member_register_logs_its_filter(client_for, town):
    make_member(town, "001090000004", "W1C1")
    client_for("w1_clerk").get(reverse("pipeline:members"), {"status": "official", "q": "bich"})
    (access,) = _views()
    assert access.actor == town.user("w1_clerk")
    assert access.what == "Member register (search: bich, status: official member, page: 1)"
    assert access.person.national_id == "001090000004"


def test_the_administrator_reads_list_views_in_the_access_log(client_for, town):
    client_for("secretary").get(reverse("people:list"))
    page = client_for("admin").get(reverse("history:accesses")).content.decode()
    assert "People list (page: 1)" in page


def test_a_filter_on_a_unit_not_found_logs_nothing(client_for):
    response = client_for("secretary").get(reverse("people:list"), {"unit": "W1"})
    assert "No unit" in response.content.decode()
    assert not _views()


def test_an_empty_page_logs_nothing(client_for):
    client_for("secretary").get(reverse("people:list"), {"q": "nobody of that name"})
    assert not _views()

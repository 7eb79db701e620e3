"""Lists that show national IDs log one Access row per page view, naming list and filter."""

import pytest
from django.urls import reverse

from grassroots.history.models import Access
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _views():
    return list(Access.objects.filter(kind=Access.Kind.VIEW).order_by("id"))


def test_the_people_list_logs_one_row_per_page_not_per_person(client_for, town):
    PersonFactory.create_batch(3, unit=town.unit("W1C2"))
    client_for("org").get(reverse("people:list"), {"q": "nguyen", "unit": "W1"})
    (access,) = _views()
    assert access.actor == town.user("org")
    assert access.what == "People list (search: nguyen, unit: W1, page: 1)"
    assert access.unit_path == town.unit("W1").path


def test_an_unfiltered_list_is_filed_under_the_users_own_unit(client_for, town):
    client_for("secretary").get(reverse("people:list"), {"page": "1"})
    (access,) = _views()
    assert access.what == "People list (page: 1)"
    assert access.unit_path == town.unit("HS").path


def test_the_unit_page_logs_its_people_section(client_for, town):
    client_for("w1_viewer").get(reverse("org:unit", args=["W1C1"]))
    (access,) = _views()
    assert access.what == "Unit page, people (unit: W1C1, page: 1)"
    assert access.unit_path == town.unit("W1C1").path


def test_the_member_register_logs_its_filter(client_for, town):
    client_for("w1_clerk").get(reverse("pipeline:members"), {"status": "official", "q": "bich"})
    (access,) = _views()
    assert access.actor == town.user("w1_clerk")
    assert access.what == "Member register (search: bich, status: official member, page: 1)"
    assert access.unit_path == town.unit("W1").path


def test_the_administrator_reads_list_views_in_the_access_log(client_for, town):
    client_for("secretary").get(reverse("people:list"))
    page = client_for("admin").get(reverse("history:accesses")).content.decode()
    assert "People list (page: 1)" in page


def test_a_404_filter_logs_nothing(client_for):
    assert client_for("secretary").get(reverse("people:list"), {"unit": "W1"}).status_code == 404
    assert not _views()

import datetime as dt

import pytest
from django.urls import reverse

from grassroots.org import selectors
from grassroots.people.models import Membership


def _member(town, national_id, code, status=Membership.Status.OFFICIAL):
    return Membership.objects.create(
        person=town.people[national_id],
        unit=town.unit(code),
        status=status,
        admitted_on=dt.date(2020, 1, 1),
    )


def _flatten(nodes):
    for node in nodes:
        yield node
        yield from _flatten(node.children)


@pytest.mark.django_db
def test_counts_add_up_over_the_subtree(town, django_assert_max_num_queries):
    _member(town, "001090000004", "W1C1")
    _member(town, "001090000001", "W1", Membership.Status.PROBATIONARY)
    _member(town, "001090000002", "HS", Membership.Status.LEFT)
    with django_assert_max_num_queries(7):
        nodes = {n.code: n for n in _flatten(selectors.tree_for(town.user("org")))}
    assert (nodes["TOWN"].people_count, nodes["TOWN"].member_count) == (6, 2)
    assert (nodes["W1"].people_count, nodes["W1"].member_count) == (2, 2)
    assert (nodes["W1C1"].people_count, nodes["W1C1"].member_count) == (1, 1)
    assert (nodes["HS"].people_count, nodes["HS"].member_count) == (2, 0)
    assert (nodes["W2"].people_count, nodes["W2"].member_count) == (2, 0)


@pytest.mark.django_db
def test_tree_renders_three_levels_and_loads_deeper_ones_on_demand(client_for):
    client = client_for("org")
    page = client.get(reverse("org:tree")).content.decode()
    assert 'data-code="W1C1"' in page
    assert 'data-code="W1C1G1"' not in page
    assert reverse("org:children", args=["W1C1"]) in page
    part = client.get(reverse("org:children", args=["W1C1"]), HTTP_HX_REQUEST="true")
    assert 'data-code="W1C1G1"' in part.content.decode()
    assert "<html" not in part.content.decode()


@pytest.mark.django_db
def test_secretary_sees_only_the_high_school(client_for):
    page = client_for("secretary").get(reverse("org:tree")).content.decode()
    assert 'data-code="HS"' in page
    assert 'data-code="TOWN"' not in page
    assert 'data-code="W1"' not in page


@pytest.mark.django_db
def test_tree_page_queries_do_not_grow_with_the_tree(client_for, django_assert_max_num_queries):
    client = client_for("org")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("org:tree")).status_code == 200


@pytest.mark.django_db
def test_unit_page_shows_facts_people_and_history(client_for, django_assert_max_num_queries):
    client = client_for("org")
    with django_assert_max_num_queries(24):
        page = client.get(reverse("org:unit", args=["HS"])).content.decode()
    assert "Education" in page  # the sector set on HS
    assert "Gò Nổi" in page  # the cluster inherited from TOWN
    assert "Nguyễn Thị Lan" in page
    assert 'id="history"' in page


@pytest.mark.django_db
def test_outsider_gets_404_on_the_high_school(client_for):
    assert client_for("outsider").get(reverse("org:unit", args=["HS"])).status_code == 404

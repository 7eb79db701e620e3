import pytest
from django.urls import reverse

from grassroots.history.services import Trace
from grassroots.people import services as people_services


@pytest.mark.django_db
def test_history_shows_only_changes_in_the_users_units(client_for, town):
    people_services.person_update(
        trace=Trace(user=town.user("w1_clerk")), person=town.people["001090000001"], phone="0905"
    )
    people_services.person_update(
        trace=Trace(user=town.user("secretary")), person=town.people["001090000002"], phone="0906"
    )
    changes = client_for("secretary").get(reverse("history:list")).context["page_obj"]
    reprs = {c.object_repr for c in changes}
    assert "Nguyễn Thị Lan" in reprs
    assert "Đặng Hữu Tú" not in reprs
    assert "Town committee (TOWN)" not in reprs


@pytest.mark.django_db
def test_history_filters_by_record_type_and_cause(client_for, town):
    people_services.person_update(
        trace=Trace(user=town.user("org")), person=town.people["001090000001"], phone="0905"
    )
    client = client_for("org")
    people = client.get(reverse("history:list"), {"model": "people.person", "cause": "form"})
    assert [c.object_repr for c in people.context["page_obj"]] == ["Đặng Hữu Tú"]
    units = client.get(reverse("history:list"), {"model": "org.unit"}).context["page_obj"]
    assert {c.model for c in units} == {"org.unit"}


@pytest.mark.django_db
def test_history_list_queries_stay_flat(client_for, django_assert_max_num_queries):
    client = client_for("org")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("history:list")).status_code == 200


@pytest.mark.django_db
def test_access_log_shows_reads_in_the_admins_units(client_for, town):
    from grassroots.accounts.models import Role, RoleAssignment

    client = client_for("secretary")
    client.get(reverse("people:detail", args=["001090000002"]))
    client_for("w1_clerk").get(reverse("people:detail", args=["001090000001"]))
    hs_admin = town.user("w1_viewer")
    RoleAssignment.objects.create(user=hs_admin, unit=town.unit("HS"), role=Role.ADMINISTRATOR)
    client.force_login(hs_admin)
    rows = client.get(reverse("history:accesses")).context["page_obj"]
    assert [(a.actor.username, a.kind) for a in rows] == [("secretary", "view")]
    assert client_for("secretary").get(reverse("history:accesses")).status_code == 403

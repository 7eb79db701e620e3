import datetime as dt

import pytest
from django.urls import reverse

from grassroots.people.models import Membership
from grassroots.transfers.models import Transfer

from .helpers import issue, make_member

BICH = "001090000004"  # W1C1
AN = "001090000005"  # W2C1
LAN = "001090000002"  # HS

pytestmark = pytest.mark.django_db


def test_clerk_issues_a_letter_through_the_form(client_for, town):
    make_member(town, BICH, "W1C1")
    client = client_for("w1_clerk")
    url = reverse("transfers:new") + f"?person={BICH}"
    assert "Trần Thị Bích" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "official",
            "issued_on": "2026-04-01",
            "to_unit": "W2C1",
            "letter_no": "15-GT/ĐU",
            "dues_paid_until": "2026-03",
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("transfers:detail", kwargs={"pk": transfer.pk})
    assert (transfer.to_unit.code, transfer.report_by) == ("W2C1", dt.date(2026, 5, 18))


def test_a_form_with_both_unit_and_destination_shows_the_error_on_the_field(client_for, town):
    make_member(town, BICH, "W1C1")
    response = client_for("w1_clerk").post(
        reverse("transfers:new") + f"?person={BICH}",
        {
            "kind": "official",
            "issued_on": "2026-04-01",
            "to_unit": "W2C1",
            "destination": "Abroad",
            "destination_type": "abroad",
        },
    )
    assert response.status_code == 200
    assert "destination" in response.context["form"].errors
    assert not Transfer.objects.exists()


def test_receiving_unit_records_the_arrival_and_the_member_moves(client_for, town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    client = client_for("outsider")  # secretary of W2
    detail = client.get(reverse("transfers:detail", kwargs={"pk": transfer.pk}))
    assert "The member has arrived" in detail.content.decode()
    response = client.post(
        reverse("transfers:receive", kwargs={"pk": transfer.pk}), {"arrived_on": "2026-04-15"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.unit.code == "W2C1"


def test_sending_unit_sees_the_transfer_but_cannot_receive_it(client_for, town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    client = client_for("w1_clerk")
    detail = client.get(reverse("transfers:detail", kwargs={"pk": transfer.pk}))
    assert detail.status_code == 200
    assert "The member has arrived" not in detail.content.decode()
    response = client.post(
        reverse("transfers:receive", kwargs={"pk": transfer.pk}), {"arrived_on": "2026-04-15"}
    )
    assert response.status_code == 403


def test_secretary_cannot_see_a_transfer_between_other_units(client_for, town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    client = client_for("secretary")  # HS
    assert client.get(reverse("transfers:detail", kwargs={"pk": transfer.pk})).status_code == 404
    assert BICH not in client.get(reverse("transfers:list")).content.decode()


def test_list_filters_by_direction_and_status(client_for, town):
    make_member(town, BICH, "W1C1")
    make_member(town, LAN, "HS")
    issue(town, BICH, to_unit=town.unit("W1C2"))
    issue(town, LAN, destination="Huế University", destination_type="university")
    client = client_for("org")
    page = client.get(reverse("transfers:list"), {"direction": "out"})
    assert [t.person.national_id for t in page.context["transfers"]] == [LAN]
    page = client.get(reverse("transfers:list"), {"status": "issued"})
    assert [t.person.national_id for t in page.context["transfers"]] == [BICH]


def test_list_needs_a_fixed_number_of_queries(client_for, town, django_assert_max_num_queries):
    for national_id, unit in [(BICH, "W1C1"), (LAN, "HS"), (AN, "W2C1")]:
        make_member(town, national_id, unit)
        issue(town, national_id, to_unit=town.unit("W1C2") if unit != "W1C2" else None)
    client = client_for("admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("transfers:list"))
    assert len(response.context["transfers"]) == 3


def test_member_from_outside_registered_through_the_form(client_for, town):
    client = client_for("outsider")
    response = client.post(
        reverse("transfers:incoming"),
        {
            "national_id": AN,
            "kind": "official",
            "origin": "Tam Kỳ city committee",
            "to_unit": "W2C1",
            "issued_on": "2026-03-02",
            "arrived_on": "2026-03-09",
            "membership_status": "official",
            "admitted_on": "2015-02-03",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=town.people[AN])
    assert (membership.unit.code, membership.status) == ("W2C1", "official")


def test_incoming_form_offers_only_units_where_the_user_records_steps(client_for, town):
    response = client_for("outsider").get(reverse("transfers:incoming"))
    codes = {u.code for u in response.context["form"].fields["to_unit"].queryset}
    assert codes == {"W2", "W2C1"}


def test_person_page_lists_transfers_and_units_over_time(client_for, town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    from grassroots.transfers import services

    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 8))
    page = client_for("org").get(reverse("people:detail", args=[BICH])).content.decode()
    assert "Units over time" in page
    assert "W1C1" in page and "W2C1" in page

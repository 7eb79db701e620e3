"""A member leaves the organisation: the committee records the day and the reason, the
membership ends, and a later readmission is checked against what the register says."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.org.selectors import unit_totals
from grassroots.people.models import Membership
from grassroots.pipeline import services as pipeline_services
from grassroots.transfers import services

from ..pipeline.helpers import refused_by
from ..pipeline.walk import OPENED, record, seed_cell, trace_for
from .helpers import issue, make_member

pytestmark = pytest.mark.django_db

BICH = "001090000004"  # lives in W1C1
LEFT_ON = dt.date(2021, 3, 27)


def _leave(town, membership, user="org", **fields):
    fields.setdefault("ended_on", LEFT_ON)
    fields.setdefault("reason", "resigned")
    return services.membership_leave(
        trace=Trace(user=town.user(user) if user else None), membership=membership, **fields
    )


def test_the_committee_records_that_a_member_left_with_the_day_the_reason_and_a_trace(town):
    membership = make_member(town, BICH, "W1C1")
    assert unit_totals(town.unit("W1"))[1] == 1
    _leave(town, membership, note="Decision 12-QĐ/ĐU of 27 March 2021")
    assert unit_totals(town.unit("W1"))[1] == 0  # no longer counted as a member
    membership.refresh_from_db()
    assert (membership.status, membership.ended_on, membership.leave_reason) == (
        "left",
        LEFT_ON,
        "resigned",
    )
    change = Change.objects.get(model="people.membership", object_id=str(membership.pk))
    assert change.actor == town.user("org")
    assert change.before["status"] == "official" and change.before["ended_on"] is None
    assert change.reason == "Decision 12-QĐ/ĐU of 27 March 2021"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ended_on": dt.date(2020, 5, 18)}, "ended_on"),  # before the admission
        ({"ended_on": dt.date(2999, 1, 1)}, "ended_on"),
        ({"ended_on": None}, "ended_on"),
        ({"reason": "bored"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_a_leaving_the_register_cannot_hold_is_refused_naming_the_field(town, fields, field):
    membership = make_member(town, BICH, "W1C1")
    with pytest.raises(ValidationError) as refused:
        _leave(town, membership, **fields)
    assert field in refused.value.message_dict
    membership.refresh_from_db()
    assert membership.status == "official"
    assert not Change.objects.filter(model="people.membership").exists()


def test_a_membership_ends_once_and_not_while_a_transfer_is_under_way(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("HS"), issued_on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as refused:
        _leave(town, membership)
    assert "transfer" in refused.value.message_dict["reason"][0]
    services.transfer_cancel(trace=Trace(user=None), transfer=transfer, reason="mistake")
    _leave(town, membership)
    with pytest.raises(ValidationError) as refused:
        _leave(town, membership, ended_on=dt.date(2022, 1, 1))
    assert "already ended" in refused.value.message_dict["ended_on"][0]


def test_a_cell_records_steps_but_the_committee_decides_that_a_member_left(town, client):
    membership = make_member(town, BICH, "W1C1")
    with pytest.raises(PermissionDenied):
        _leave(town, membership, user="w1_clerk")
    with pytest.raises(Http404):
        _leave(town, membership, user="outsider")
    url = reverse("transfers:leave", kwargs={"pk": membership.pk})
    client.force_login(town.user("outsider"))
    assert client.get(url).status_code == 404
    client.force_login(town.user("w1_clerk"))
    assert client.get(url).status_code == 403
    page = client.get(reverse("people:detail", args=[BICH])).content.decode()
    assert url not in page
    membership.refresh_from_db()
    assert membership.status == "official"


def test_the_committee_records_it_on_the_person_page(town, client):
    membership = make_member(town, BICH, "W1C1")
    client.force_login(town.user("org"))
    person_page = reverse("people:detail", args=[BICH])
    url = reverse("transfers:leave", kwargs={"pk": membership.pk})
    assert url in client.get(person_page).content.decode()
    form = client.get(url)
    assert form.status_code == 200 and "resigned" in form.content.decode()
    refused = client.post(url, {"ended_on": "2999-01-01", "reason": "resigned"})
    assert refused.status_code == 200
    assert "The date lies in the future." in refused.content.decode()
    done = client.post(url, {"ended_on": "2021-03-27", "reason": "resigned", "note": "12-QĐ"})
    assert done.status_code == 302 and done.url == person_page
    membership.refresh_from_db()
    assert (membership.status, membership.leave_reason) == ("left", "resigned")
    page = client.get(person_page).content.decode()
    assert f'href="{url}"' not in page
    assert "Left the organisation on 27/03/2021: resigned." in page


def test_a_readmission_is_checked_against_the_reason_the_register_holds(town):
    """The charter bars readmission for some reasons of leaving. The application's typed
    reason cannot set aside the one the committee recorded."""
    membership = make_member(town, BICH, "W1C1")
    _leave(town, membership, reason="resigned")
    seed_cell(town, "W1C1")
    dossier = pipeline_services.dossier_open(
        trace=trace_for(town, "org"),
        person=town.people[BICH],
        unit=town.unit("W1C1"),
        opened_on=OPENED,
        readmission=True,
    )
    application = {
        "left_on": LEFT_ON.isoformat(),
        "leave_reason": "moved_away",  # a reason that would allow it
        "provincial_consent_no": "12-CV/TU",
    }
    with refused_by("readmission_reason"):
        record(town, dossier, "application", data=application)

    Membership.objects.filter(pk=membership.pk).update(leave_reason="moved_away")
    record(town, dossier, "application", data=application)


def test_a_leaving_recorded_by_mistake_is_taken_back_with_a_reason_and_both_stay_in_history(
    town, client
):
    membership = make_member(town, BICH, "W1C1")
    _leave(town, membership)
    client.force_login(town.user("org"))
    person_page = reverse("people:detail", args=[BICH])
    url = reverse("transfers:leave_undo", kwargs={"pk": membership.pk})
    assert url in client.get(person_page).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    done = client.post(url, {"reason": "Recorded for the wrong person."})
    assert done.status_code == 302 and done.url == person_page
    membership.refresh_from_db()
    # The status its own dates give: official since 2020.
    assert (membership.status, membership.ended_on, membership.leave_reason) == (
        "official",
        None,
        "",
    )
    assert unit_totals(town.unit("W1"))[1] == 1
    changes = Change.objects.filter(model="people.membership", object_id=str(membership.pk))
    assert [c.before["status"] for c in changes.order_by("pk")] == ["official", "left"]
    assert changes.latest("pk").reason == "Recorded for the wrong person."
    with pytest.raises(ValidationError):  # in force: nothing to take back
        services.membership_leave_undo(
            trace=Trace(user=town.user("org")), membership=membership, reason="again"
        )


def test_a_leaving_followed_by_a_readmission_cannot_be_taken_back(town, client):
    membership = make_member(town, BICH, "W1C1")
    _leave(town, membership)
    Membership.objects.create(
        person=membership.person,
        unit=membership.unit,
        status=Membership.Status.PROBATIONARY,
        admitted_on=dt.date(2025, 1, 2),
        readmission=True,
    )
    with pytest.raises(ValidationError) as refused:
        services.membership_leave_undo(
            trace=Trace(user=town.user("org")), membership=membership, reason="mistake"
        )
    assert "admitted again" in refused.value.message_dict["reason"][0]
    client.force_login(town.user("org"))
    url = reverse("transfers:leave_undo", kwargs={"pk": membership.pk})
    assert url not in client.get(reverse("people:detail", args=[BICH])).content.decode()
    client.force_login(town.user("w1_clerk"))
    assert client.post(url, {"reason": "mistake"}).status_code == 403

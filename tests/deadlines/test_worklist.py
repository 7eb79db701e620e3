import datetime as dt

import pytest
from django.urls import reverse

from grassroots.deadlines.selectors import SYSTEM, work_list
from grassroots.pipeline import dues
from grassroots.pipeline.models import Admission, Course, Enrollment
from tests.transfers.helpers import issue, make_member

BICH = "001090000004"  # W1C1
TU = "001090000001"  # W1
LAN = "001090000002"  # HS
AN = "001090000005"  # W2C1
TODAY = dt.date(2026, 5, 20)

pytestmark = pytest.mark.django_db


def _course(town):
    return Course.objects.create(
        code="K1-2021",
        organizer=town.unit("TOWN"),
        title="Awareness course",
        start_date=dt.date(2021, 6, 1),
        end_date=dt.date(2021, 6, 5),
    )


def _certificate(town, course, national_id, day, result="completed"):
    return Enrollment.objects.create(
        course=course,
        person=town.people[national_id],
        result=result,
        certificate_no=f"C-{national_id[-2:]}",
        certificate_date=day,
    )


def _transfers(town):
    make_member(town, BICH, "W1C1")
    make_member(town, AN, "W2C1")
    # report_by 18 May 2026: two days overdue on TODAY.
    issue(town, BICH, to_unit=town.unit("W1C2"), issued_on=dt.date(2026, 4, 1))
    # report_by 2 June 2026 (in 13 days).
    issue(town, AN, to_unit=town.unit("HS"), issued_on=dt.date(2026, 4, 16))


def test_items_come_most_overdue_first(town):
    _transfers(town)
    course = _course(town)
    _certificate(town, course, LAN, dt.date(2021, 5, 20))  # expires today
    _certificate(town, course, TU, dt.date(2021, 6, 10))  # expires in 21 days
    items = work_list(town.user("admin"), TODAY)
    assert [(i["kind"], i["person"].national_id, i["urgency"]) for i in items] == [
        ("transfer", BICH, "overdue"),
        ("certificate", LAN, "due_today"),
        ("transfer", AN, "upcoming"),
        ("certificate", TU, "upcoming"),
    ]
    assert items[0]["days_late"] == 2
    assert items[0]["due_on"] == dt.date(2026, 5, 18)


def test_nothing_beyond_thirty_days_is_listed(town):
    make_member(town, BICH, "W1C1")
    issue(town, BICH, to_unit=town.unit("W1C2"), issued_on=dt.date(2026, 5, 19))
    course = _course(town)
    _certificate(town, course, LAN, dt.date(2021, 7, 1))  # expires in 42 days
    assert work_list(town.user("admin"), TODAY) == []


def test_received_transfers_and_departures_out_of_the_system_are_not_listed(town):
    from grassroots.transfers import services

    make_member(town, BICH, "W1C1")
    make_member(town, AN, "W2C1")
    transfer = issue(town, BICH, to_unit=town.unit("W1C2"), issued_on=dt.date(2026, 4, 1))
    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 7))
    issue(town, AN, destination="Abroad", destination_type="abroad", issued_on=dt.date(2026, 4, 1))
    assert work_list(SYSTEM, TODAY) == []


def test_a_certificate_no_longer_matters_once_admitted_or_renewed(town):
    course = _course(town)
    _certificate(town, course, LAN, dt.date(2021, 5, 25))
    _certificate(town, course, TU, dt.date(2021, 5, 25))
    _certificate(town, course, BICH, dt.date(2021, 5, 25), result="failed")
    Admission.objects.create(
        person=town.people[LAN], unit=town.unit("HS"), decision_date=dt.date(2023, 1, 5)
    )
    newer = Course.objects.create(
        code="K2-2025",
        organizer=town.unit("TOWN"),
        title="Awareness course",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 5),
    )
    _certificate(town, newer, TU, dt.date(2025, 3, 5))
    assert work_list(SYSTEM, TODAY) == []


def test_secretary_sees_only_her_units_deadlines(town):
    _transfers(town)
    course = _course(town)
    _certificate(town, course, TU, dt.date(2021, 6, 10))
    items = work_list(town.user("secretary"), TODAY)
    # The transfer into HS only: Bích's transfer and Tú's certificate belong to Ward 1.
    assert [(i["kind"], i["person"].national_id) for i in items] == [("transfer", AN)]


def test_unit_filter_keeps_that_subtree(town):
    _transfers(town)
    items = work_list(town.user("admin"), TODAY, unit=town.unit("W1"))
    assert [i["person"].national_id for i in items] == [BICH]


def test_worklist_page_shows_items_and_404s_for_a_unit_out_of_scope(client_for, town):
    _transfers(town)
    client = client_for("w1_clerk")
    page = client.get(reverse("deadlines:worklist"))
    assert page.status_code == 200
    assert [i["person"].national_id for i in page.context["page_obj"].object_list] == [BICH]
    assert client.get(reverse("deadlines:worklist"), {"unit": "W2"}).status_code == 404


def test_worklist_page_keeps_its_queries_flat(client_for, town, django_assert_max_num_queries):
    _transfers(town)
    course = _course(town)
    for national_id in (LAN, TU):
        _certificate(town, course, national_id, dt.date(2021, 12, 1))
    client = client_for("admin")
    dues.ensure_current()  # the stored time limits are built once, not per request
    with django_assert_max_num_queries(19):
        client.get(reverse("deadlines:worklist"))


def test_pipeline_items_are_merged_when_the_pipeline_provides_them(town, monkeypatch):
    from grassroots.deadlines import selectors as deadline_selectors

    hs = town.unit("HS")
    lan = town.people[LAN]

    def due_items(user, today, **kwargs):
        return [
            {
                "kind": "ceremony",
                "person": lan,
                "unit": hs,
                "due_on": today - dt.timedelta(days=5),
                "url": "/pipeline/x/",
                "label": "Hold the ceremony",
            },
            {
                "kind": "ceremony",
                "person": lan,
                "unit": hs,
                "due_on": today + dt.timedelta(days=60),
                "url": "",
                "label": "Far away",
            },
        ]

    monkeypatch.setattr(deadline_selectors, "due_items", due_items)
    _transfers(town)
    items = work_list(town.user("admin"), TODAY)
    assert [(i["kind"], i["days_late"]) for i in items[:2]] == [("ceremony", 5), ("transfer", 2)]
    assert "Far away" not in [i["label"] for i in items]
    assert work_list(town.user("admin"), TODAY, unit=town.unit("W1"))[0]["kind"] == "transfer"

"""Every transfers URL (tests/urlcheck.py contract)."""

import datetime as dt

from tests.transfers.helpers import issue, make_member
from tests.urlcheck import Route

BICH = "001090000004"  # a member of W1C1


def _member(town):
    make_member(town, BICH, "W1C1")
    return {}


def _membership(town):
    return {"pk": make_member(town, BICH, "W1C1").pk}


def _left(town):
    membership = make_member(town, BICH, "W1C1", status="left")
    return {"pk": membership.pk}


def _transfer(town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("HS"), issued_on=dt.date(2026, 4, 1))
    return {"pk": transfer.pk}


ROUTES = [
    Route("transfers:list"),
    Route("transfers:export"),
    Route("transfers:export_xlsx"),
    Route(
        "transfers:new",
        kwargs=_member,
        data=lambda town: {"person": BICH},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route("transfers:incoming", weak_user="w1_viewer"),
    Route("transfers:detail", kwargs=_transfer, record_unit="W1C1"),
    Route(
        "transfers:receive",
        kwargs=_transfer,
        method="post",
        data=lambda town: {"arrived_on": "2026-04-10"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "transfers:end",
        kwargs=_transfer,
        method="post",
        data=lambda town: {"ended_on": "2026-04-10", "outcome": "returned"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "transfers:cancel",
        kwargs=_transfer,
        method="post",
        data=lambda town: {"reason": "issued by mistake"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "transfers:leave",
        kwargs=_membership,
        method="post",
        data=lambda town: {"ended_on": "2025-04-10", "reason": "resigned"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "transfers:leave_undo",
        kwargs=_left,
        method="post",
        data=lambda town: {"reason": "recorded by mistake"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
]

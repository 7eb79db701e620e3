import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.transfers.helpers import issue, make_member

BICH = "001090000004"  # W1C1
AN = "001090000005"  # W2C1

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfers(town):
    make_member(town, BICH, "W1C1")
    make_member(town, AN, "W2C1")
    issue(town, BICH, to_unit=town.unit("W1C2"), issued_on=dt.date(2026, 4, 1))  # due 18 May
    issue(town, AN, to_unit=town.unit("HS"), issued_on=dt.date(2026, 4, 16))  # due 2 June


def _remind(*args):
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_work_list_per_unit(transfers):
    output = _remind("--today", "2026-05-20")
    lines = output.splitlines()
    assert lines[0] == "Work list on 2026-05-20"
    # Units in tree order (children by code), each with its items.
    assert lines[1] == "HS · High school cell: 1 item"
    assert "2026-06-02" in lines[2] and "Phạm Văn An" in lines[2]
    assert lines[3] == "W1C2 · Residential area 2: 1 item"
    assert "2026-05-18" in lines[4] and "2 days late" in lines[4] and "Trần Thị Bích" in lines[4]


def test_it_narrows_to_one_unit(transfers):
    output = _remind("--today", "2026-05-20", "--unit", "HS")
    assert "Phạm Văn An" in output and "Trần Thị Bích" not in output


def test_it_says_when_nothing_is_due(town):
    assert "Nothing is due." in _remind("--today", "2026-05-20")


def test_it_refuses_an_unknown_unit_or_a_bad_date(town):
    with pytest.raises(CommandError):
        _remind("--unit", "NOPE")
    with pytest.raises(CommandError):
        _remind("--today", "20.05.2026")


def test_mail_sends_each_responsible_user_one_digest(transfers, town, mailoutbox):
    for username in ("org", "w1_clerk", "secretary", "outsider"):
        user = town.user(username)
        user.email = f"{username}@example.org"
        user.save(update_fields=["email"])
    output = _remind("--today", "2026-05-20", "--mail")
    by_recipient = {m.to[0]: m for m in mailoutbox}
    # admin has no address: no mail.
    assert sorted(by_recipient) == [
        "org@example.org",
        "outsider@example.org",
        "secretary@example.org",
        "w1_clerk@example.org",
    ]
    assert "Trần Thị Bích" in by_recipient["org@example.org"].body
    assert "Phạm Văn An" in by_recipient["org@example.org"].body
    assert "Phạm Văn An" not in by_recipient["w1_clerk@example.org"].body
    assert "Trần Thị Bích" not in by_recipient["secretary@example.org"].body
    # Both the sending (W2) and the receiving unit (HS) hear of An's transfer.
    assert "Phạm Văn An" in by_recipient["outsider@example.org"].body
    assert "1 overdue" in by_recipient["w1_clerk@example.org"].subject
    assert "4 digests sent." in output


def test_mail_for_a_unit_goes_to_users_on_the_unit_or_above(transfers, town, mailoutbox):
    for username in ("org", "w1_clerk", "secretary", "outsider"):
        user = town.user(username)
        user.email = f"{username}@example.org"
        user.save(update_fields=["email"])
    _remind("--today", "2026-05-20", "--unit", "W1C2", "--mail")
    assert sorted(m.to[0] for m in mailoutbox) == ["org@example.org", "w1_clerk@example.org"]
    assert all("Phạm Văn An" not in m.body for m in mailoutbox)

"""Doors to another unit's records that the every-URL test does not walk, each found by
probing as a user of one ward against the records of its sibling (tests/town.py: W1 and
W2 under TOWN), and the trace those doors leave.

- a web upload names people by national ID: someone out of the uploader's sight reads as
  unknown (as on the pages and in the API), so an upload neither files a record about
  them nor probes the register, and an existing person's unit is never named;
- erasing a person is for the administrators above that person: one of another root unit
  gets what a person that does not exist gets;
- an account's history (roles granted and revoked, passwords reset) is read by the
  administrators who manage the account, as its pages are: not by a viewer or clerk of a
  unit where the account once held a role (whose later roles elsewhere it names);
- a member transferred officially during probation is confirmed by the receiving side,
  whose roll holds them (the service's rule): the confirmation page, the dossier's button
  and the work list's decisions follow that rule, and the admitting ward gets 404;
- an import that changes or removes a conference's participants keeps, in the history,
  what each participation was before;
- the member pickers offer a former member of the user's unit, but describe them by what
  the user sees: not by the unit and status they hold elsewhere now.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import Http404

from grassroots.accounts import services as account_services
from grassroots.accounts.models import Role, RoleAssignment
from grassroots.exchange.importer import run_import
from grassroots.history.models import Change
from grassroots.history.selectors import changes_for
from grassroots.history.services import Trace
from grassroots.org import services as org_services
from grassroots.people import services as people_services
from grassroots.people.erasure import person_erase
from grassroots.people.models import Person
from grassroots.pipeline.models import Confirmation, Dossier, Enrollment, Source
from grassroots.transfers import services as transfer_services
from tests.exchange.helpers import write
from tests.pipeline.walk import admitted, seed_cell, trace_for

pytestmark = pytest.mark.django_db

AN = "001090000005"  # Phạm Văn An, W2C1: out of the W1 clerk's sight
BICH = "001090000004"  # Trần Thị Bích, W1C1: the W1 clerk's own
UNKNOWN = "079199999999"  # nobody


def _upload(town, folder, username="w1_clerk", dry_run=False):
    user = town.user(username)
    result = run_import(folder, user=user, scope_user=user, dry_run=dry_run)
    return [str(p) for p in result.problems]


def test_an_upload_files_no_source_about_a_person_of_another_ward(town, tmp_path):
    folder = write(
        tmp_path,
        sources=f"""
            national_id,unit_code,nominated_on,nominated_by,note
            {AN},W1C1,2024-01-01,,
        """,
    )
    problems = _upload(town, folder)
    assert problems and all(AN in p and "unknown person" in p for p in problems), problems
    assert not Source.objects.filter(person__national_id=AN).exists()


def test_an_upload_cannot_tell_a_person_out_of_sight_from_nobody(town, tmp_path):
    """The same answer for a person of W2 and for an ID nobody has."""

    def answer(national_id):
        folder = write(
            tmp_path / national_id,
            sources=f"""
                national_id,unit_code,nominated_on,nominated_by,note
                {national_id},W1C1,2024-01-01,,
            """,
            dossiers=f"""
                national_id,unit_code,opened_on,readmission,status
                {national_id},W1C1,2024-02-01,no,open
            """,
            enrollments=f"""
                course_code,national_id,result,certificate_no,certificate_date
                NOPE,{national_id},enrolled,,
            """,
        )
        return [p.replace(national_id, "<ID>") for p in _upload(town, folder, dry_run=True)]

    assert answer(AN) == answer(UNKNOWN)
    assert not Dossier.objects.filter(person__national_id=AN).exists()
    assert not Enrollment.objects.filter(person__national_id=AN).exists()


def test_an_upload_still_names_the_uploaders_own_people(town, tmp_path):
    folder = write(
        tmp_path,
        sources=f"""
            national_id,unit_code,nominated_on,nominated_by,note
            {BICH},W1C1,2024-01-01,,
        """,
    )
    assert _upload(town, folder) == []
    source = Source.objects.get(person__national_id=BICH)
    change = Change.objects.get(model="pipeline.source", object_id=str(source.pk))
    assert change.actor == town.user("w1_clerk") and change.cause == "import"


def test_a_people_row_for_a_person_out_of_sight_does_not_name_their_unit(town, tmp_path):
    folder = write(
        tmp_path,
        people=f"""
            national_id,full_name,gender,birth_date,unit_code
            {AN},Someone Else,male,1988-03-03,W1C1
        """,
    )
    problems = _upload(town, folder, dry_run=True)
    assert problems and not any("W2" in p for p in problems), problems
    assert Person.objects.get(national_id=AN).full_name == "Phạm Văn An"


def _person_under_another_root():
    trace = Trace.system("another tree")
    root = org_services.unit_create(trace=trace, code="R2", name="Other province", kind="committee")
    return people_services.person_create(
        trace=trace,
        national_id="001090000099",
        full_name="Ngô Thị Mai",
        gender="female",
        birth_date=dt.date(1990, 1, 1),
        education="university",
        unit=root,
    )


def test_an_administrator_of_one_root_does_not_erase_a_person_of_another(town):
    person = _person_under_another_root()
    with pytest.raises(Http404):
        person_erase(trace=Trace(user=town.user("admin")), person=person, reason="asked")
    assert Person.objects.get(pk=person.pk).full_name == "Ngô Thị Mai"


def test_the_erase_command_answers_for_a_person_of_another_root_as_for_nobody(town):
    person = _person_under_another_root()

    def message(national_id):
        with pytest.raises(CommandError) as error:
            call_command(
                "erase_person", national_id, "--user", "admin", "--reason", "asked", "--apply"
            )
        return str(error.value).replace(national_id, "<ID>")

    assert message(person.national_id) == message(UNKNOWN)
    assert Person.objects.get(pk=person.pk).full_name == "Ngô Thị Mai"


def _account_moved_from_w1_to_w2(town):
    """An account that was a clerk of W1C1 and is now the secretary of W2C1."""
    account = get_user_model().objects.create_user(username="mover", password="demo")
    trace = Trace(user=town.user("admin"))
    held = account_services.role_grant(
        trace=trace, user=account, unit=town.unit("W1C1"), role="clerk"
    )
    account_services.role_revoke(trace=trace, assignment=held)
    account_services.role_grant(trace=trace, user=account, unit=town.unit("W2C1"), role="secretary")
    account_services.password_reset(trace=trace, user=account, password="a-long-pass-phrase-9")
    return account


@pytest.mark.parametrize("username", ["w1_viewer", "w1_clerk", "secretary"])
def test_an_accounts_history_is_not_read_by_who_only_sees_its_units(town, client_for, username):
    account = _account_moved_from_w1_to_w2(town)
    assert not changes_for(town.user(username), model="auth.user").filter(object_id=str(account.pk))
    page = client_for(username).get("/history/", {"model": "auth.user"}).content.decode()
    assert "W2C1" not in page and "mover" not in page


def _user_with(town, username, code, role):
    user = get_user_model().objects.create_user(username=username, password="demo")
    RoleAssignment.objects.create(user=user, unit=town.unit(code), role=role)
    return user


def test_an_accounts_history_is_read_by_the_administrators_above_it(town):
    account = _account_moved_from_w1_to_w2(town)
    readers = [town.user("admin"), _user_with(town, "w1_admin", "W1", Role.ADMINISTRATOR)]
    for reader in readers:
        changes = changes_for(reader, model="auth.user").filter(object_id=str(account.pk))
        assert changes.count() == 4, reader
    others = [
        _user_with(town, "w1_org", "W1", Role.ORGANISATION_COMMITTEE),
        _user_with(town, "town_viewer", "TOWN", Role.VIEWER),  # the whole tree, no accounts
    ]
    for reader in others:
        assert not changes_for(reader, model="auth.user").filter(object_id=str(account.pk))
        # The other records' history still reaches every viewer of the unit.
        assert changes_for(reader, model="people.person").exists()


def _transferred_on_probation(town):
    """Admitted in W1C1, transferred officially to W2C1 during probation and arrived."""
    dossier = admitted(town)
    seed_cell(town, "W2C1", count=15)
    transfer = transfer_services.transfer_issue(
        trace=trace_for(town, "org"),
        person=dossier.person,
        kind="official",
        issued_on=dt.date(2025, 3, 3),
        to_unit=town.unit("W2C1"),
    )
    transfer_services.transfer_receive(
        trace=trace_for(town, "org"), transfer=transfer, arrived_on=dt.date(2025, 3, 10)
    )
    dossier.refresh_from_db()
    return dossier


VOTE = {"cell_vote_date": "2025-11-25", "present": "12", "in_favour": "10", "against": "2"}


def test_the_receiving_committee_confirms_a_member_transferred_on_probation(town, client):
    dossier = _transferred_on_probation(town)
    url = f"/pipeline/admissions/{dossier.admission.pk}/confirm/"
    client.force_login(_user_with(town, "w2_org", "W2", Role.ORGANISATION_COMMITTEE))
    assert client.get(url).status_code == 200
    response = client.post(url, VOTE)
    assert response.status_code == 302, response.content.decode()[-2000:]
    confirmation = Confirmation.objects.get(admission=dossier.admission)
    assert confirmation.official_members == 15
    change = Change.objects.get(model="pipeline.confirmation", object_id=str(confirmation.pk))
    assert change.actor.username == "w2_org" and change.cause == "form"


def test_the_admitting_ward_gets_404_for_a_member_on_another_roll(town, client):
    dossier = _transferred_on_probation(town)
    url = f"/pipeline/admissions/{dossier.admission.pk}/confirm/"
    client.force_login(_user_with(town, "w1_org", "W1", Role.ORGANISATION_COMMITTEE))
    assert client.get(url).status_code == 404
    assert client.post(url, VOTE).status_code == 404
    assert not Confirmation.objects.filter(admission=dossier.admission).exists()
    # Its own dossier stays readable, without a button that leads nowhere.
    page = client.get(f"/pipeline/dossiers/{dossier.pk}/").content.decode()
    assert url not in page


def test_the_decision_after_the_vote_is_on_the_receiving_sides_work_list(town):
    from grassroots.pipeline import selectors as pipeline_selectors

    dossier = _transferred_on_probation(town)
    w2_org = _user_with(town, "w2_org", "W2", Role.ORGANISATION_COMMITTEE)
    w1_org = _user_with(town, "w1_org", "W1", Role.ORGANISATION_COMMITTEE)
    from grassroots.pipeline import services as pipeline_services

    pipeline_services.confirmation_record(
        trace=Trace(user=w2_org),
        admission=dossier.admission,
        cell_vote_date=dt.date(2025, 11, 25),
        present=12,
        in_favour=10,
        against=2,
    )
    on = dt.date(2025, 12, 20)  # the decision is due 30 working days after the vote
    mine = pipeline_selectors.due_items(w2_org, on)
    theirs = pipeline_selectors.due_items(w1_org, on)
    decision = [i for i in mine if i["kind"] == "confirmation_decision"]
    assert [(i["person"], i["unit"].code) for i in decision] == [(dossier.person, "W2C1")]
    assert not [i for i in theirs if i["kind"] == "confirmation_decision"]


CONFERENCE = (
    "committee_code,date,title,period_from,period_to,participants\n"
    "W1,2025-01-10,Review 2024,2024-01-01,2024-12-31,{participants}\n"
)


def test_an_import_keeps_what_a_participation_was_before(town, tmp_path):
    from grassroots.conferences.models import Participation

    first = write(
        tmp_path / "1", conferences=CONFERENCE.format(participants="W1C1:7/9; W1C2:present")
    )
    run_import(first, user=town.user("admin"))
    w1c1 = Participation.objects.get(unit=town.unit("W1C1"))
    w1c2 = Participation.objects.get(unit=town.unit("W1C2"))
    again = write(tmp_path / "2", conferences=CONFERENCE.format(participants="W1C1:8/9"))
    result = run_import(again, user=town.user("admin"))
    assert result.ok, [str(p) for p in result.problems]
    changed = Change.objects.get(
        model="conferences.participation", object_id=str(w1c1.pk), action="update"
    )
    assert changed.before == {"present": True, "attendees": 7, "invited": 9}
    assert changed.after == {"present": True, "attendees": 8, "invited": 9}
    assert changed.actor == town.user("admin") and changed.cause == "import"
    removed = Change.objects.get(
        model="conferences.participation", object_id=str(w1c2.pk), action="delete"
    )
    assert removed.before == {"present": True, "attendees": None, "invited": None}


def _former_member_now_in_w2(town):
    """Phạm Văn An left W1C1 in 2015 and was readmitted in W2C1, where he is registered."""
    from grassroots.people.models import Membership

    person = town.people[AN]
    Membership.objects.create(
        person=person,
        unit=town.unit("W1C1"),
        status=Membership.Status.LEFT,
        admitted_on=dt.date(2010, 1, 4),
        ended_on=dt.date(2015, 1, 5),
    )
    Membership.objects.create(
        person=person,
        unit=town.unit("W2C1"),
        status=Membership.Status.OFFICIAL,
        admitted_on=dt.date(2020, 1, 6),
        official_since=dt.date(2021, 1, 6),
        readmission=True,
    )
    return person


def test_the_member_picker_does_not_tell_where_a_former_member_is_now(town, client_for):
    _former_member_now_in_w2(town)
    found = client_for("w1_clerk").get("/pick/people/", {"members": "1", "q": AN}).json()
    labels = [r["label"] for r in found["results"]]
    assert len(labels) == 1 and "W2" not in labels[0] and "official" not in labels[0], labels
    assert "left" in labels[0]
    # Those who see W2C1 are told.
    found = client_for("admin").get("/pick/people/", {"members": "1", "q": AN}).json()
    assert "W2C1" in found["results"][0]["label"]


def test_the_introducer_field_lists_candidates_as_the_user_sees_them(town):
    from django import forms

    from grassroots.people.fields import MemberField

    _former_member_now_in_w2(town)
    people_services.person_create(
        trace=Trace.system("test"),
        national_id="001090000077",
        full_name="Phạm Văn Ánh",
        gender="male",
        birth_date=dt.date(1985, 5, 5),
        education="university",
        unit=town.unit("W1C1"),
    )
    from grassroots.people.models import Membership

    Membership.objects.create(
        person=Person.objects.get(national_id="001090000077"),
        unit=town.unit("W1C1"),
        status=Membership.Status.OFFICIAL,
        admitted_on=dt.date(2012, 1, 4),
        official_since=dt.date(2013, 1, 4),
    )
    field = MemberField()
    field.user = town.user("w1_clerk")
    with pytest.raises(forms.ValidationError) as several:
        field.clean("Phạm Văn")
    message = " ".join(several.value.messages)
    assert AN in message and "001090000077" in message
    assert "W2" not in message, message

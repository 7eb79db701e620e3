"""Erasing a person who never became a member: records deleted, tombstone, history blanked."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from grassroots.history.models import Access, Change
from grassroots.history.services import Trace
from grassroots.people.erasure import ERASED, erased_national_id, person_erase
from grassroots.people.models import Person
from grassroots.pipeline.models import Dossier, DossierStep, Enrollment, Source
from tests.pipeline.walk import admitted, open_dossier, record

BICH = "001090000004"  # Trần Thị Bích, W1C1

pytestmark = pytest.mark.django_db


def _candidate(town):
    dossier = open_dossier(town, national_id=BICH)
    record(town, dossier, "application")
    return town.people[BICH]


def _erase(town, username="admin", person=None, reason="Asked to be forgotten, letter 7/2026"):
    person = person or town.people[BICH]
    return person_erase(trace=Trace(user=town.user(username)), person=person, reason=reason)


def test_a_candidate_who_went_nowhere_is_erased(client_for, town):
    person = _candidate(town)
    client_for("admin").get(reverse("people:detail", args=[BICH]))
    erased = _erase(town)
    assert not Source.objects.filter(person=person).exists()
    assert not Enrollment.objects.filter(person=person).exists()
    assert not Dossier.objects.filter(person=person).exists()
    assert not DossierStep.objects.filter(dossier__person=person).exists()
    assert erased.pk == person.pk and erased.unit == town.unit("W1C1")
    assert erased.full_name == ERASED and erased.national_id == erased_national_id(BICH)
    assert erased.birth_date == dt.date(1900, 1, 1) and erased.education == ""
    assert not Person.objects.filter(national_id=BICH).exists()


def test_the_erasure_is_one_change_with_its_reason(town):
    person = _candidate(town)
    before = Change.objects.count()
    _erase(town)
    assert Change.objects.count() == before + 1
    change = Change.objects.filter(model="people.person", object_id=str(person.pk)).first()
    assert change.reason == "Asked to be forgotten, letter 7/2026"
    assert change.actor == town.user("admin")
    assert change.before["deleted"]["pipeline.source"] == 1


def test_history_keeps_its_rows_but_not_the_persons_values(client_for, town):
    _candidate(town)
    client_for("admin").get(reverse("people:detail", args=[BICH]))
    rows = Change.objects.count()
    _erase(town)
    assert Change.objects.count() == rows + 1
    everything = json.dumps(
        [[c.before, c.after, c.object_repr] for c in Change.objects.all()], ensure_ascii=False
    ) + " ".join(Access.objects.values_list("what", flat=True))
    assert "Trần Thị Bích" not in everything and BICH not in everything
    assert "Nguyễn Thị Lan" in everything  # other people's history is untouched


def test_a_member_is_not_erased(town):
    admitted(town, national_id=BICH)
    with pytest.raises(ValidationError) as error:
        _erase(town)
    assert "person" in error.value.message_dict
    assert Person.objects.get(pk=town.people[BICH].pk).full_name == "Trần Thị Bích"


def test_an_erasure_needs_a_reason(town):
    with pytest.raises(ValidationError) as error:
        _erase(town, reason="  ")
    assert "reason" in error.value.message_dict


def test_a_person_is_erased_only_once(town):
    erased = _erase(town)
    with pytest.raises(ValidationError):
        _erase(town, person=erased)


@pytest.mark.parametrize("username", ["org", "w1_clerk", "secretary"])
def test_only_administrators_of_a_root_unit_erase(town, username):
    with pytest.raises(PermissionDenied):
        _erase(town, username=username)


def test_the_command_is_a_dry_run_unless_applied(town, capsys):
    _candidate(town)
    args = [BICH, "--user", "admin", "--reason", "Asked to be forgotten"]
    call_command("erase_person", *args)
    assert Person.objects.filter(national_id=BICH).exists()
    assert Source.objects.filter(person__national_id=BICH).exists()
    assert "Dry run" in capsys.readouterr().out
    call_command("erase_person", *args, "--apply")
    assert not Person.objects.filter(national_id=BICH).exists()
    assert "erased" in capsys.readouterr().out

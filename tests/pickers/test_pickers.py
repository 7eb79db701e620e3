"""Choosing a unit or a person by typing: by code, by name without accents, never outside
the user's scope; a wrong or ambiguous entry gives the form back with the input kept."""

import pytest
from django import forms
from django.urls import reverse

from grassroots.accounts import scope
from grassroots.history.models import Access
from grassroots.org.pickers import UnitPickerField
from grassroots.people.pickers import PersonPickerField
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TU = "001090000001"  # Đặng Hữu Tú, W1
LAN = "001090000002"  # Nguyễn Thị Lan, HS


class UnitForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitPickerField(scope.units_visible_to(user))


class PersonForm(forms.Form):
    person = PersonPickerField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].user = user


def _unit(town, user, text):
    form = UnitForm({"unit": text}, user=town.user(user))
    return form, (form.cleaned_data["unit"] if form.is_valid() else None)


def _person(town, user, text):
    form = PersonForm({"person": text}, user=town.user(user))
    return form, (form.cleaned_data["person"] if form.is_valid() else None)


# Units ---------------------------------------------------------------------------------


def test_a_unit_is_found_by_its_code_in_any_case(town):
    assert _unit(town, "org", "w1c1")[1] == town.unit("W1C1")


def test_a_unit_is_found_by_its_name_without_accents(town):
    unit = town.unit("W1C2")
    unit.name = "Khu dân cư số 2"
    unit.save(update_fields=["name"])
    assert _unit(town, "org", "khu dan cu so 2")[1] == unit


def test_an_ambiguous_unit_lists_the_candidates_and_keeps_the_input(town):
    form, unit = _unit(town, "org", "residential area")
    assert unit is None
    error = form.errors["unit"][0]
    assert "W1C1" in error and "W1C2" in error
    assert "in W1 Ward 1" in error  # the parent shows which is which
    assert 'value="residential area"' in str(form["unit"])


def test_a_unit_outside_the_scope_is_not_found(town):
    form, unit = _unit(town, "outsider", "HS")
    assert unit is None
    assert "HS" in form.errors["unit"][0]
    assert _unit(town, "outsider", "high school")[1] is None


def test_a_name_typed_in_full_wins_over_longer_names(town):
    assert _unit(town, "org", "Ward 2")[1] == town.unit("W2")


# People --------------------------------------------------------------------------------


def test_a_person_is_found_by_national_id(town):
    assert _person(town, "org", TU)[1] == town.people[TU]


def test_a_person_is_found_by_name_without_accents(town):
    assert _person(town, "org", "dang huu tu")[1] == town.people[TU]


def test_an_ambiguous_person_lists_the_candidates_with_birth_year(town):
    PersonFactory(full_name="Đặng Hữu Tuấn", unit=town.unit("W1C1"), national_id="001090000099")
    form, person = _person(town, "org", "dang huu")
    assert person is None
    error = form.errors["person"][0]
    assert TU in error and "001090000099" in error
    assert "1975" in error and "not a member" in error
    assert 'value="dang huu"' in str(form["person"])


def test_a_person_outside_the_scope_is_not_found(town):
    assert _person(town, "outsider", TU)[1] is None
    assert _person(town, "outsider", "dang huu tu")[1] is None
    assert _person(town, "secretary", "nguyen thi lan")[1] == town.people[LAN]


# The search pages ------------------------------------------------------------------------


def _search(client_for, user, name, **params):
    response = client_for(user).get(reverse(name), params)
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


def test_the_unit_search_answers_within_the_scope(client_for):
    assert _search(client_for, "org", "pick:units", q="ward") == ["W1", "W2", "W2C1"]
    assert _search(client_for, "outsider", "pick:units", q="ward") == ["W2", "W2C1"]
    assert _search(client_for, "outsider", "pick:units", q="HS") == []


def test_the_unit_search_narrows_to_the_action_and_kind(client_for):
    assert _search(client_for, "w1_clerk", "pick:units", q="W1", action="record_step") == [
        "W1",
        "W1C1",
        "W1C1G1",
        "W1C2",
    ]
    assert _search(client_for, "w1_viewer", "pick:units", q="W1", action="record_step") == []
    assert _search(client_for, "org", "pick:units", q="residential", kind="cell") == [
        "W1C1",
        "W1C2",
    ]


def test_the_person_search_answers_within_the_scope_and_logs_the_read(client_for, town):
    assert _search(client_for, "org", "pick:people", q="dang huu tu") == [TU]
    assert _search(client_for, "outsider", "pick:people", q="dang huu tu") == []
    assert _search(client_for, "outsider", "pick:people", q=TU) == []
    assert Access.objects.filter(person=town.people[TU], actor__username="org").exists()


def test_the_person_search_for_members_offers_members_only(client_for):
    assert _search(client_for, "org", "pick:people", q="dang huu tu", members="1") == []


def test_the_search_pages_need_a_login(client):
    response = client.get(reverse("pick:people"), {"q": TU})
    assert response.status_code == 302


# Forms that use them ----------------------------------------------------------------------


def test_a_person_form_takes_a_unit_name(client_for, town):
    data = {
        "national_id": "001090000077",
        "full_name": "Hồ Văn Mới",
        "gender": "male",
        "birth_date": "1990-01-01",
        "unit": "residential area 1",
    }
    response = client_for("org").post(reverse("people:create"), data)
    assert response.status_code == 302
    assert town.unit("W1C1").people.filter(national_id="001090000077").exists()


def test_a_people_filter_with_a_wrong_unit_keeps_the_input(client_for):
    response = client_for("outsider").get(reverse("people:list"), {"unit": "high school"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="high school"' in body
    assert "high school" in body and "No unit" in body


def test_a_transfer_letter_for_a_typed_name_goes_to_the_person(client_for, town):
    response = client_for("org").get(reverse("transfers:new"), {"who": "tran thi bich"})
    assert response.status_code == 302
    assert response.url.endswith("?person=001090000004")


def test_a_transfer_letter_for_an_unknown_name_keeps_the_input(client_for):
    response = client_for("outsider").get(reverse("transfers:new"), {"who": "dang huu tu"})
    assert response.status_code == 200
    assert 'value="dang huu tu"' in response.content.decode()


def test_a_role_granted_on_a_unit_name(client_for, town):
    client = client_for("admin")
    url = reverse("accounts:role_grant", kwargs={"username": "w1_viewer"})
    response = client.post(url, {"unit": "residential area 2", "role": "viewer"})
    assert response.status_code == 302
    assert town.user("w1_viewer").role_assignments.filter(unit__code="W1C2").exists()


def test_a_role_on_an_ambiguous_unit_gives_the_page_back(client_for):
    url = reverse("accounts:role_grant", kwargs={"username": "w1_viewer"})
    response = client_for("admin").post(url, {"unit": "residential", "role": "viewer"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="residential"' in body and "W1C1" in body and "W1C2" in body


def test_a_report_filter_takes_a_unit_name(client_for):
    response = client_for("org").get(
        reverse("reports:achievement"), {"unit": "ward 2", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == 200
    assert "Ward 2" in response.content.decode()


def test_a_report_filter_on_a_unit_out_of_scope_is_not_found(client_for):
    response = client_for("outsider").get(reverse("reports:achievement"), {"unit": "high school"})
    assert response.status_code == 404

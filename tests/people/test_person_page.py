import datetime as dt

import pytest
from django.urls import reverse

from grassroots.history.models import Access, Change
from grassroots.people import sections
from grassroots.people.models import Membership, Person

LAN = "001090000002"  # Nguyễn Thị Lan, high school


def _form(**changes):
    data = {
        "national_id": "001095000009",
        "full_name": "Hồ Thị Mai",
        "gender": "female",
        "birth_date": "1995-05-05",
        "unit": "HS",
        "education": "university",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_person_page_shows_memberships_and_logs_the_view(client_for, town):
    Membership.objects.create(
        person=town.people[LAN],
        unit=town.unit("HS"),
        status=Membership.Status.PROBATIONARY,
        admitted_on=dt.date(2025, 3, 1),
    )
    page = client_for("secretary").get(reverse("people:detail", args=[LAN])).content.decode()
    assert "Nguyễn Thị Lan" in page
    assert "probationary" in page
    access = Access.objects.get()
    assert (access.actor, access.kind) == (town.user("secretary"), Access.Kind.VIEW)
    assert (access.person, access.unit) == (town.people[LAN], town.unit("HS"))


@pytest.mark.django_db
def test_export_is_logged(client_for, town):
    response = client_for("org").get(reverse("people:export"), {"unit": "HS"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.getvalue().decode("utf-8-sig")
    assert "Nguyễn Thị Lan" in body and "Đặng Hữu Tú" not in body
    assert Access.objects.get().kind == Access.Kind.EXPORT


@pytest.mark.django_db
def test_secretary_registers_a_person_with_history(client_for, town):
    response = client_for("secretary").post(reverse("people:create"), _form())
    assert response.status_code == 302
    person = Person.objects.get(national_id="001095000009")
    assert person.unit == town.unit("HS")
    change = Change.objects.get(model="people.person", object_id=str(person.pk))
    assert change.actor == town.user("secretary")


@pytest.mark.django_db
def test_duplicate_national_id_is_named_on_its_field(client_for):
    response = client_for("secretary").post(reverse("people:create"), _form(national_id=LAN))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [
        f"Another person already has national ID {LAN}."
    ]
    assert "national ID: Another person already has" in response.content.decode()


@pytest.mark.django_db
def test_birth_date_in_the_future_is_named_on_its_field(client_for):
    response = client_for("secretary").post(
        reverse("people:create"), _form(birth_date="2999-01-01")
    )
    assert response.context["form"].errors["birth_date"] == ["The birth date lies in the future."]


@pytest.mark.django_db
def test_secretary_cannot_register_someone_in_another_ward(client_for):
    response = client_for("secretary").post(reverse("people:create"), _form(unit="W1"))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Person.objects.filter(national_id="001095000009").exists()


@pytest.mark.django_db
def test_edit_records_the_previous_values(client_for, town):
    client = client_for("w1_clerk")
    person = town.people["001090000001"]
    data = _form(national_id=person.national_id, full_name="Đặng Hữu Tú", unit="W1C1")
    assert client.post(reverse("people:edit", args=[person.national_id]), data).status_code == 302
    change = Change.objects.filter(model="people.person", object_id=str(person.pk)).first()
    assert change.before["unit"] == "W1" and change.after["unit"] == "W1C1"


@pytest.mark.django_db
def test_viewer_gets_403_on_edit_and_outsider_404(client_for):
    assert (
        client_for("w1_viewer").get(reverse("people:edit", args=["001090000001"])).status_code
        == 403
    )
    assert client_for("outsider").get(reverse("people:detail", args=[LAN])).status_code == 404


@pytest.mark.django_db
def test_other_apps_add_sections_to_the_person_page(client_for):
    def provider(user, person):
        return {
            "title": "Dossier of " + person.full_name,
            "template": "people/partials/timeline.html",
        }

    sections.register(provider)
    try:
        page = client_for("org").get(reverse("people:detail", args=[LAN])).content.decode()
    finally:
        sections.unregister(provider)
    assert "Dossier of Nguyễn Thị Lan" in page


@pytest.mark.django_db
def test_the_form_takes_the_occupation_group_job_title_and_youth_union(client_for, town):
    form = _form(occupation="pupil", job_title="Học sinh lớp 12", youth_union="on")
    response = client_for("secretary").post(reverse("people:create"), form)
    assert response.status_code == 302
    person = Person.objects.get(national_id="001095000009")
    assert (person.occupation, person.job_title, person.youth_union) == (
        "pupil",
        "Học sinh lớp 12",
        True,
    )
    page = client_for("secretary").get(response.url).content.decode()
    assert "Học sinh lớp 12" in page and "Youth Union member" in page
    response = client_for("secretary").post(reverse("people:create"), _form(occupation="teacher"))
    assert response.status_code == 200
    assert "occupation" in response.context["form"].errors

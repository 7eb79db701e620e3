"""An administrator exports everything held on one person (Law 91/2025, GDPR art. 15)."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.history.models import Access
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import DossierStep
from tests.pipeline.walk import NOMINATED, admitted, trace_for

BICH = "001090000004"  # Trần Thị Bích, W1C1
LAN = "001090000002"  # Nguyễn Thị Lan, HS

pytestmark = pytest.mark.django_db


def _export(client, national_id, **params):
    return client.get(reverse("people:subject_export", args=[national_id]), params)


def _w1_admin(town, django_user_model):
    user = django_user_model.objects.create_user(username="w1_admin", password="demo")
    RoleAssignment.objects.create(user=user, unit=town.unit("W1"), role=Role.ADMINISTRATOR)
    return user


def test_export_holds_the_person_and_every_record_about_them(client_for, town):
    dossier = admitted(town, national_id=BICH)
    DossierStep.objects.filter(dossier=dossier, step="application").update(
        attachment="dossiers/2024/09/application-bich.pdf"
    )
    client_for("admin").get(reverse("people:detail", args=[BICH]))
    response = _export(client_for("admin"), BICH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f'filename="person-{BICH}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["full_name"] == "Trần Thị Bích"
    assert data["person"]["unit"] == "W1C1"
    assert [m["status"] for m in data["memberships"]] == ["probationary"]
    assert data["sources"][0]["nominated_on"] == NOMINATED.isoformat()
    assert data["enrolments"][0]["certificate_no"] == "C-1"
    assert [d["id"] for d in data["dossiers"]] == [dossier.pk]
    steps = {s["step"]: s for s in data["dossier_steps"]}
    assert len(steps) == 9 and steps["cell_vote"]["data"]["in_favour"] == 6
    assert steps["application"]["attachment_name"] == "application-bich.pdf"
    assert data["admissions"][0]["decision_no"] == "12-QĐ/TU"
    assert data["confirmations"] == [] and data["transfers"] == []
    models = {change["model"] for change in data["history"]}
    assert {"people.person", "pipeline.source", "pipeline.dossier"} <= models
    assert {"pipeline.dossierstep", "pipeline.admission", "people.membership"} <= models
    assert any(a["kind"] == "view" and a["actor"] == "admin" for a in data["accesses"])
    assert data["outside_your_scope"] == {}


def test_export_leaves_out_nobody_else(client_for, town):
    admitted(town, national_id=BICH)
    data = json.loads(_export(client_for("admin"), BICH).content)
    assert "Nguyễn Thị Lan" not in json.dumps(data, ensure_ascii=False)


def test_export_as_a_workbook_has_one_sheet_per_record_type(client_for, town):
    admitted(town, national_id=BICH)
    response = _export(client_for("admin"), BICH, format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert {"person", "memberships", "dossier_steps", "history", "accesses"} <= set(book.sheetnames)
    rows = list(book["dossier_steps"].values)
    assert "step" in rows[0] and len(rows) == 10


def test_records_in_other_units_are_only_counted(client_for, town, django_user_model):
    pipeline_services.source_nominate(
        trace=trace_for(town, "org"),
        person=town.people[BICH],
        unit=town.unit("HS"),
        nominated_on=NOMINATED,
        category="official",
    )
    admitted(town, national_id=BICH)
    client = client_for("admin")
    client.force_login(_w1_admin(town, django_user_model))
    data = json.loads(_export(client, BICH).content)
    assert [s["unit"] for s in data["sources"]] == ["W1C1"]
    assert data["outside_your_scope"] == {"sources": 1}


def test_the_export_is_logged(client_for, town):
    _export(client_for("admin"), LAN)
    access = Access.objects.get(kind=Access.Kind.EXPORT)
    assert access.actor == town.user("admin")
    assert (access.person, access.unit) == (town.people[LAN], town.unit("HS"))


def test_administrator_of_another_ward_gets_404(client_for, town, django_user_model):
    client = client_for("admin")
    client.force_login(_w1_admin(town, django_user_model))
    assert _export(client, LAN).status_code == 404
    assert not Access.objects.filter(kind=Access.Kind.EXPORT).exists()


@pytest.mark.parametrize("username", ["org", "secretary"])
def test_roles_below_administrator_get_403(client_for, username):
    assert _export(client_for(username), LAN).status_code == 403
    assert not Access.objects.filter(kind=Access.Kind.EXPORT).exists()


def test_only_administrators_see_the_button(client_for):
    label = "Export all data held on this person"
    assert label in client_for("admin").get(reverse("people:detail", args=[LAN])).content.decode()
    page = client_for("secretary").get(reverse("people:detail", args=[LAN])).content.decode()
    assert label not in page

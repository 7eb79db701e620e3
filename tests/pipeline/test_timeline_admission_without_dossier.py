"""A person admitted without a dossier (imported, or before the system) still shows the
admission decision and the ceremony on their page; with a dossier they are not doubled."""

import datetime as dt

from grassroots.pipeline.models import Admission, Dossier, DossierStep
from grassroots.pipeline.selectors import person_timeline

DECISION = dt.date(2023, 11, 20)
CEREMONY = dt.date(2023, 11, 29)


def whats(user, person):
    return [(event["date"], str(event["what"])) for event in person_timeline(user, person)]


def test_admission_without_dossier_shows_decision_and_ceremony(town, client_for):
    person = town.people["001090000003"]
    Admission.objects.create(
        person=person,
        unit=town.units["HS"],
        decision_date=DECISION,
        decision_no="7-QĐ/TU",
        ceremony_date=CEREMONY,
    )
    events = whats(town.users["secretary"], person)
    assert (DECISION, "admission decision") in events
    assert (CEREMONY, "admission ceremony") in events
    page = client_for("secretary").get(f"/people/{person.national_id}/")
    assert "7-QĐ/TU" in page.content.decode()


def test_admission_with_dossier_is_not_doubled(town):
    person = town.people["001090000003"]
    dossier = Dossier.objects.create(person=person, unit=town.units["HS"], opened_on=DECISION)
    DossierStep.objects.create(
        dossier=dossier, step="admission_decision", date=DECISION, document_no="7-QĐ/TU"
    )
    Admission.objects.create(
        person=person, unit=town.units["HS"], decision_date=DECISION, dossier=dossier
    )
    events = whats(town.users["secretary"], person)
    assert events.count((DECISION, "admission decision")) == 1

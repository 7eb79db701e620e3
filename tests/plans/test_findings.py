"""Superior units record findings about units below them and close their follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.plans import services
from grassroots.plans.models import Finding


def record(town, user="org", code="W1C1", **extra):
    fields = {
        "date": dt.date(2024, 5, 2),
        "kind": "shortcoming",
        "findings": "The sources list was not reviewed.",
        "follow_up_due": dt.date(2024, 7, 1),
        **extra,
    }
    return services.finding_record(
        trace=Trace(user=town.user(user)), unit=town.unit(code), **fields
    )


def test_superior_records_a_finding_by_the_parent(town):
    finding = record(town)
    assert finding.by_unit == town.unit("W1")
    assert Change.objects.filter(model="plans.finding", object_id=str(finding.pk)).exists()


def test_inspecting_unit_must_be_above(town):
    with pytest.raises(ValidationError) as exc:
        record(town, by_unit=town.unit("W2"))
    assert "by_unit" in exc.value.message_dict


def test_roles_without_decisions_cannot_record(town):
    with pytest.raises(PermissionDenied):
        record(town, user="w1_clerk")


def test_follow_up_cannot_precede_the_inspection(town):
    with pytest.raises(ValidationError) as exc:
        record(town, follow_up_due=dt.date(2024, 1, 1))
    assert "follow_up_due" in exc.value.message_dict


def test_close_records_the_day_once(town):
    finding = record(town)
    trace = Trace(user=town.user("org"))
    services.finding_close(trace=trace, finding=finding, done_on=dt.date(2024, 6, 20))
    finding.refresh_from_db()
    assert finding.follow_up_done_on == dt.date(2024, 6, 20)
    with pytest.raises(ValidationError, match="already closed"):
        services.finding_close(trace=trace, finding=finding, done_on=dt.date(2024, 6, 21))


def test_findings_pages(client_for, town):
    client = client_for("org")
    response = client.post(
        reverse("plans:finding_new"),
        {
            "unit": "W1C2",
            "date": "2024-05-03",
            "kind": "commendation",
            "findings": "Good mentoring.",
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(unit=town.unit("W1C2"))
    html = client.get(reverse("plans:findings"), {"unit": "W1"}).content.decode()
    assert "Good mentoring." in html
    response = client.post(
        reverse("plans:finding_close", args=[finding.pk]), {"follow_up_done_on": "2024-05-01"}
    )
    assert "cannot be done before the inspection" in response.content.decode()

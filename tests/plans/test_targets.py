"""Targets are set from above, may nest but never partly overlap, and keep their history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.plans import services
from grassroots.plans.models import Target

D = dt.date.fromisoformat


def set_target(town, user, code, start, end, minimum, **extra):
    return services.target_set(
        trace=Trace(user=town.user(user)),
        unit=town.unit(code),
        period_start=D(start),
        period_end=D(end),
        minimum=minimum,
        **extra,
    )


def test_superior_sets_a_target_with_history(town):
    target = set_target(
        town, "org", "W1", "2024-01-01", "2024-12-31", 10, stretch=12, resolution_ref="NQ-05"
    )
    change = Change.objects.get(model="plans.target", object_id=str(target.pk))
    assert change.action == "create" and change.after["minimum"] == 10
    assert change.after["unit"] == "W1"


def test_nested_targets_are_allowed(town):
    set_target(town, "org", "W1", "2020-01-01", "2025-12-31", 50)
    set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10)
    set_target(town, "org", "W1", "2025-01-01", "2025-12-31", 10)
    assert Target.objects.filter(unit=town.unit("W1")).count() == 3


def test_a_resolution_dated_after_today_is_refused(town):
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10, resolution_date=tomorrow)
    assert "resolution_date" in refused.value.message_dict
    set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10, resolution_date=D("2023-12-20"))


def test_partly_overlapping_targets_are_refused(town):
    set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10)
    with pytest.raises(ValidationError) as exc:
        set_target(town, "org", "W1", "2024-07-01", "2025-06-30", 10)
    assert "partly overlaps the target 01/01/2024 – 31/12/2024" in str(exc.value)
    # Another unit may have any period.
    set_target(town, "org", "W2", "2024-07-01", "2025-06-30", 10)


def test_same_period_twice_is_refused(town):
    set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10)
    with pytest.raises(ValidationError, match="exactly this period"):
        set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 11)


def test_stretch_below_minimum_is_refused(town):
    with pytest.raises(ValidationError) as exc:
        set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10, stretch=9)
    assert "stretch" in exc.value.message_dict


def test_reversed_period_and_bad_share_are_refused(town):
    with pytest.raises(ValidationError) as exc:
        set_target(town, "org", "W1", "2024-12-31", "2024-01-01", 10)
    assert "period_end" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10, women_share=120)
    assert "women_share" in exc.value.message_dict


def test_a_unit_cannot_set_its_own_target(town):
    # The secretary of HS holds no DECIDE anyway; a W1 clerk may not decide for W1.
    with pytest.raises(PermissionDenied):
        set_target(town, "w1_clerk", "W1C1", "2024-01-01", "2024-12-31", 3)
    with pytest.raises(Http404):
        set_target(town, "outsider", "W1C1", "2024-01-01", "2024-12-31", 3)


def test_update_and_delete_keep_history(town):
    target = set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10)
    trace = Trace(user=town.user("org"))
    services.target_update(trace=trace, target=target, minimum=12)
    pk = target.pk
    services.target_delete(trace=trace, target=target, reason="plan revised")
    changes = list(
        Change.objects.filter(model="plans.target", object_id=str(pk)).order_by("at", "id")
    )
    assert [c.action for c in changes] == ["create", "update", "delete"]
    assert changes[1].before["minimum"] == 10 and changes[1].after["minimum"] == 12
    assert changes[2].before["minimum"] == 12 and changes[2].reason == "plan revised"
    assert not Target.objects.filter(pk=pk).exists()


def test_update_cannot_create_partial_overlap(town):
    set_target(town, "org", "W1", "2024-01-01", "2024-12-31", 10)
    second = set_target(town, "org", "W1", "2025-01-01", "2025-12-31", 10)
    with pytest.raises(ValidationError):
        services.target_update(
            trace=Trace(user=town.user("org")), target=second, period_start=D("2024-06-01")
        )


def test_target_form_puts_errors_on_fields(client_for, town):
    client = client_for("org")
    response = client.post(
        reverse("plans:target_new"),
        {
            "unit": "W1",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "minimum": 5,
            "stretch": 3,
        },
    )
    assert response.status_code == 200
    assert "The stretch target must be at least the minimum." in response.content.decode()
    response = client.post(
        reverse("plans:target_new"),
        {
            "unit": "W1",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "minimum": 5,
            "stretch": 6,
        },
    )
    assert response.status_code == 302
    assert Target.objects.get(unit=town.unit("W1")).stretch == 6


def test_targets_page_lists_the_subtree(client_for, town):
    set_target(town, "org", "W1C1", "2024-01-01", "2024-12-31", 3)
    set_target(town, "org", "W2C1", "2024-01-01", "2024-12-31", 4)
    html = client_for("w1_viewer").get(reverse("plans:targets"), {"unit": "W1"}).content.decode()
    assert "Residential area 1" in html and "Ward 2 cell" not in html

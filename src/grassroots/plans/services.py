"""Setting targets and recording supervision findings. Each function is one transaction
and writes history.

A superior unit sets targets for the units below it: setting or changing a unit's target
needs `Action.DECIDE` on the unit's parent (on the unit itself for a root). Targets of one
unit may nest but never partly overlap.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history import generation
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import field_errors
from grassroots.org import timeline

from . import forecasting
from .models import Finding, StoredForecast, Target

SHARE_FIELDS = ("women_share", "university_share", "student_share", "non_state_worker_share")
TARGET_FIELDS = (
    "period_start",
    "period_end",
    "minimum",
    "stretch",
    *SHARE_FIELDS,
    "resolution_ref",
    "resolution_date",
)


def deciding_unit(unit):
    """The unit whose committee sets this unit's targets: its parent, or itself at the root."""
    return unit.get_parent() or unit


def require_superior(user, unit):
    """404 if the unit is out of sight, 403 unless the user may decide for its superior."""
    if user is None:
        return
    scope.require(user, Action.VIEW, unit)
    if not scope.can(user, Action.DECIDE, deciding_unit(unit)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def period_outside_unit(valid_from, valid_to, start, end):
    """(field, message) when a target's period lies wholly outside its unit's life (a
    target for the years after a merge ended the unit, or before it was founded); else
    None. The form, the API and the importer all refuse it."""
    if valid_to is not None and start > valid_to:
        return "period_start", _("The unit ended on %(day)s: a target cannot start after that.") % {
            "day": date_format(valid_to, "SHORT_DATE_FORMAT")
        }
    if end < valid_from:
        return "period_end", _(
            "The unit was founded on %(day)s: a target cannot end before that."
        ) % {"day": date_format(valid_from, "SHORT_DATE_FORMAT")}
    return None


def _validate_target(target):
    errors = {}
    start, end = target.period_start, target.period_end
    if not isinstance(start, dt.date):
        errors["period_start"] = _("A start date is required.")
    if not isinstance(end, dt.date):
        errors["period_end"] = _("An end date is required.")
    if not errors and end < start:
        errors["period_end"] = _("The period ends before it starts.")
    if not errors and target.unit_id is not None:
        outside = period_outside_unit(target.unit.valid_from, target.unit.valid_to, start, end)
        if outside:
            errors[outside[0]] = outside[1]
    if target.minimum is None or target.minimum < 0:
        errors["minimum"] = _("The minimum is a whole number of at least 0.")
    if (
        isinstance(target.resolution_date, dt.date)
        and target.resolution_date > timezone.localdate()
    ):
        errors["resolution_date"] = _("The date lies in the future.")
    if target.stretch is not None and target.minimum is not None:
        if target.stretch < target.minimum:
            errors["stretch"] = _("The stretch target must be at least the minimum.")
    for field in SHARE_FIELDS:
        value = getattr(target, field)
        if value is None:
            continue
        try:
            value = Decimal(value)
        except (InvalidOperation, TypeError):
            errors[field] = _("Give a percentage between 0 and 100.")
            continue
        if not Decimal(0) <= value <= Decimal(100):
            errors[field] = _("Give a percentage between 0 and 100.")
    limited = ("minimum", "stretch", *SHARE_FIELDS, "resolution_ref")
    errors = {**field_errors(target, limited), **errors}
    if errors:
        raise ValidationError(errors)
    others = Target.objects.filter(unit_id=target.unit_id).exclude(pk=target.pk)
    same = others.filter(period_start=start, period_end=end).first()
    if same:
        raise ValidationError(
            {"period_start": _("This unit already has a target for exactly this period.")}
        )
    for other in others.filter(period_start__lte=end, period_end__gte=start):
        nested = (other.period_start <= start and end <= other.period_end) or (
            start <= other.period_start and other.period_end <= end
        )
        if not nested:
            raise ValidationError(
                {
                    "period_end": _(
                        "The period partly overlaps the target %(start)s – %(end)s of this "
                        "unit. Targets may contain one another (a term and its years) but "
                        "not partly overlap."
                    )
                    % {
                        "start": date_format(other.period_start, "SHORT_DATE_FORMAT"),
                        "end": date_format(other.period_end, "SHORT_DATE_FORMAT"),
                    }
                }
            )


def _clean_fields(fields):
    clean = {}
    for key, value in fields.items():
        if key not in TARGET_FIELDS:
            raise ValueError(f"unknown target field {key}")
        clean[key] = value.strip() if isinstance(value, str) else value
    if clean.get("resolution_ref") is None and "resolution_ref" in clean:
        clean["resolution_ref"] = ""
    return clean


@transaction.atomic
def target_set(
    *,
    trace,
    unit,
    period_start,
    period_end,
    minimum,
    stretch=None,
    women_share=None,
    university_share=None,
    student_share=None,
    non_state_worker_share=None,
    resolution_ref="",
    resolution_date=None,
):
    """Set a new target for `unit` (by its superior: DECIDE on the parent)."""
    require_superior(trace.actor, unit)
    target = Target(
        unit=unit,
        **_clean_fields(
            {
                "period_start": period_start,
                "period_end": period_end,
                "minimum": minimum,
                "stretch": stretch,
                "women_share": women_share,
                "university_share": university_share,
                "student_share": student_share,
                "non_state_worker_share": non_state_worker_share,
                "resolution_ref": resolution_ref or "",
                "resolution_date": resolution_date,
            }
        ),
    )
    _validate_target(target)
    target.save()
    record_change(trace, target, action=Change.Action.CREATE)
    return target


@transaction.atomic
def target_update(*, trace, target, **fields):
    """Change a target's period, numbers or resolution; history keeps the old values."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    require_superior(trace.actor, target.unit)
    before = snapshot(target)
    for key, value in _clean_fields(fields).items():
        setattr(target, key, value)
    _validate_target(target)
    target.save()
    record_change(trace, target, action=Change.Action.UPDATE, before=before)
    return target


@transaction.atomic
def target_delete(*, trace, target, reason=""):
    """Remove a target; its values stay in the history with the reason."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    require_superior(trace.actor, target.unit)
    before = snapshot(target)
    record_change(
        trace,
        target,
        action=Change.Action.DELETE,
        before=before,
        reason=reason,
    )
    target.delete()


@transaction.atomic
def finding_record(*, trace, unit, by_unit=None, date, kind, findings, follow_up_due=None):
    """Record what a superior unit found when it inspected `unit`, below it.

    `by_unit` defaults to the unit's parent; it must lie above `unit`, and the user must
    be allowed to decide for it.
    """
    by_unit = by_unit or deciding_unit(unit)
    errors = {}
    if by_unit.pk == unit.pk or not unit.path.startswith(by_unit.path):
        if unit.get_parent() is not None:
            errors["by_unit"] = _("The inspecting unit must be above the unit inspected.")
    if trace.actor is not None:
        scope.require(trace.actor, Action.VIEW, unit)
        if not scope.can(trace.actor, Action.DECIDE, by_unit):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    if kind not in Finding.Kind.values:
        errors["kind"] = _("Use commendation or shortcoming.")
    if not isinstance(date, dt.date):
        errors["date"] = _("A date is required.")
    findings = (findings or "").strip()
    if not findings:
        errors["findings"] = _("Write down what was found.")
    else:
        errors.update(field_errors(Finding(findings=findings), ("findings",)))
    if isinstance(date, dt.date) and isinstance(follow_up_due, dt.date) and follow_up_due < date:
        errors["follow_up_due"] = _("The follow-up cannot be due before the inspection.")
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(
        unit=unit,
        by_unit=by_unit,
        date=date,
        kind=kind,
        findings=findings,
        follow_up_due=follow_up_due,
    )
    record_change(trace, finding, action=Change.Action.CREATE)
    return finding


@transaction.atomic
def finding_close(*, trace, finding, done_on):
    """Record that the follow-up of a finding was done on `done_on`."""
    finding = (
        Finding.objects.select_for_update().select_related("unit", "by_unit").get(pk=finding.pk)
    )
    if trace.actor is not None:
        scope.require(trace.actor, Action.VIEW, finding.unit)
        if not scope.can(trace.actor, Action.DECIDE, finding.by_unit):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    if not isinstance(done_on, dt.date):
        raise ValidationError({"follow_up_done_on": _("A date is required.")})
    if done_on < finding.date:
        raise ValidationError(
            {"follow_up_done_on": _("The follow-up cannot be done before the inspection.")}
        )
    if finding.follow_up_done_on is not None:
        raise ValidationError({"follow_up_done_on": _("This finding is already closed.")})
    before = snapshot(finding)
    finding.follow_up_done_on = done_on
    finding.save(update_fields=["follow_up_done_on"])
    record_change(trace, finding, action=Change.Action.UPDATE, before=before)
    return finding


def _share(value):
    return None if value is None else int(value)


@transaction.atomic
def target_allocate(*, trace, target, shares, proposal):
    """Divide `target` among the units directly below its unit on the period's first day:
    `shares` is {child unit: (minimum, stretch)}; each child gets (or has changed) its
    target for the same period with the parent target's resolution. The minimums must sum
    to the target's minimum, and the stretches to its stretch when it has one (else there
    are none). `proposal` ({unit code: (minimum, stretch)}) is what the page proposed; the
    history of the parent target records it beside what was chosen. Needs DECIDE on the
    target's unit (what `target_set` needs for every child). Returns the child targets.
    """
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    if trace.actor is not None:
        scope.require(trace.actor, Action.VIEW, target.unit)
        if not scope.can(trace.actor, Action.DECIDE, target.unit):
            raise PermissionDenied
    children = timeline.children_on(target.unit, target.period_start)
    given = {getattr(unit, "pk", unit): value for unit, value in shares.items()}
    if set(given) != {child.pk for child in children}:
        raise ValidationError(_("Give one number for each unit directly below this one."))
    minimums = [_share(given[child.pk][0]) for child in children]
    stretches = [_share(given[child.pk][1]) for child in children]
    errors = []
    if any(m is None or m < 0 for m in minimums):
        errors.append(_("Each minimum is a whole number of at least 0."))
    elif sum(minimums) != target.minimum:
        errors.append(
            _("The minimums add up to %(sum)s, not to the target's %(target)s.")
            % {"sum": sum(minimums), "target": target.minimum}
        )
    if target.stretch is None:
        if any(s is not None for s in stretches):
            errors.append(_("This target has no stretch to divide."))
    elif any(s is None or s < 0 for s in stretches):
        errors.append(_("Each stretch is a whole number of at least 0."))
    elif sum(stretches) != target.stretch:
        errors.append(
            _("The stretch targets add up to %(sum)s, not to the target's %(target)s.")
            % {"sum": sum(stretches), "target": target.stretch}
        )
    if not errors and target.stretch is not None:
        for child, minimum, stretch in zip(children, minimums, stretches, strict=True):
            if stretch < minimum:
                errors.append(
                    _("The stretch of %(unit)s is below its minimum.") % {"unit": child.name}
                )
    if errors:
        raise ValidationError(errors)
    existing = {
        t.unit_id: t
        for t in Target.objects.filter(
            unit__in=children, period_start=target.period_start, period_end=target.period_end
        )
    }
    saved = []
    for child, minimum, stretch in zip(children, minimums, stretches, strict=True):
        values = {
            "minimum": minimum,
            "stretch": stretch,
            "resolution_ref": target.resolution_ref,
            "resolution_date": target.resolution_date,
        }
        if child.pk in existing:
            saved.append(target_update(trace=trace, target=existing[child.pk], **values))
        else:
            saved.append(
                target_set(
                    trace=trace,
                    unit=child,
                    period_start=target.period_start,
                    period_end=target.period_end,
                    **values,
                )
            )
    chosen = {
        child.code: [minimum, stretch]
        for child, minimum, stretch in zip(children, minimums, stretches, strict=True)
    }
    record_change(
        trace,
        target,
        action=Change.Action.UPDATE,
        before={"allocation_proposed": {code: list(v) for code, v in proposal.items()}},
        after={"allocation_chosen": chosen},
        reason=_("Allocated to the units below"),
    )
    return saved


@transaction.atomic
def record_forecasts(as_of=None):
    """Store the forecast of every target running on `as_of` (today), replacing that day's
    (the nightly job `plans.forecasts`, or `grassroots forecast`). Derived figures, not a
    user's change: no history rows. Returns how many were stored."""
    as_of = as_of or timezone.localdate()
    made = forecasting.forecasts_to_store(as_of)
    StoredForecast.objects.filter(made_on=as_of).delete()
    StoredForecast.objects.bulk_create(
        [
            StoredForecast(
                target=f.target,
                made_on=as_of,
                admitted=f.outcome.admitted,
                expected=f.outcome.expected,
                probability=f.outcome.probability,
                low=f.outcome.low,
                high=f.outcome.high,
                pipeline=f.pipeline,
                pace=f.pace,
                behind=f.behind,
            )
            for f in made
        ],
        batch_size=2000,
    )
    # Yesterday's and older forecasts past the window no page reads any more.
    StoredForecast.objects.filter(
        made_on__lte=as_of - dt.timedelta(days=forecasting.STORED_DAYS)
    ).delete()
    # Written in bulk, without history: the dashboards kept until now go.
    generation.data_changed()
    return len(made)

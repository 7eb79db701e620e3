"""Issuing, receiving and cancelling transfers. Each function is one transaction and
writes history for every record it changes.

An official transfer moves the member: on arrival the membership (and the person's unit)
moves to the receiving unit. A temporary one leaves the member on the sending unit's roll.
A member who leaves the system officially is marked `transferred_out` when the letter is
issued, since no unit of the system will ever receive them.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.dates import shown_day
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import field_errors, plain_text
from grassroots.people.models import Membership, Person
from grassroots.pipeline import dues
from grassroots.pipeline.rules import get_rules
from grassroots.workdays import add_months, add_working_days

from .models import Transfer

# The member reports to the new unit within this many working days of the letter.
REPORT_WITHIN_WORKING_DAYS = 30
# The note on how a temporary transfer ended (kept as the history row's reason).
END_REASON_MAX_LENGTH = 200


def _require(trace, action, unit):
    if trace.user is not None:
        scope.require(trace.user, action, unit)


def active_membership(person, *, lock=False):
    """The person's current probationary or official membership, or None."""
    queryset = Membership.objects.filter(
        person=person, status__in=[Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL]
    ).select_related("unit")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.order_by("-admitted_on", "-id").first()


def _check_common(errors, *, kind, issued_on, **texts):
    """The kind and the letter's date, and the text fields' limits as the model declares
    them (length, characters, the dues month as YYYY-MM)."""
    if kind not in Transfer.Kind.values:
        errors["kind"] = _("Use official or temporary.")
    if not isinstance(issued_on, dt.date):
        errors["issued_on"] = _("The date of the letter is required.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("The date of the letter lies in the future.")
    texts = {key: (value or "").strip() for key, value in texts.items()}
    errors.update(field_errors(Transfer(**texts), texts))


def _save_new(transfer):
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"issued_on": _("This person already has a transfer issued on that day.")}
        ) from exc


def _move_membership(trace, membership, unit, since=None):
    """Count the member in `unit` from `since` on; the person's unit follows."""
    before = snapshot(membership)
    membership.unit = unit
    membership.unit_since = since
    membership.save(update_fields=["unit", "unit_since"])
    record_change(trace, membership, action=Change.Action.UPDATE, before=before)
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    if person.unit_id != unit.pk:
        before = snapshot(person)
        person.unit = unit
        person.save(update_fields=["unit"])
        record_change(trace, person, action=Change.Action.UPDATE, before=before)


@transaction.atomic
def transfer_issue(
    *,
    trace,
    person,
    kind,
    issued_on,
    to_unit=None,
    destination="",
    destination_type="",
    letter_no="",
    dues_paid_until="",
    note="",
    ends_on=None,
):
    """Record the introduction letter that sends an active member to another unit.

    Exactly one of `to_unit` (a unit of the system) and `destination` (a place outside
    it, with its `destination_type`). The acting user needs RECORD_STEP on the sending
    unit (the membership's unit). `report_by` is 30 working days after the letter.
    Leaving the system officially ends the membership as `transferred_out` at once.
    """
    destination = (destination or "").strip()
    destination_type = (destination_type or "").strip()
    membership = active_membership(person, lock=True)
    if membership is None:
        raise ValidationError(
            {"person": _("%(name)s has no active membership to transfer.") % {"name": person}}
        )
    from_unit = membership.unit
    _require(trace, Action.RECORD_STEP, from_unit)

    errors = {}
    _check_common(
        errors,
        kind=kind,
        issued_on=issued_on,
        destination=destination,
        letter_no=letter_no,
        dues_paid_until=dues_paid_until,
        note=note,
    )
    if to_unit is not None and destination:
        errors["destination"] = _(
            "Give either a unit of the system or a destination outside it, not both."
        )
    elif to_unit is None and not destination:
        errors["to_unit"] = _("Give the receiving unit or a destination outside the system.")
    elif to_unit is not None:
        if to_unit.pk == from_unit.pk:
            errors["to_unit"] = _("The member already belongs to this unit.")
        if destination_type:
            errors["destination_type"] = _(
                "A destination type belongs only to a destination outside the system."
            )
    elif destination_type not in Transfer.DestinationType.values:
        errors["destination_type"] = _("Choose the type of the destination.")
    if kind == Transfer.Kind.TEMPORARY and ends_on is not None:
        if not isinstance(ends_on, dt.date):
            errors["ends_on"] = _("Give the day the temporary transfer is planned to end.")
        elif isinstance(issued_on, dt.date) and not (
            issued_on < ends_on <= add_months(issued_on, TEMPORARY_MAX_MONTHS)
        ):
            errors["ends_on"] = _(
                "A temporary transfer ends after the letter and within %(months)s months."
            ) % {"months": TEMPORARY_MAX_MONTHS}
    if isinstance(issued_on, dt.date) and "issued_on" not in errors:
        if issued_on < membership.admitted_on:
            errors["issued_on"] = _("The letter is dated before the member was admitted.")
    if Transfer.objects.filter(person=person, status=Transfer.Status.ISSUED).exists():
        errors["person"] = _("%(name)s already has a transfer that has not been received yet.") % {
            "name": person
        }
    if errors:
        raise ValidationError(errors)

    transfer = Transfer(
        person=person,
        membership=membership,
        kind=kind,
        issued_on=issued_on,
        from_unit=from_unit,
        to_unit=to_unit,
        destination=destination,
        destination_type=destination_type,
        report_by=add_working_days(issued_on, REPORT_WITHIN_WORKING_DAYS),
        letter_no=(letter_no or "").strip(),
        dues_paid_until=(dues_paid_until or "").strip(),
        note=(note or "").strip(),
        status=Transfer.Status.ISSUED if to_unit is not None else Transfer.Status.LEFT_SCOPE,
        ends_on=ends_on if kind == Transfer.Kind.TEMPORARY else None,
    )
    _save_new(transfer)
    record_change(trace, transfer, action=Change.Action.CREATE)

    if to_unit is None and kind == Transfer.Kind.OFFICIAL:
        before = snapshot(membership)
        membership.status = Membership.Status.TRANSFERRED_OUT
        membership.ended_on = issued_on
        membership.save(update_fields=["status", "ended_on"])
        record_change(trace, membership, action=Change.Action.UPDATE, before=before)
    # A member's record is due only on probation (pipeline.dues).
    dues.refresh_people([transfer.person_id])
    return transfer


@transaction.atomic
def transfer_receive(*, trace, transfer, arrived_on):
    """Record that the member reported to the receiving unit on `arrived_on`.

    Needs RECORD_STEP on the receiving unit. An official transfer moves the membership
    (and the person's unit) to the receiving unit; a temporary one changes no roll.
    """
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_unit", "from_unit", "person")
        .get(pk=transfer.pk)
    )
    if transfer.to_unit is None:
        raise ValidationError(
            {"arrived_on": _("This transfer leads outside the system: no unit receives it.")}
        )
    _require(trace, Action.RECORD_STEP, transfer.to_unit)
    if transfer.status != Transfer.Status.ISSUED:
        raise ValidationError(
            {"arrived_on": _("Only a transfer that is still waiting can be received.")}
        )
    errors = {}
    if not isinstance(arrived_on, dt.date):
        errors["arrived_on"] = _("The arrival date is required.")
    elif arrived_on < transfer.issued_on:
        errors["arrived_on"] = _("The member cannot arrive before the letter was issued.")
    elif arrived_on > timezone.localdate():
        errors["arrived_on"] = _("The arrival date lies in the future.")
    membership = None
    if transfer.membership_id:
        membership = Membership.objects.select_for_update().get(pk=transfer.membership_id)
        if not membership.is_active:
            errors["arrived_on"] = _("The membership is no longer active.")
    if errors:
        raise ValidationError(errors)

    before = snapshot(transfer)
    transfer.arrived_on = arrived_on
    transfer.status = Transfer.Status.RECEIVED
    transfer.save(update_fields=["arrived_on", "status"])
    record_change(trace, transfer, action=Change.Action.UPDATE, before=before)
    if membership is not None and transfer.kind == Transfer.Kind.OFFICIAL:
        _move_membership(trace, membership, transfer.to_unit, since=arrived_on)
    dues.refresh_people([transfer.person_id])
    return transfer


@transaction.atomic
def transfer_incoming(
    *,
    trace,
    person,
    kind,
    issued_on,
    origin,
    to_unit,
    arrived_on,
    membership_status=Membership.Status.OFFICIAL,
    admitted_on=None,
    letter_no="",
    dues_paid_until="",
    note="",
):
    """Register a member who arrives from outside the system with their letter.

    Recorded when the member reports (so it is received at once). Needs RECORD_STEP on
    the receiving unit. An official transfer opens a membership in `to_unit` with the
    status (probationary or official) and admission date of the letter; a temporary
    one opens none, since the member stays on the roll of their unit outside.
    """
    _require(trace, Action.RECORD_STEP, to_unit)
    origin = (origin or "").strip()
    errors = {}
    _check_common(
        errors,
        kind=kind,
        issued_on=issued_on,
        origin=origin,
        letter_no=letter_no,
        dues_paid_until=dues_paid_until,
        note=note,
    )
    if not origin:
        errors["origin"] = _("Say where the member comes from.")
    if not isinstance(arrived_on, dt.date):
        errors["arrived_on"] = _("The arrival date is required.")
    elif isinstance(issued_on, dt.date) and arrived_on < issued_on:
        errors["arrived_on"] = _("The member cannot arrive before the letter was issued.")
    elif arrived_on > timezone.localdate():
        errors["arrived_on"] = _("The arrival date lies in the future.")
    if active_membership(person, lock=True) is not None:
        errors["person"] = _(
            "%(name)s is already an active member in the system: transfer them from "
            "their unit instead."
        ) % {"name": person}
    if kind == Transfer.Kind.OFFICIAL:
        if membership_status not in (Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL):
            errors["membership_status"] = _("Use probationary or official.")
        if not isinstance(admitted_on, dt.date):
            errors["admitted_on"] = _("The admission date on the letter is required.")
        elif isinstance(issued_on, dt.date) and admitted_on > issued_on:
            errors["admitted_on"] = _("The admission date lies after the letter.")
    if errors:
        raise ValidationError(errors)

    membership = None
    if kind == Transfer.Kind.OFFICIAL:
        membership = Membership.objects.create(
            person=person,
            unit=to_unit,
            status=membership_status,
            admitted_on=admitted_on,
            unit_since=arrived_on,
        )
        record_change(trace, membership, action=Change.Action.CREATE)
    transfer = Transfer(
        person=person,
        membership=membership,
        kind=kind,
        issued_on=issued_on,
        to_unit=to_unit,
        origin=origin,
        report_by=add_working_days(issued_on, REPORT_WITHIN_WORKING_DAYS),
        arrived_on=arrived_on,
        status=Transfer.Status.RECEIVED,
        letter_no=(letter_no or "").strip(),
        dues_paid_until=(dues_paid_until or "").strip(),
        note=(note or "").strip(),
    )
    _save_new(transfer)
    record_change(trace, transfer, action=Change.Action.CREATE)
    if person.unit_id is None or kind == Transfer.Kind.OFFICIAL:
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.unit_id != to_unit.pk:
            before = snapshot(person)
            person.unit = to_unit
            person.save(update_fields=["unit"])
            record_change(trace, person, action=Change.Action.UPDATE, before=before)
    dues.refresh_people([transfer.person_id])
    return transfer


@transaction.atomic
def transfer_cancel(*, trace, transfer, reason=""):
    """Withdraw a letter that was issued by mistake or not used.

    Needs RECORD_STEP on the sending unit. Only a transfer not yet received (or one out
    of the system) can be cancelled; an official departure out of the system gives the
    membership back its earlier status.
    """
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_unit", "to_unit", "person")
        .get(pk=transfer.pk)
    )
    _require(trace, Action.RECORD_STEP, transfer.from_unit or transfer.to_unit)
    if transfer.status not in (Transfer.Status.ISSUED, Transfer.Status.LEFT_SCOPE):
        raise ValidationError(
            {"reason": _("A received, returned or cancelled transfer cannot be cancelled.")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    membership = None
    if (
        transfer.status == Transfer.Status.LEFT_SCOPE
        and transfer.kind == Transfer.Kind.OFFICIAL
        and transfer.membership_id
    ):
        membership = Membership.objects.select_for_update().get(pk=transfer.membership_id)
        if membership.status != Membership.Status.TRANSFERRED_OUT:
            raise ValidationError(
                {"reason": _("The membership has changed since: it cannot be restored.")}
            )
        if active_membership(transfer.person) is not None:
            raise ValidationError({"reason": _("The person has another active membership now.")})

    before = snapshot(transfer)
    transfer.status = Transfer.Status.CANCELLED
    transfer.save(update_fields=["status"])
    record_change(trace, transfer, action=Change.Action.UPDATE, before=before, reason=reason)
    if membership is not None:
        before = snapshot(membership)
        membership.status = (
            Membership.Status.OFFICIAL
            if membership.official_since
            else Membership.Status.PROBATIONARY
        )
        membership.ended_on = None
        membership.save(update_fields=["status", "ended_on"])
        record_change(trace, membership, action=Change.Action.UPDATE, before=before, reason=reason)
    dues.refresh_people([transfer.person_id])
    return transfer


# A temporary transfer lasts at most this many months (full-time study: two years;
# domain.md marks the figure unverified).
TEMPORARY_MAX_MONTHS = 24


def may_end(user, transfer, outcome):
    """The one permission predicate of `transfer_end` (page, API): the sending unit takes
    the member back, the receiving unit keeps them."""
    unit = transfer.to_unit if outcome == Transfer.Status.MADE_OFFICIAL else transfer.from_unit
    unit = unit or transfer.from_unit or transfer.to_unit
    return user is None or scope.can(user, Action.RECORD_STEP, unit)


@transaction.atomic
def transfer_end(*, trace, transfer, ended_on, outcome, reason=""):
    """End a temporary transfer on `ended_on`: the member returns to the sending unit
    (`outcome` "returned"), or the transfer is made official ("made_official": the
    membership and the person move to the receiving unit from that day).

    Needs RECORD_STEP on the sending unit (returned) or on the receiving unit (made
    official). The history holds a row for each of the two units, so both see it.
    """
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_unit", "to_unit", "person")
        .get(pk=transfer.pk)
    )
    if outcome not in (Transfer.Status.RETURNED, Transfer.Status.MADE_OFFICIAL):
        raise ValidationError({"outcome": _("Say whether the member returned or stays.")})
    unit = transfer.to_unit if outcome == Transfer.Status.MADE_OFFICIAL else transfer.from_unit
    _require(trace, Action.RECORD_STEP, unit or transfer.from_unit or transfer.to_unit)
    errors = {}
    if transfer.kind != Transfer.Kind.TEMPORARY:
        errors["outcome"] = _("Only a temporary transfer can be ended.")
    elif transfer.status not in (Transfer.Status.ISSUED, Transfer.Status.RECEIVED):
        errors["outcome"] = _("This transfer has already ended.")
    if outcome == Transfer.Status.MADE_OFFICIAL and transfer.to_unit is None:
        errors["outcome"] = _("No unit of the system receives this member.")
    if not isinstance(ended_on, dt.date):
        errors["ended_on"] = _("The date is required.")
    elif ended_on < (transfer.arrived_on or transfer.issued_on):
        errors["ended_on"] = _("The transfer cannot end before it began.")
    elif ended_on > timezone.localdate():
        errors["ended_on"] = _("The date lies in the future.")
    reason = (reason or "").strip()
    try:
        for check in (MaxLengthValidator(END_REASON_MAX_LENGTH), plain_text):
            check(reason)
    except ValidationError as exc:
        errors["reason"] = exc.messages
    if errors:
        raise ValidationError(errors)
    membership = None
    if transfer.membership_id:
        membership = Membership.objects.select_for_update().get(pk=transfer.membership_id)
    before = snapshot(transfer)
    transfer.status = outcome
    transfer.ended_on = ended_on
    transfer.save(update_fields=["status", "ended_on"])
    # One row, read by both units: a transfer's history is scoped to its sender and its
    # receiver alike (transfers/apps.py).
    record_change(trace, transfer, action=Change.Action.UPDATE, before=before, reason=reason)
    if outcome == Transfer.Status.MADE_OFFICIAL and membership is not None:
        _move_membership(trace, membership, transfer.to_unit, since=ended_on)
    dues.refresh_people([transfer.person_id])
    return transfer


# The note on why a member left (kept as the history row's reason).
LEAVE_NOTE_MAX_LENGTH = 200


def may_record_leaving(user, membership):
    """The one permission predicate of `membership_leave` (page, API): ending a membership
    is the committee's decision (removal from the rolls, accepting a resignation), so it
    needs DECIDE on the member's unit; a cell records steps, it does not decide this."""
    return user is None or scope.can(user, Action.DECIDE, membership.unit)


def transfer_under_way(membership):
    """The transfer of this membership not yet received or ended, or None."""
    return (
        Transfer.objects.filter(
            membership=membership,
            status__in=[Transfer.Status.ISSUED, Transfer.Status.RECEIVED],
        )
        .exclude(kind=Transfer.Kind.OFFICIAL, status=Transfer.Status.RECEIVED)
        .first()
    )


def _locked_for_leaving(trace, membership):
    """The membership read again and locked, once the user may record its leaving: out of
    sight a 404, in sight without the right a 403 (as every service answers)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("unit", "person")
        .get(pk=membership.pk)
    )
    if not may_record_leaving(trace.user, membership):
        scope.require(trace.user, Action.DECIDE, membership.unit)
    return membership


def _check_note(errors, field, note):
    """A one-paragraph note kept as the history's reason: its limits, else errors[field]."""
    try:
        for check in (MaxLengthValidator(LEAVE_NOTE_MAX_LENGTH), plain_text):
            check(note)
    except ValidationError as exc:
        errors.setdefault(field, exc.messages)


@transaction.atomic
def membership_leave(*, trace, membership, ended_on, reason, note=""):
    """Record that a member left the organisation on `ended_on`, for `reason` (a code of
    the rule set's `leave_reasons`): the membership ends with status left. The register's
    end date and reason are what a later readmission is checked against (36 months, the
    reasons that bar it). Needs DECIDE on the member's unit (`may_record_leaving`)."""
    membership = _locked_for_leaving(trace, membership)
    errors = {}
    if not membership.is_active:
        errors["ended_on"] = _("This membership has already ended.")
    elif not isinstance(ended_on, dt.date):
        errors["ended_on"] = _("The date is required.")
    elif ended_on < membership.admitted_on:
        errors["ended_on"] = _("A membership cannot end before the admission decision.")
    elif membership.unit_since and ended_on < membership.unit_since:
        errors["ended_on"] = _("The member came to this unit only on %(day)s.") % {
            "day": shown_day(membership.unit_since)
        }
    elif ended_on > timezone.localdate():
        errors["ended_on"] = _("The date lies in the future.")
    if reason not in dict(get_rules().leave_reasons):
        errors["reason"] = _("Choose a reason from the list.")
    if membership.is_active and transfer_under_way(membership) is not None:
        errors["reason"] = _("A transfer of this member is under way: end or cancel it first.")
    note = (note or "").strip()
    _check_note(errors, "note", note)
    if errors:
        raise ValidationError(errors)
    before = snapshot(membership)
    membership.status = Membership.Status.LEFT
    membership.ended_on = ended_on
    membership.leave_reason = reason
    membership.save(update_fields=["status", "ended_on", "leave_reason"])
    record_change(trace, membership, action=Change.Action.UPDATE, before=before, reason=note)
    dues.refresh_people([membership.person_id])
    return membership


@transaction.atomic
def membership_leave_undo(*, trace, membership, reason):
    """Take back a leaving recorded by mistake: the membership is in force again, with the
    status its own dates give (official from `official_since`, else probationary), and the
    history keeps both the leaving and why it was taken back. Refused once the person holds
    another membership in force or has been readmitted since. Same permission as
    `membership_leave`."""
    membership = _locked_for_leaving(trace, membership)
    errors = {}
    if membership.status != Membership.Status.LEFT:
        errors["reason"] = _("This membership did not end by leaving.")
    elif (
        Membership.objects.filter(
            person_id=membership.person_id, admitted_on__gt=membership.admitted_on
        ).exists()
        or active_membership(membership.person) is not None
    ):
        errors["reason"] = _(
            "The person has been admitted again since: the leaving is part of that history."
        )
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", _("Say why the leaving is taken back."))
    else:
        _check_note(errors, "reason", reason)
    if errors:
        raise ValidationError(errors)
    before = snapshot(membership)
    membership.status = (
        Membership.Status.OFFICIAL if membership.official_since else Membership.Status.PROBATIONARY
    )
    membership.ended_on = None
    membership.leave_reason = ""
    membership.save(update_fields=["status", "ended_on", "leave_reason"])
    record_change(trace, membership, action=Change.Action.UPDATE, before=before, reason=reason)
    dues.refresh_people([membership.person_id])
    return membership

"""Changing the pipeline: sources, courses, enrolments, dossiers, admissions, confirmations.

Each function is one transaction, checks the acting user's role with `scope.require`
(so the pages, the API and the commands share the checks), validates, saves and writes
history with `record_change`. The statutory rules are checked by `engine.py` against the
rule set in `rules.py`; a refused step raises ValidationError naming the rule.
"""

import datetime as dt
import os

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history.models import Cause, Change
from grassroots.history.services import record_change, snapshot
from grassroots.org.models import Unit
from grassroots.people.models import Membership

from . import engine
from .facts import dossier_facts
from .models import Admission, Confirmation, Course, Dossier, DossierStep, Enrollment, Source
from .rules import get_rules

ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


def _trusted(trace):
    """Commands and system jobs run without a user; everything else is checked."""
    return trace.user is None and trace.cause in (Cause.COMMAND, Cause.SYSTEM)


def _require(trace, action, unit):
    if not _trusted(trace):
        scope.require(trace.user, action, unit)


def _may(trace, action, unit):
    return _trusted(trace) or scope.can(trace.user, action, unit)


def _not_in_future(day, field):
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date lies in the future.")})


def _refuse(violations):
    """ValidationError with each rule's message and code, on the field it concerns."""
    errors = {}
    for violation in violations:
        errors.setdefault(violation.field or NON_FIELD_ERRORS, []).append(
            ValidationError(str(violation), code=violation.code)
        )
    raise ValidationError(errors)


# Sources ----------------------------------------------------------------------------


SOURCE_FIELDS = ("nominated_on", "nominated_by", "category", "mentor", "status", "note")


def _validate_source(source):
    errors = {}
    if source.category not in Source.Category.values:
        errors["category"] = _("Unknown category.")
    if source.status not in Source.Status.values:
        errors["status"] = _("Unknown status.")
    if source.mentor_id and source.mentor_id == source.person_id:
        errors["mentor"] = _("A person cannot mentor themselves.")
    if source.nominated_on and source.nominated_on > timezone.localdate():
        errors["nominated_on"] = _("The date lies in the future.")
    duplicate = Source.objects.filter(person=source.person, unit=source.unit).exclude(pk=source.pk)
    if duplicate.exists():
        errors["person"] = _("%(person)s is already a source of %(unit)s.") % {
            "person": source.person,
            "unit": source.unit.code,
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def source_nominate(
    *,
    trace,
    person,
    unit,
    nominated_on,
    category=Source.Category.OTHER,
    mentor=None,
    nominated_by="",
    note="",
):
    """Put a person on a unit's list of sources (sympathisers), with a mentor."""
    _require(trace, Action.EDIT_PEOPLE, unit)
    if Membership.objects.filter(
        person=person, status__in=[Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL]
    ).exists():
        raise ValidationError({"person": _("%(person)s is already a member.") % {"person": person}})
    source = Source(
        person=person,
        unit=unit,
        nominated_on=nominated_on,
        category=category,
        mentor=mentor,
        nominated_by=(nominated_by or "").strip(),
        note=(note or "").strip(),
    )
    _validate_source(source)
    source.save()
    record_change(trace, source, action=Change.Action.CREATE)
    return source


@transaction.atomic
def source_update(*, trace, source, **fields):
    """Change a source's category, mentor, status, note or nomination date."""
    source = Source.objects.select_for_update().select_related("unit", "person").get(pk=source.pk)
    _require(trace, Action.EDIT_PEOPLE, source.unit)
    before = snapshot(source)
    for key, value in fields.items():
        if key not in SOURCE_FIELDS:
            raise ValueError(f"unknown source field {key}")
        setattr(source, key, value.strip() if isinstance(value, str) else value)
    _validate_source(source)
    source.save()
    record_change(trace, source, action=Change.Action.UPDATE, before=before)
    return source


def _advance_sources(trace, person, to_status, from_statuses):
    for source in Source.objects.select_for_update().filter(
        person=person, status__in=from_statuses
    ):
        before = snapshot(source)
        source.status = to_status
        source.save(update_fields=["status"])
        record_change(trace, source, action=Change.Action.UPDATE, before=before)


# Courses and enrolments -----------------------------------------------------------------


@transaction.atomic
def course_create(*, trace, code, organizer, title, start_date, end_date, place=""):
    """Open an awareness course organised by a committee."""
    _require(trace, Action.EDIT_UNITS, organizer)
    code = (code or "").strip().upper()
    errors = {}
    if not code:
        errors["code"] = _("A course needs a code.")
    elif Course.objects.filter(code=code).exists():
        errors["code"] = _("Another course already has code %(code)s.") % {"code": code}
    if not (title or "").strip():
        errors["title"] = _("A course needs a title.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The course cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    course = Course.objects.create(
        code=code,
        organizer=organizer,
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        place=(place or "").strip(),
    )
    record_change(trace, course, action=Change.Action.CREATE)
    return course


def _require_enrol(trace, course, person):
    """The course's organiser, or whoever may change the person's own unit, may enrol."""
    if _may(trace, Action.EDIT_UNITS, course.organizer):
        return
    _require(trace, Action.EDIT_PEOPLE, person.unit)


@transaction.atomic
def enrollment_add(*, trace, course, person):
    """Register a person for a course; their sources become 'registered'."""
    course = Course.objects.select_for_update().select_related("organizer").get(pk=course.pk)
    _require_enrol(trace, course, person)
    if Enrollment.objects.filter(course=course, person=person).exists():
        raise ValidationError(
            {"person": _("%(person)s is already registered for this course.") % {"person": person}}
        )
    enrollment = Enrollment.objects.create(course=course, person=person)
    record_change(trace, enrollment, action=Change.Action.CREATE)
    _advance_sources(trace, person, Source.Status.REGISTERED, [Source.Status.NOMINATED])
    return enrollment


@transaction.atomic
def enrollment_record_result(
    *, trace, enrollment, result, certificate_no="", certificate_date=None
):
    """Record how a participant finished; completion needs the certificate's number and date."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course__organizer", "person")
        .get(pk=enrollment.pk)
    )
    course = enrollment.course
    _require(trace, Action.EDIT_UNITS, course.organizer)
    if result not in Enrollment.Result.values:
        raise ValidationError({"result": _("Unknown result.")})
    certificate_no = (certificate_no or "").strip()
    errors = {}
    if result == Enrollment.Result.COMPLETED:
        if not certificate_no:
            errors["certificate_no"] = _("A completed course needs the certificate number.")
        if not certificate_date:
            errors["certificate_date"] = _("A completed course needs the certificate date.")
        elif certificate_date < course.start_date:
            errors["certificate_date"] = _("The certificate cannot predate the course.")
        elif certificate_date > timezone.localdate():
            errors["certificate_date"] = _("The date lies in the future.")
    else:
        certificate_no, certificate_date = "", None
    if errors:
        raise ValidationError(errors)
    before = snapshot(enrollment)
    enrollment.result = result
    enrollment.certificate_no = certificate_no
    enrollment.certificate_date = certificate_date
    enrollment.save(update_fields=["result", "certificate_no", "certificate_date"])
    record_change(
        trace,
        enrollment,
        action=Change.Action.UPDATE,
        before=before,
    )
    if result == Enrollment.Result.COMPLETED:
        _advance_sources(
            trace,
            enrollment.person,
            Source.Status.TRAINED,
            [Source.Status.NOMINATED, Source.Status.REGISTERED],
        )
    return enrollment


# Dossiers ----------------------------------------------------------------------------


@transaction.atomic
def dossier_open(*, trace, person, unit, opened_on, source=None, readmission=False):
    """Open an admission dossier for a person in a cell."""
    _require(trace, Action.RECORD_STEP, unit)
    errors = {}
    if unit.kind != Unit.Kind.CELL:
        errors["unit"] = _("A dossier is carried by a cell.")
    if Dossier.objects.filter(
        person=person, status__in=[Dossier.Status.OPEN, Dossier.Status.ADMITTED]
    ).exists():
        errors["person"] = _("%(person)s already has a dossier in progress.") % {"person": person}
    elif Membership.objects.filter(
        person=person, status__in=[Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL]
    ).exists():
        errors["person"] = _("%(person)s is already a member.") % {"person": person}
    if opened_on and opened_on > timezone.localdate():
        errors["opened_on"] = _("The date lies in the future.")
    if source is not None and source.person_id != person.pk:
        errors["source"] = _("The source is another person.")
    if errors:
        raise ValidationError(errors)
    if source is None:
        source = Source.objects.filter(person=person, unit=unit).first()
    dossier = Dossier.objects.create(
        person=person, unit=unit, source=source, readmission=readmission, opened_on=opened_on
    )
    record_change(trace, dossier, action=Change.Action.CREATE)
    _advance_sources(
        trace,
        person,
        Source.Status.IN_DOSSIER,
        [Source.Status.NOMINATED, Source.Status.REGISTERED, Source.Status.TRAINED],
    )
    return dossier


@transaction.atomic
def dossier_close(*, trace, dossier, reason):
    """Close a dossier that will not lead to admission (the reason is kept)."""
    dossier = Dossier.objects.select_for_update().select_related("unit").get(pk=dossier.pk)
    _require(trace, Action.RECORD_STEP, dossier.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the dossier is closed.")})
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError(_("Only an open dossier can be closed."))
    before = snapshot(dossier)
    dossier.status = Dossier.Status.CLOSED
    dossier.closed_reason = reason
    dossier.save(update_fields=["status", "closed_reason"])
    record_change(trace, dossier, action=Change.Action.UPDATE, before=before, reason=reason)
    _advance_sources(trace, dossier.person, Source.Status.DROPPED, [Source.Status.IN_DOSSIER])
    return dossier


def _json_values(values):
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in values.items()
        if value is not None
    }


def _check_attachment(attachment):
    if attachment is None:
        return
    extension = os.path.splitext(attachment.name or "")[1].lower()
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError({"attachment": _("Attach a PDF, JPEG or PNG scan.")})
    if attachment.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("The scan is larger than 5 MB.")})


@transaction.atomic
def dossier_record_step(
    *,
    trace,
    dossier,
    step,
    date,
    document_no="",
    data=None,
    attachment=None,
    exception_reason="",
):
    """Record one step of the procedure after the engine checked every rule.

    A refused step changes nothing and raises ValidationError naming the rule(s). With an
    `exception_reason`, a user who may take decisions (Action.DECIDE) records it anyway when
    every broken rule allows exceptions; the rules set aside are stored on the step. The
    admission decision creates the Admission and a probationary Membership; the ceremony
    starts the probation.
    """
    rules = get_rules()
    dossier = (
        Dossier.objects.select_for_update().select_related("person", "unit").get(pk=dossier.pk)
    )
    step_def = rules.step(step)
    _require(
        trace, Action.DECIDE if step_def and step_def.decides else Action.RECORD_STEP, dossier.unit
    )
    exception_reason = (exception_reason or "").strip()
    facts = dossier_facts(dossier)
    violations = engine.check_step(facts, step, date, data or {}, rules=rules)
    if violations:
        if not exception_reason or any(not v.exceptable for v in violations):
            _refuse(violations)
        if not _may(trace, Action.DECIDE, dossier.unit):
            raise ValidationError(
                {
                    "exception_reason": _(
                        "Only a user who takes decisions may set a rule aside: %(rules)s"
                    )
                    % {"rules": ", ".join(v.code for v in violations)}
                }
            )
    else:
        exception_reason = ""
    _check_attachment(attachment)
    values, _problems = engine.step_values(
        rules, step_def, data or {}, readmission=dossier.readmission
    )
    if step == "admission_decision" and not document_no:
        document_no = values.get("decision_no", "")
    row = DossierStep(
        dossier=dossier,
        step=step,
        date=date,
        document_no=(document_no or "").strip(),
        data=_json_values(values),
        recorded_by=trace.actor,
        exception_rule=",".join(v.code for v in violations)[:60] if exception_reason else "",
        exception_reason=exception_reason,
    )
    if attachment is not None:
        row.attachment = attachment
    row.save()
    record_change(
        trace, row, action=Change.Action.CREATE, after=_step_snapshot(row), reason=exception_reason
    )
    if step == "admission_decision":
        _admit(trace, dossier, row)
    elif step == "ceremony":
        _start_probation(trace, dossier, row, rules)
    return row


def _step_snapshot(row):
    """The step's fields for history; the scan by its stored name (or None)."""
    after = snapshot(
        row, fields=[f.name for f in DossierStep._meta.concrete_fields if f.name != "attachment"]
    )
    after["attachment"] = row.attachment.name or None
    return after


def _admit(trace, dossier, row):
    before = snapshot(dossier)
    dossier.status = Dossier.Status.ADMITTED
    dossier.save(update_fields=["status"])
    record_change(trace, dossier, action=Change.Action.UPDATE, before=before)
    membership = Membership.objects.create(
        person=dossier.person,
        unit=dossier.unit,
        status=Membership.Status.PROBATIONARY,
        admitted_on=row.date,
        readmission=dossier.readmission,
    )
    record_change(trace, membership, action=Change.Action.CREATE)
    admission = Admission(
        person=dossier.person,
        unit=dossier.unit,
        decision_date=row.date,
        decision_no=row.data.get("decision_no", row.document_no),
        readmission=dossier.readmission,
        dossier=dossier,
        membership=membership,
    )
    admission.keep_person_attributes(dossier.person)
    admission.save()
    announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)
    record_change(trace, admission, action=Change.Action.CREATE)
    _advance_sources(
        trace,
        dossier.person,
        Source.Status.ADMITTED,
        [
            Source.Status.NOMINATED,
            Source.Status.REGISTERED,
            Source.Status.TRAINED,
            Source.Status.IN_DOSSIER,
        ],
    )


def _start_probation(trace, dossier, row, rules):
    admission = Admission.objects.select_for_update().get(dossier=dossier)
    before = snapshot(admission)
    admission.ceremony_date = row.date
    admission.save(update_fields=["ceremony_date"])
    record_change(trace, admission, action=Change.Action.UPDATE, before=before)
    if admission.membership_id:
        membership = Membership.objects.select_for_update().get(pk=admission.membership_id)
        before = snapshot(membership)
        membership.ceremony_date = row.date
        membership.probation_ends_on = engine.probation_end(row.date, rules)
        membership.save(update_fields=["ceremony_date", "probation_ends_on"])
        record_change(trace, membership, action=Change.Action.UPDATE, before=before)


CONFIRMATION_FIELDS = {
    "confirmation_after_probation": "cell_vote_date",
    "confirmation_deadline": "cell_vote_date",
    "confirmation_decision_deadline": "decided_on",
    "step_date_order": "decided_on",
}


@transaction.atomic
def confirmation_record(
    *,
    trace,
    admission,
    decided_on,
    outcome,
    cell_vote_date=None,
    decision_no="",
    extended=False,
    exception_reason="",
):
    """Recognise a probationary member as official, or record that they were not.

    Official membership dates from the end of probation even when the decision is late.
    Deadlines broken can be set aside by a user who may take decisions, with a reason.
    """
    rules = get_rules()
    admission = (
        Admission.objects.select_for_update(of=("self",))
        .select_related("unit", "person", "membership")
        .get(pk=admission.pk)
    )
    _require(trace, Action.DECIDE, admission.unit)
    if Confirmation.objects.filter(admission=admission).exists():
        raise ValidationError(_("The confirmation has already been recorded."))
    if outcome not in Confirmation.Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    _not_in_future(decided_on, "decided_on")
    _not_in_future(cell_vote_date, "cell_vote_date")
    exception_reason = (exception_reason or "").strip()
    violations = engine.check_confirmation(
        ceremony_date=admission.ceremony_date,
        cell_vote_date=cell_vote_date,
        decided_on=decided_on,
        extended=extended,
        rules=rules,
    )
    violations = [
        engine.Violation(v.code, v.message, v.exceptable, CONFIRMATION_FIELDS.get(v.code, ""))
        for v in violations
    ]
    if violations and (not exception_reason or any(not v.exceptable for v in violations)):
        _refuse(violations)
    if not violations:
        exception_reason = ""
    confirmation = Confirmation.objects.create(
        admission=admission,
        decided_on=decided_on,
        outcome=outcome,
        cell_vote_date=cell_vote_date,
        decision_no=(decision_no or "").strip(),
        exception_rule=",".join(v.code for v in violations)[:60],
        exception_reason=exception_reason,
    )
    record_change(trace, confirmation, action=Change.Action.CREATE, reason=exception_reason)
    membership = admission.membership
    if membership is not None:
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = snapshot(membership)
        if outcome == Confirmation.Outcome.CONFIRMED:
            membership.status = Membership.Status.OFFICIAL
            membership.official_since = membership.probation_ends_on or engine.probation_end(
                admission.ceremony_date, rules
            )
        else:
            membership.status = Membership.Status.NOT_CONFIRMED
            membership.ended_on = decided_on
        membership.save(update_fields=["status", "official_since", "ended_on"])
        record_change(trace, membership, action=Change.Action.UPDATE, before=before)
    return confirmation

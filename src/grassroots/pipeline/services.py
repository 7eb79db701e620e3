"""Changing the pipeline: sources, courses, enrolments, dossiers, admissions, confirmations.

Each function is one transaction, checks the acting user's role with `scope.require`
(so the pages, the API and the commands share the checks), validates, saves and writes
history with `record_change`. The statutory rules are checked by `engine.py` against the
rule set in `rules.py`; a refused step raises ValidationError naming the rule.
"""

import dataclasses
import datetime as dt
import os

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history.models import Cause, Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import field_errors, save_checked
from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person

from . import dues, engine, status
from .facts import dossier_facts, former_membership, register_for
from .models import (
    Admission,
    Confirmation,
    Course,
    Dossier,
    DossierStep,
    Enrollment,
    FailedCellVote,
    Source,
)
from .rules import get_rules

ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


def _trusted(trace):
    """Commands and system jobs run without a user; everything else is checked."""
    return trace.user is None and trace.cause in (Cause.COMMAND, Cause.SYSTEM)


def _require(trace, action, unit):
    if not _trusted(trace):
        scope.require(trace.user, action, unit)


def _require_seen(trace, person):
    """The person is one the acting user sees, through the scoping of every list and
    page (404 otherwise): a unit's list of sources or its dossiers take no one else."""
    if not _trusted(trace):
        scope.get_scoped(trace.user, Person.objects.all(), pk=person.pk)


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


# The status is not among them: it follows from the facts (status.source_status).
SOURCE_FIELDS = ("nominated_on", "nominated_by", "category", "mentor", "note")


def _before_birth(person):
    return _("%(person)s was born on %(birth)s: the date cannot be earlier.") % {
        "person": person,
        "birth": formats.date_format(person.birth_date, "SHORT_DATE_FORMAT"),
    }


def _check_mentor(source):
    """An official member mentors each source (domain.md, Sources): someone whose
    membership is official and not ended."""
    if not source.mentor_id or source.mentor_id == source.person_id:
        return None
    if Membership.objects.filter(
        person_id=source.mentor_id, status=Membership.Status.OFFICIAL, ended_on__isnull=True
    ).exists():
        return None
    return _("%(person)s is not an official member and cannot mentor a source.") % {
        "person": source.mentor
    }


def _validate_source(source, *, mentor_changed=False):
    errors = field_errors(source, ("nominated_by", "note"))
    if source.category not in Source.Category.values:
        errors["category"] = _("Unknown category.")
    if source.mentor_id and source.mentor_id == source.person_id:
        errors["mentor"] = _("A person cannot mentor themselves.")
    elif mentor_changed and (problem := _check_mentor(source)):
        errors["mentor"] = problem
    if source.nominated_on and source.nominated_on > timezone.localdate():
        errors["nominated_on"] = _("The date lies in the future.")
    elif source.nominated_on and source.nominated_on < source.person.birth_date:
        errors["nominated_on"] = _before_birth(source.person)
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
    _require_seen(trace, person)
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
    _validate_source(source, mentor_changed=True)
    source.status = status.source_status(source)
    save_checked(source.save, lambda: _validate_source(source, mentor_changed=True))
    record_change(trace, source, action=Change.Action.CREATE)
    return source


@transaction.atomic
def source_update(*, trace, source, **fields):
    """Change a source's category, mentor, note or nomination date (its status follows
    from the facts and cannot be set)."""
    source = Source.objects.select_for_update().select_related("unit", "person").get(pk=source.pk)
    _require(trace, Action.EDIT_PEOPLE, source.unit)
    before = snapshot(source)
    mentor_before = source.mentor_id
    for key, value in fields.items():
        if key not in SOURCE_FIELDS:
            raise ValueError(f"unknown source field {key}")
        setattr(source, key, value.strip() if isinstance(value, str) else value)
    # A mentor who has since left stays on the record; a new mentor must be a member.
    _validate_source(source, mentor_changed=source.mentor_id != mentor_before)
    source.status = status.source_status(source)
    source.save()
    record_change(trace, source, action=Change.Action.UPDATE, before=before)
    return source


def refresh_sources(trace, person):
    """Recompute the person's sources' statuses from the facts (inside the caller's
    transaction), with a history row for each that changes."""
    for source in Source.objects.select_for_update().filter(person=person):
        derived = status.source_status(source)
        if derived != source.status:
            before = snapshot(source)
            source.status = derived
            source.save(update_fields=["status"])
            record_change(trace, source, action=Change.Action.UPDATE, before=before)


# Courses and enrolments -----------------------------------------------------------------


@transaction.atomic
def course_create(*, trace, code, organizer, title, start_date, end_date, place=""):
    """Open an awareness course organised by a committee."""
    _require(trace, Action.EDIT_UNITS, organizer)
    code = Course.written_code(code)
    title, place = (title or "").strip(), (place or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("A course needs a code.")
    else:
        errors.update(_code_taken(code))
    if not title:
        errors["title"] = _("A course needs a title.")
    fields = Course(code=code, title=title, place=place)
    errors = {**field_errors(fields, ("code", "title", "place")), **errors}
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The course cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    course = Course(
        code=code,
        organizer=organizer,
        title=title,
        start_date=start_date,
        end_date=end_date,
        place=place,
    )
    save_checked(course.save, lambda: _code_free(code))
    record_change(trace, course, action=Change.Action.CREATE)
    return course


def _code_taken(code):
    if Course.objects.filter(code=code).exists():
        return {"code": _("Another course already has code %(code)s.") % {"code": code}}
    return {}


def _code_free(code):
    if errors := _code_taken(code):
        raise ValidationError(errors)


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
    refresh_sources(trace, person)
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
    errors = field_errors(Enrollment(certificate_no=certificate_no), ("certificate_no",))
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
        refresh_sources(trace, enrollment.person)
    dues.refresh_people([enrollment.person_id])  # the certificate's validity
    return enrollment


# Dossiers ----------------------------------------------------------------------------


@transaction.atomic
def dossier_open(*, trace, person, unit, opened_on, source=None, readmission=False):
    """Open an admission dossier for a person in a cell."""
    _require(trace, Action.RECORD_STEP, unit)
    _require_seen(trace, person)
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
    elif not readmission and (former := former_membership(person)) is not None:
        errors["person"] = _(
            "%(person)s was a member until %(ended)s: a former member returns only by readmission."
        ) % {
            "person": person,
            "ended": formats.date_format(former.ended_on, "SHORT_DATE_FORMAT")
            if former.ended_on
            else "?",
        }
    if opened_on and opened_on > timezone.localdate():
        errors["opened_on"] = _("The date lies in the future.")
    elif opened_on and opened_on < person.birth_date:
        errors["opened_on"] = _before_birth(person)
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
    refresh_sources(trace, person)
    dues.refresh([dossier.pk])
    return dossier


@transaction.atomic
def dossier_close(*, trace, dossier, reason):
    """Close a dossier that will not lead to admission (the reason is kept)."""
    dossier = Dossier.objects.select_for_update().select_related("unit").get(pk=dossier.pk)
    _require(trace, Action.RECORD_STEP, dossier.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the dossier is closed.")})
    errors = field_errors(Dossier(closed_reason=reason), ("closed_reason",))
    if errors:
        raise ValidationError({"reason": errors["closed_reason"]})
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError(_("Only an open dossier can be closed."))
    before = snapshot(dossier)
    dossier.status = Dossier.Status.CLOSED
    dossier.closed_reason = reason
    dossier.save(update_fields=["status", "closed_reason"])
    record_change(trace, dossier, action=Change.Action.UPDATE, before=before, reason=reason)
    refresh_sources(trace, dossier.person)
    dues.refresh([dossier.pk])
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


def _exception(level="", document_no="", document_date=None, reason=""):
    """The written approval as given; its text fields held to the model's limits."""
    exception = {
        "level": (level or "").strip(),
        "document_no": (document_no or "").strip(),
        "document_date": document_date,
        "reason": (reason or "").strip(),
    }
    errors = field_errors(
        DossierStep(
            exception_document_no=exception["document_no"], exception_reason=exception["reason"]
        ),
        ("exception_document_no", "exception_reason"),
    )
    if errors:
        raise ValidationError(errors)
    return exception


def _given(exception):
    return any(exception[key] for key in ("level", "document_no", "document_date", "reason"))


def _set_aside(trace, unit, violations, exception, rules):
    """Refuse unless a written approval sets every violation aside (see the rule table);
    returns the exception to store ("" fields when there was nothing to set aside)."""
    if not violations:
        return _exception()
    if not _given(exception):
        _refuse(violations)
    problems = engine.check_exception(violations, exception, rules)
    if problems:
        _refuse(problems)
    if exception["document_date"] and exception["document_date"] > timezone.localdate():
        raise ValidationError({"exception_document_date": _("The date lies in the future.")})
    if not exception["reason"]:
        raise ValidationError({"exception_reason": _("Say why the rule is set aside.")})
    if not _may(trace, Action.DECIDE, unit):
        raise ValidationError(
            {
                "exception_reason": _(
                    "Only a user who takes decisions may set a rule aside: %(rules)s"
                )
                % {"rules": ", ".join(rules.rule_title(v.code) for v in violations)}
            }
        )
    return exception


def _exception_fields(violations, exception):
    return {
        "exception_rule": ",".join(v.code for v in violations)[:60] if violations else "",
        "exception_reason": exception["reason"] if violations else "",
        "exception_level": exception["level"] if violations else "",
        "exception_document_no": exception["document_no"] if violations else "",
        "exception_document_date": exception["document_date"] if violations else None,
    }


def _stored_values(facts, step_def, step, date, data, readmission, rules):
    values, _problems = engine.step_values(rules, step_def, data or {}, readmission=readmission)
    values.update(engine.derived_values(facts, step, date, values, rules))
    return _json_values(values)


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
    exception_level="",
    exception_document_no="",
    exception_document_date=None,
):
    """Record one step of the procedure after the engine checked every rule.

    A refused step changes nothing and raises ValidationError naming the rule(s). A rule
    the charter lets a level set aside (rules.RULE_TABLE, `exception_by`) is set aside
    with that level's written approval: `exception_level`, `exception_document_no`,
    `exception_document_date` and a reason, recorded by a user who may take decisions;
    the age of 18, the order of the steps and the vote thresholds never. The admission
    decision creates the Admission and a probationary Membership; the ceremony starts the
    probation.
    """
    rules = get_rules()
    dossier = (
        Dossier.objects.select_for_update().select_related("person", "unit").get(pk=dossier.pk)
    )
    step_def = rules.step(step)
    _require(
        trace, Action.DECIDE if step_def and step_def.decides else Action.RECORD_STEP, dossier.unit
    )
    exception = _exception(
        exception_level, exception_document_no, exception_document_date, exception_reason
    )
    document_no = (document_no or "").strip()
    errors = field_errors(DossierStep(document_no=document_no), ("document_no",))
    if errors:
        raise ValidationError(errors)
    facts = dossier_facts(dossier, data=data or {})
    violations = engine.check_step(facts, step, date, data or {}, rules=rules)
    exception = _set_aside(trace, dossier.unit, violations, exception, rules)
    _check_attachment(attachment)
    values = _stored_values(facts, step_def, step, date, data, dossier.readmission, rules)
    if step == "admission_decision" and not document_no:
        document_no = values.get("decision_no", "")
    row = DossierStep(
        dossier=dossier,
        step=step,
        date=date,
        document_no=(document_no or "").strip(),
        data=values,
        recorded_by=trace.actor,
        **_exception_fields(violations, exception),
    )
    if attachment is not None:
        row.attachment = attachment
    row.save()
    record_change(
        trace,
        row,
        action=Change.Action.CREATE,
        after=_step_snapshot(row),
        reason=exception["reason"] if violations else "",
    )
    if step == "admission_decision":
        _admit(trace, dossier, row)
    elif step == "ceremony":
        _start_probation(trace, dossier, row, rules)
    dues.refresh([dossier.pk])
    return row


def _step_for_change(trace, step):
    step = (
        DossierStep.objects.select_for_update(of=("self",))
        .select_related("dossier__person", "dossier__unit")
        .get(pk=step.pk)
    )
    rules = get_rules()
    step_def = rules.step(step.step)
    _require(trace, Action.DECIDE if step_def.decides else Action.RECORD_STEP, step.dossier.unit)
    if step.annulled_at is not None:
        raise ValidationError(_("This step was annulled: record it again instead."))
    Dossier.objects.select_for_update().filter(pk=step.dossier_id).first()
    return step, rules, step_def


@transaction.atomic
def dossier_step_correct(
    *,
    trace,
    step,
    reason,
    date=None,
    document_no=None,
    data=None,
    exception_reason="",
    exception_level="",
    exception_document_no="",
    exception_document_date=None,
):
    """Correct a recorded step (a date, a number, a typo) with a reason.

    The corrected step is checked as if recorded again after the steps before it, no
    later than the step after it, and the later steps' rules are checked again; the
    history keeps what it was, who changed it and why. The admission, membership and the
    time limits follow at once.
    """
    step, rules, step_def = _step_for_change(trace, step)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the step is corrected.")})
    dossier = step.dossier
    date = step.date if date is None else date
    merged = dict(step.data or {})
    if data is not None:
        merged = {key: value for key, value in merged.items() if key.endswith("_name")}
        merged.update(data)
    facts = dossier_facts(dossier, data=merged)
    violations = engine.check_correction(facts, step.step, date, merged, rules=rules)
    if step.step == "ceremony":
        violations += _confirmation_with_ceremony(dossier, date, rules)
    already = set(filter(None, step.exception_rule.split(",")))
    exception = _exception(
        exception_level, exception_document_no, exception_document_date, exception_reason
    )
    new = [v for v in violations if v.code not in already]
    if new:
        exception = _set_aside(trace, dossier.unit, new, exception, rules)
    before = _step_snapshot(step)
    step.date = date
    if document_no is not None:
        step.document_no = document_no.strip()
    if data is not None:
        step.data = _stored_values(
            facts, step_def, step.step, date, merged, dossier.readmission, rules
        )
    if new:
        fields = _exception_fields([*[v for v in violations if v.code in already], *new], exception)
        for key, value in fields.items():
            setattr(step, key, value)
    step.save()
    record_change(
        trace,
        step,
        action=Change.Action.UPDATE,
        before=before,
        after=_step_snapshot(step),
        reason=reason,
    )
    _follow_step(trace, dossier, step, reason)
    dues.refresh([dossier.pk])
    return step


def _confirmation_with_ceremony(dossier, ceremony_date, rules):
    """The rules the recorded confirmation would break with the ceremony on another day:
    probation runs from the ceremony, so a recognition voted before its end cannot stand
    (what the confirmation set aside stays set aside)."""
    confirmation = (
        Confirmation.objects.filter(admission__dossier=dossier).select_related("admission").first()
    )
    if confirmation is None or confirmation.cell_vote_date is None:
        return []
    set_aside = set(filter(None, confirmation.exception_rule.split(",")))
    found = engine.check_confirmation(
        ceremony_date=ceremony_date,
        cell_vote_date=confirmation.cell_vote_date,
        decided_on=confirmation.decided_on,
        extended=confirmation.extended,
        rules=rules,
    )
    return [
        dataclasses.replace(v, field="date")
        for v in found
        if v.code in ("confirmation_after_probation", "confirmation_deadline")
        and v.code not in set_aside
    ]


@transaction.atomic
def dossier_step_annul(*, trace, step, reason):
    """Annul a recorded step with a reason: it stays on the dossier, struck out, and no
    longer counts. Only the latest step that counts can be annulled (annul the later ones
    first). Annulling the decision withdraws the admission and its membership; annulling
    the ceremony withdraws the probation."""
    step, rules, _step_def = _step_for_change(trace, step)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the step is annulled.")})
    dossier = step.dossier
    order = rules.step_codes
    later = [
        s
        for s in dossier.steps.filter(annulled_at__isnull=True).exclude(pk=step.pk)
        if order.index(s.step) > order.index(step.step)
    ]
    if later:
        raise ValidationError(
            {
                "reason": _("Annul the later steps first: %(steps)s.")
                % {"steps": ", ".join(str(rules.step_label(s.step)) for s in later)}
            }
        )
    if (
        order.index(step.step) < order.index("cell_vote")
        and dossier.failed_votes.filter(annulled_at__isnull=True).exists()
    ):
        raise ValidationError({"reason": _("Annul the failed cell votes first.")})
    if step.step == "ceremony" or step.step == "admission_decision":
        admission = Admission.objects.filter(dossier=dossier).first()
        if admission is not None and Confirmation.objects.filter(admission=admission).exists():
            raise ValidationError(
                {
                    "reason": _(
                        "The confirmation has been recorded: this step can no longer be annulled."
                    )
                }
            )
    before = _step_snapshot(step)
    step.annulled_at = timezone.now()
    step.annulled_by = trace.actor
    step.annul_reason = reason
    step.save(update_fields=["annulled_at", "annulled_by", "annul_reason"])
    record_change(
        trace,
        step,
        action=Change.Action.UPDATE,
        before=before,
        after=_step_snapshot(step),
        reason=reason,
    )
    if step.step == "admission_decision":
        _withdraw_admission(trace, dossier, reason)
    elif step.step == "ceremony":
        _withdraw_probation(trace, dossier, reason)
    dues.refresh([dossier.pk])
    return step


@transaction.atomic
def failed_cell_vote_record(*, trace, dossier, date, present, in_favour, against):
    """Record a cell vote that did not reach two thirds. It is checked as the cell vote is
    (its place after the introduction, its date, its counts against the register, the
    number of votes, the candidate's eligibility), except that it failed; nothing is set
    aside for it: after the last vote the charter allows, the case goes to the higher
    committee. The passing vote's attempt number is counted from these."""
    dossier = (
        Dossier.objects.select_for_update().select_related("person", "unit").get(pk=dossier.pk)
    )
    _require(trace, Action.RECORD_STEP, dossier.unit)
    data = {"present": present, "in_favour": in_favour, "against": against}
    facts = dossier_facts(dossier, data=data)
    _refuse_any(engine.check_failed_cell_vote(facts, date, data))
    vote = FailedCellVote(
        dossier=dossier,
        date=date,
        present=present,
        in_favour=in_favour,
        against=against,
        recorded_by=trace.actor,
    )
    vote.save()
    record_change(trace, vote, action=Change.Action.CREATE, after=snapshot(vote))
    return vote


@transaction.atomic
def failed_cell_vote_annul(*, trace, vote, reason):
    """Annul a failed vote recorded by mistake: it stays on the dossier, struck out, and no
    longer counts. Not once the cell vote is recorded: its attempt number counted it
    (annul the cell vote first)."""
    vote = (
        FailedCellVote.objects.select_for_update(of=("self",))
        .select_related("dossier__unit")
        .get(pk=vote.pk)
    )
    _require(trace, Action.RECORD_STEP, vote.dossier.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the vote is annulled.")})
    if vote.annulled_at is not None:
        raise ValidationError({"reason": _("This vote was annulled already.")})
    if vote.dossier.steps.filter(step="cell_vote", annulled_at__isnull=True).exists():
        raise ValidationError(
            {"reason": _("The cell vote counted this one: annul the cell vote first.")}
        )
    before = snapshot(vote)
    vote.annulled_at = timezone.now()
    vote.annulled_by = trace.actor
    vote.annul_reason = reason
    vote.save(update_fields=["annulled_at", "annulled_by", "annul_reason"])
    record_change(
        trace, vote, action=Change.Action.UPDATE, before=before, after=snapshot(vote), reason=reason
    )
    return vote


def _refuse_any(violations):
    if violations:
        _refuse(violations)


def _follow_step(trace, dossier, step, reason):
    """After a correction: the admission and the membership carry the step's dates."""
    rules = get_rules()
    admission = Admission.objects.select_for_update().filter(dossier=dossier).first()
    if admission is None:
        return
    membership = (
        Membership.objects.select_for_update().get(pk=admission.membership_id)
        if admission.membership_id
        else None
    )
    if step.step == "admission_decision":
        before = snapshot(admission)
        announcements.announce(announcements.ADMISSION_WITHDRAWN, admission=admission)
        admission.decision_date = step.date
        admission.decision_no = step.data.get("decision_no", step.document_no)
        admission.save(update_fields=["decision_date", "decision_no"])
        announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)
        record_change(trace, admission, action=Change.Action.UPDATE, before=before, reason=reason)
        if membership is not None:
            before = snapshot(membership)
            membership.admitted_on = step.date
            membership.save(update_fields=["admitted_on"])
            record_change(
                trace, membership, action=Change.Action.UPDATE, before=before, reason=reason
            )
    elif step.step == "ceremony":
        before = snapshot(admission)
        admission.ceremony_date = step.date
        admission.save(update_fields=["ceremony_date"])
        record_change(trace, admission, action=Change.Action.UPDATE, before=before, reason=reason)
        if membership is not None:
            before = snapshot(membership)
            membership.ceremony_date = step.date
            membership.probation_ends_on = engine.probation_end(step.date, rules)
            if membership.status == Membership.Status.OFFICIAL:
                # Recognition dates from the end of probation, which moved with the ceremony.
                membership.official_since = membership.probation_ends_on
            membership.save(update_fields=["ceremony_date", "probation_ends_on", "official_since"])
            record_change(
                trace, membership, action=Change.Action.UPDATE, before=before, reason=reason
            )


def _withdraw_admission(trace, dossier, reason):
    admission = Admission.objects.select_for_update().filter(dossier=dossier).first()
    if admission is not None:
        membership = admission.membership
        announcements.announce(announcements.ADMISSION_WITHDRAWN, admission=admission)
        record_change(
            trace, admission, action=Change.Action.DELETE, before=snapshot(admission), reason=reason
        )
        admission.delete()
        if membership is not None:
            record_change(
                trace,
                membership,
                action=Change.Action.DELETE,
                before=snapshot(membership),
                reason=reason,
            )
            membership.delete()
    before = snapshot(dossier)
    dossier.status = Dossier.Status.OPEN
    dossier.save(update_fields=["status"])
    record_change(trace, dossier, action=Change.Action.UPDATE, before=before, reason=reason)
    refresh_sources(trace, dossier.person)


def _withdraw_probation(trace, dossier, reason):
    admission = Admission.objects.select_for_update().filter(dossier=dossier).first()
    if admission is None:
        return
    before = snapshot(admission)
    admission.ceremony_date = None
    admission.save(update_fields=["ceremony_date"])
    record_change(trace, admission, action=Change.Action.UPDATE, before=before, reason=reason)
    if admission.membership_id:
        membership = Membership.objects.select_for_update().get(pk=admission.membership_id)
        before = snapshot(membership)
        membership.ceremony_date = None
        membership.probation_ends_on = None
        membership.save(update_fields=["ceremony_date", "probation_ends_on"])
        record_change(trace, membership, action=Change.Action.UPDATE, before=before, reason=reason)


@transaction.atomic
def admission_member_record(*, trace, admission, completed_on):
    """The member's CV and record card (1-HSĐV, 2-HSĐV) were completed on `completed_on`."""
    admission = Admission.objects.select_for_update().select_related("unit").get(pk=admission.pk)
    _require(trace, Action.RECORD_STEP, admission.unit)
    if not isinstance(completed_on, dt.date):
        raise ValidationError({"completed_on": _("The date is required.")})
    _not_in_future(completed_on, "completed_on")
    if completed_on < admission.decision_date:
        raise ValidationError(
            {"completed_on": _("The record cannot be completed before the admission decision.")}
        )
    before = snapshot(admission)
    admission.member_record_on = completed_on
    admission.save(update_fields=["member_record_on"])
    record_change(trace, admission, action=Change.Action.UPDATE, before=before)
    if admission.dossier_id:
        dues.refresh([admission.dossier_id])
    return admission


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
    refresh_sources(trace, dossier.person)


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
    "vote_counts": "in_favour",
    "confirmation_two_thirds": "in_favour",
    "no_official_members": "present",
}


def _confirmation_violations(violations):
    """Each violation on the confirmation form's own field (the engine names a step's
    `date`, which this form does not have)."""
    return [
        dataclasses.replace(
            v, field=CONFIRMATION_FIELDS.get(v.code) or ("" if v.field == "date" else v.field)
        )
        for v in violations
    ]


def _cell_official_members(unit, day):
    return register_for(unit).official_members(day)


@transaction.atomic
def confirmation_record(
    *,
    trace,
    admission,
    decided_on=None,
    outcome="",
    cell_vote_date=None,
    present=None,
    in_favour=None,
    against=None,
    decision_no="",
    extended=False,
    exception_reason="",
    exception_level="",
    exception_document_no="",
    exception_document_date=None,
):
    """Record the cell's vote on recognition as an official member and, when given, the
    committee's decision (`decided_on`, `outcome`); a vote recorded earlier is decided by
    calling again with the decision.

    The vote is counted: members present, in favour and against, against the cell's
    official members on the vote day from the register; recognition needs two thirds of
    them in favour (never set aside). Official membership dates from the end of probation
    even when the decision is late. Late votes and decisions can be set aside with the
    superior committee's written approval by a user who may take decisions.
    """
    rules = get_rules()
    admission = (
        Admission.objects.select_for_update(of=("self",))
        .select_related("unit", "person", "membership__unit")
        .get(pk=admission.pk)
    )
    # The cell whose roll the member is on votes: after an official transfer during
    # probation the receiving one (domain.md, Transfers), else the admitting cell.
    home = admission.roll_unit
    _require(trace, Action.DECIDE, home)
    confirmation = Confirmation.objects.select_for_update().filter(admission=admission).first()
    if confirmation is not None and confirmation.decided_on is not None:
        raise ValidationError(_("The confirmation has already been recorded."))
    membership = admission.membership
    if membership is None or membership.status != Membership.Status.PROBATIONARY:
        # Only a probationary member is recognised: not one who left, was transferred out
        # of the organisation's reach or is no member at all.
        raise ValidationError(
            _("%(person)s is not a probationary member (%(status)s): there is nothing to confirm.")
            % {
                "person": admission.person,
                "status": membership.get_status_display() if membership else _("no membership"),
            }
        )
    if confirmation is not None:
        cell_vote_date = confirmation.cell_vote_date
        present, in_favour, against = (
            confirmation.present,
            confirmation.in_favour,
            confirmation.against,
        )
    if outcome and outcome not in Confirmation.Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if decided_on is not None and not outcome:
        raise ValidationError({"outcome": _("Give the committee's decision.")})
    errors = {}
    if cell_vote_date is None:
        errors["cell_vote_date"] = _("The date of the cell's vote is required.")
    for name, value in (("present", present), ("in_favour", in_favour), ("against", against)):
        if value is None:
            errors[name] = _("%(label)s is required.") % {
                "label": Confirmation._meta.get_field(name).verbose_name
            }
    if errors:
        raise ValidationError(errors)
    _not_in_future(decided_on, "decided_on")
    _not_in_future(cell_vote_date, "cell_vote_date")
    members = _cell_official_members(home, cell_vote_date)
    votes = {"present": present, "in_favour": in_favour, "against": against}
    violations = _confirmation_violations(
        engine.check_confirmation(
            ceremony_date=admission.ceremony_date,
            cell_vote_date=cell_vote_date,
            decided_on=decided_on,
            extended=extended,
            votes=votes,
            members=members,
            outcome=outcome if decided_on else "",
            rules=rules,
        )
    )
    if confirmation is not None and confirmation.exception_rule:
        already = set(confirmation.exception_rule.split(","))
        violations = [v for v in violations if v.code not in already]
    exception = _exception(
        exception_level, exception_document_no, exception_document_date, exception_reason
    )
    exception = _set_aside(trace, home, violations, exception, rules)
    created = confirmation is None
    if created:
        confirmation = Confirmation(admission=admission)
        before = None
    else:
        before = snapshot(confirmation)
    confirmation.cell_vote_date = cell_vote_date
    confirmation.present, confirmation.in_favour, confirmation.against = present, in_favour, against
    confirmation.official_members = members
    confirmation.decided_on = decided_on
    confirmation.outcome = outcome if decided_on else ""
    confirmation.decision_no = (decision_no or "").strip()
    errors = field_errors(confirmation, ("decision_no",))
    if errors:
        raise ValidationError(errors)
    confirmation.extended = bool(extended)
    if violations:
        earlier = [c for c in confirmation.exception_rule.split(",") if c]
        fields = _exception_fields(violations, exception)
        fields["exception_rule"] = ",".join([*earlier, fields["exception_rule"]])[:60]
        for key, value in fields.items():
            setattr(confirmation, key, value)
    confirmation.save()
    record_change(
        trace,
        confirmation,
        action=Change.Action.CREATE if created else Change.Action.UPDATE,
        before=before,
        reason=exception["reason"] if violations else "",
    )
    membership = admission.membership
    if membership is not None and decided_on is not None:
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
        if admission.dossier_id:
            dues.refresh([admission.dossier_id])  # no member's record due once decided
    return confirmation

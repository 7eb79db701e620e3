"""Pipeline pages: sources, courses and enrolments, dossiers, the member register."""

import dataclasses
import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.downloads import table_response
from grassroots.formerrors import add_service_errors
from grassroots.history.models import Access, Change
from grassroots.history.services import Trace, record_access, record_reads
from grassroots.paging import paginate
from grassroots.people.access import log_export, log_list_view, log_person
from grassroots.people.models import Membership, Person
from grassroots.workdays import add_working_days, calendar_overrides

from . import engine, selectors, services
from . import printing as print_forms
from .facts import dossier_facts, named_national_ids
from .forms import (
    AnnulForm,
    CloseForm,
    ConfirmationForm,
    CorrectForm,
    CourseForm,
    DossierOpenForm,
    EnrollmentResultForm,
    FailedVoteForm,
    MemberRecordForm,
    SourceEditForm,
    SourceFilterForm,
    SourceForm,
    StepForm,
)
from .models import Admission, Dossier, DossierStep, Enrollment, FailedCellVote, Source
from .rules import get_rules
from .status import PersonStatus


def _trace(request):
    return Trace(user=request.user)


# Sources ------------------------------------------------------------------------------


@require_GET
def source_list(request):
    form, filters, sources = _sources_filtered(request)
    context = {
        "filter_form": form,
        "can_nominate": scope.is_everywhere(request.user)
        or bool(scope.paths_for(request.user, Action.EDIT_PEOPLE)),
        **paginate(request, sources),
    }
    log_list_view(
        request,
        name=_("Sources"),
        filters=list(filters.items()),
        shown=_source_shows(context["page_obj"].object_list),
    )
    return render(request, "pipeline/sources.html", context)


def _sources_filtered(request):
    form = SourceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sources = selectors.sources_for(
        request.user,
        category=filters.get("category", ""),
        status=filters.get("status", ""),
        education=filters.get("education", ""),
        min_age=filters.get("min_age"),
        max_age=filters.get("max_age"),
        q=filters.get("q", ""),
        today=timezone.localdate(),
    )
    return form, filters, sources


def _dossiers_filtered(request):
    status = request.GET.get("status", "")
    if status not in Dossier.Status.values:
        status = ""
    person_status = request.GET.get("person_status", "")
    if person_status not in dict(PersonStatus.CHOICES):
        person_status = ""
    q = request.GET.get("q", "")
    dossiers = selectors.dossiers_for(request.user, status=status, q=q, person_status=person_status)
    return status, person_status, q, dossiers


def _members_filtered(request):
    status = request.GET.get("status", "")
    if status not in Membership.Status.values:
        status = ""
    q = request.GET.get("q", "").strip()
    return status, q, selectors.members_for(request.user, status=status, q=q)


# What each list page exports: the exchange format's file, its records (in the user's
# scope, with the page's filters) and what the access log says was exported.
EXPORTS = {
    "sources": lambda request: (
        _sources_filtered(request)[2].select_related("person", "unit"),
        _("Sources list"),
    ),
    "courses": lambda request: (
        selectors.courses_for(request.user).select_related("organizer"),
        _("Courses list"),
    ),
    "dossiers": lambda request: (
        _dossiers_filtered(request)[3].select_related("person", "unit", "source__unit"),
        _("Dossiers list"),
    ),
    "members": lambda request: (
        _members_filtered(request)[2].select_related("person", "unit"),
        _("Member register"),
    ),
}


@require_GET
def list_export(request, table, fmt="csv"):
    """A list page's records as its file of the exchange format (CSV or Excel), which
    imports back; logged as an export."""
    records, what = EXPORTS[table](request)
    log_export(request.user, what=what)
    return table_response(table, records.iterator(chunk_size=500), fmt=fmt, filename=table)


def _source_shows(sources):
    """The people a list of sources shows: each person (filed under the nominating unit)
    and their mentor."""
    return [entry for s in sources for entry in ((s.person, s.unit_id), s.mentor)]


@require_http_methods(["GET", "POST"])
def source_new(request):
    scope.require_somewhere(request.user, Action.EDIT_PEOPLE)
    form = SourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.source_nominate(
                trace=_trace(request),
                person=data["person"],
                unit=data["unit"],
                nominated_on=data["nominated_on"],
                category=data["category"],
                mentor=data["mentor"],
                nominated_by=data["nominated_by"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(person)s is now a source.") % {"person": source.person})
            return redirect("pipeline:sources")
    return render(
        request,
        "pipeline/form.html",
        {"form": form, "title": _("Nominate a source"), "cancel": "pipeline:sources"},
    )


@require_http_methods(["GET", "POST"])
def source_edit(request, pk):
    source = scope.get_scoped(
        request.user,
        Source.objects.select_related("person", "unit", "mentor"),
        action=Action.EDIT_PEOPLE,
        pk=pk,
    )
    log_person(request, source.person, what=_("Source"), unit=source.unit)
    if source.mentor_id:
        log_person(request, source.mentor, what=_("Source, mentor"))
    initial = {
        "category": source.category,
        "mentor": source.mentor.national_id if source.mentor else "",
        "note": source.note,
    }
    form = SourceEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_update(trace=_trace(request), source=source, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The source was saved."))
            return redirect("pipeline:sources")
    title = _("Source: %(person)s") % {"person": source.person}
    return render(
        request, "pipeline/form.html", {"form": form, "title": title, "cancel": "pipeline:sources"}
    )


# Courses ------------------------------------------------------------------------------


@require_GET
def course_list(request):
    courses = selectors.courses_for(request.user)
    context = {
        "can_create": scope.is_everywhere(request.user)
        or bool(scope.paths_for(request.user, Action.EDIT_UNITS)),
        **paginate(request, courses),
    }
    return render(request, "pipeline/courses.html", context)


@require_http_methods(["GET", "POST"])
def course_new(request):
    scope.require_somewhere(request.user, Action.EDIT_UNITS)
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(trace=_trace(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course was created."))
            return redirect("pipeline:course", code=course.code)
    return render(
        request,
        "pipeline/form.html",
        {"form": form, "title": _("New course"), "cancel": "pipeline:courses"},
    )


@require_GET
def course_detail(request, code):
    course = selectors.course_for(request.user, code)
    enrollments = selectors.enrollments_for(request.user, course)
    context = {
        "course": course,
        "can_register": scope.can(request.user, Action.EDIT_UNITS, course.organizer)
        or bool(scope.paths_for(request.user, Action.EDIT_PEOPLE)),
        "can_results": scope.can(request.user, Action.EDIT_UNITS, course.organizer),
        **paginate(request, enrollments),
    }
    log_list_view(
        request,
        name=_("Course participants"),
        filters=[(_("course"), course.code)],
        shown=[e.person for e in context["page_obj"].object_list],
    )
    return render(request, "pipeline/course.html", context)


@require_http_methods(["GET", "POST"])
def registration(request, code):
    """Screen the sources in scope and register the chosen ones for the course."""
    course = selectors.course_for(request.user, code)
    if not scope.can(request.user, Action.EDIT_UNITS, course.organizer):
        scope.require_somewhere(request.user, Action.EDIT_PEOPLE)
    today = timezone.localdate()
    candidates = selectors.registration_candidates(
        request.user, course, category=request.GET.get("category", ""), today=today
    )
    errors = []
    if request.method == "POST":
        chosen = candidates.filter(pk__in=request.POST.getlist("source"))
        registered = 0
        for source in chosen:
            try:
                services.enrollment_add(trace=_trace(request), course=course, person=source.person)
                registered += 1
            except ValidationError as exc:
                errors += [f"{source.person}: {m}" for m in exc.messages]
            except (PermissionDenied, Http404):
                errors.append(
                    _("%(person)s: you may not register people of this unit.")
                    % {"person": source.person}
                )
        if registered:
            messages.success(request, _("%(count)s registered.") % {"count": registered})
        if not errors:
            return redirect("pipeline:course", code=course.code)
    page = paginate(request, candidates)
    log_list_view(
        request,
        name=_("Course registration"),
        filters=[(_("course"), course.code), (_("category"), request.GET.get("category", ""))],
        shown=[(source.person, source.unit_id) for source in page["page_obj"].object_list],
    )
    rules = get_rules()
    rows = [
        (source, selectors.screening(source, course.start_date, rules))
        for source in page["page_obj"]
    ]
    context = {
        "course": course,
        "rows": rows,
        "errors": errors,
        "categories": Source.Category.choices,
        **page,
    }
    return render(request, "pipeline/registration.html", context)


@require_http_methods(["GET", "POST"])
def course_results(request, code):
    """Record each participant's result and certificate."""
    course = selectors.course_for(request.user, code)
    scope.require(request.user, Action.EDIT_UNITS, course.organizer)
    failed = None
    if request.method == "POST":
        form = EnrollmentResultForm(request.POST, row=request.POST.get("enrollment"))
        if form.is_valid():
            enrollment = Enrollment.objects.filter(
                course=course, pk=form.cleaned_data["enrollment"]
            ).first()
            if enrollment is None:
                raise Http404
            try:
                services.enrollment_record_result(
                    trace=_trace(request),
                    enrollment=enrollment,
                    result=form.cleaned_data["result"],
                    certificate_no=form.cleaned_data["certificate_no"],
                    certificate_date=form.cleaned_data["certificate_date"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The result was saved."))
                return redirect("pipeline:course_results", code=course.code)
        failed = form
    page = paginate(request, course.enrollments.select_related("person"))
    log_list_view(
        request,
        name=_("Course results"),
        filters=[(_("course"), course.code)],
        shown=[e.person for e in page["page_obj"].object_list],
    )
    rows = []
    for enrollment in page["page_obj"]:
        if failed is not None and str(enrollment.pk) == str(failed.data.get("enrollment")):
            rows.append((enrollment, failed))
            continue
        rows.append(
            (
                enrollment,
                EnrollmentResultForm(
                    initial={
                        "enrollment": enrollment.pk,
                        "result": enrollment.result,
                        "certificate_no": enrollment.certificate_no,
                        "certificate_date": enrollment.certificate_date or course.end_date,
                    },
                    row=enrollment.pk,
                ),
            )
        )
    return render(request, "pipeline/course_results.html", {"course": course, "rows": rows, **page})


# Dossiers -----------------------------------------------------------------------------


@require_GET
def dossier_list(request):
    status, person_status, q, dossiers = _dossiers_filtered(request)
    counts = selectors.dossier_status_counts(request.user, q=q)
    page = paginate(request, dossiers)
    page["page_obj"].object_list = selectors.annotate_progress(
        page["page_obj"].object_list, today=timezone.localdate()
    )
    log_list_view(
        request,
        name=_("Dossiers"),
        filters=[(_("status"), status), (_("search"), request.GET.get("q", ""))],
        shown=[(d.person, d.unit_id) for d in page["page_obj"].object_list],
    )
    context = {
        "status": status,
        "statuses": Dossier.Status.choices,
        "person_status": person_status,
        "person_statuses": [
            (code, label, counts.get(code, 0))
            for code, label in PersonStatus.CHOICES
            if counts.get(code)
        ],
        "can_open": scope.is_everywhere(request.user)
        or bool(scope.paths_for(request.user, Action.RECORD_STEP)),
        "today": timezone.localdate(),
        **page,
    }
    return render(request, "pipeline/dossiers.html", context)


@require_http_methods(["GET", "POST"])
def dossier_new(request):
    scope.require_somewhere(request.user, Action.RECORD_STEP)
    initial = {}
    if request.GET.get("person"):
        initial["person"] = request.GET["person"]
    form = DossierOpenForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_open(trace=_trace(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("pipeline:dossier", pk=dossier.pk)
    return render(
        request,
        "pipeline/form.html",
        {"form": form, "title": _("Open a dossier"), "cancel": "pipeline:dossiers"},
    )


def _dossier(request, pk, action=Action.VIEW):
    return scope.get_scoped(
        request.user,
        Dossier.objects.select_related("person", "unit", "source__mentor"),
        action=action,
        pk=pk,
    )


def _shown(field, value):
    """A stored step value as the page shows it: choices by their label, dates in the
    user's format (the step's data keeps them as ISO text)."""
    if field.kind == "choice":
        return dict(field.choices).get(value, value)
    if field.kind == "date" and value:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return value
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    return value


def _log_members_named(request, steps):
    """The members a dossier's steps name (the introducers) are shown by their national
    IDs: their reads are logged too, in one statement."""
    named = set()
    for step in steps:
        named |= named_national_ids(step.data)
    if named:
        people = Person.objects.filter(national_id__in=named).only("pk", "unit_id")
        record_reads(request.user, what=_("Dossier, introducers"), shown=people)


def _dossier_page(request, dossier, form=None, status=200, failed_vote_form=None):
    log_person(request, dossier.person, what=_("Dossier"), unit=dossier.unit)
    if dossier.source_id and dossier.source.mentor_id:
        log_person(request, dossier.source.mentor, what=_("Dossier, mentor"))
    rules = get_rules()
    overrides = calendar_overrides()
    all_steps = list(
        dossier.steps.select_related("recorded_by", "annulled_by").order_by("date", "id")
    )
    steps = [step for step in all_steps if step.annulled_at is None]
    _log_members_named(request, all_steps)
    failed_votes = list(dossier.failed_votes.select_related("recorded_by", "annulled_by"))
    for vote in failed_votes:
        vote.annul_form = AnnulForm(prefix=f"vote-{vote.pk}")
    facts = dataclasses.replace(
        dossier_facts(dossier, steps=steps),
        failed_cell_votes=tuple(v.date for v in failed_votes if v.annulled_at is None),
    )
    code = engine.next_step(facts, rules)
    may_decide = scope.can(request.user, Action.DECIDE, dossier.unit)
    step_def = rules.step(code) if code else None
    may_record = (
        step_def is not None
        and dossier.status != Dossier.Status.CLOSED
        and scope.can(
            request.user, Action.DECIDE if step_def.decides else Action.RECORD_STEP, dossier.unit
        )
    )
    if form is None and may_record:
        form = StepForm(
            step=code,
            readmission=dossier.readmission,
            may_decide=may_decide,
            user=request.user,
            initial={"date": timezone.localdate()},
        )
    hints = []
    if code and may_record:
        # What the engine would say if the step were recorded today with no data yet:
        # only the rules about order, eligibility and time, not the missing fields.
        hints = [
            v
            for v in engine.check_step(
                facts, code, timezone.localdate(), {}, rules=rules, overrides=overrides
            )
            if v.code not in {"required_data", "invalid_data"}
        ]
    for step in all_steps:
        step.label = rules.step_label(step.step)
        step.may_change = step.annulled_at is None and scope.can(
            request.user,
            Action.DECIDE if rules.step(step.step).decides else Action.RECORD_STEP,
            dossier.unit,
        )
        step.form_code = rules.step(step.step).form_code if rules.step(step.step) else ""
        step.fields = [
            (field.label, _shown(field, step.data.get(field.name)))
            for field in (rules.step(step.step).fields if rules.step(step.step) else ())
            if field.name in step.data
            # An optional box left unticked says nothing worth a line.
            and not (field.kind == "bool" and not field.required and not step.data[field.name])
        ]
        if step.step == "cell_vote" and step.data.get("attempt"):
            # Counted from the failed votes when the vote was recorded (engine).
            step.fields.append((_("vote number"), step.data["attempt"]))
    admission = Admission.objects.filter(dossier=dossier).select_related("membership__unit").first()
    confirmation = getattr(admission, "confirmation", None) if admission else None
    context = {
        "dossier": dossier,
        "steps": all_steps,
        "last_step_pk": max(steps, key=lambda st: rules.step_codes.index(st.step)).pk
        if steps
        else None,
        "all_steps": rules.steps,
        "done": {s.step for s in steps},
        "next_code": code,
        "next_label": rules.step_label(code) if code else "",
        "form": form if may_record else None,
        "hints": hints,
        "dues": [] if confirmation else engine.due_dates(facts, rules, overrides=overrides),
        "admission": admission,
        "confirmation": confirmation,
        "may_decide": may_decide,
        # The confirmation is recorded where the member's roll is (selectors.admission_to_confirm).
        "may_confirm": admission is not None
        and scope.can(request.user, Action.DECIDE, admission.roll_unit),
        "may_close": dossier.status == Dossier.Status.OPEN
        and scope.can(request.user, Action.RECORD_STEP, dossier.unit),
        "close_form": CloseForm(),
        "member_record_form": MemberRecordForm(),
        "may_record_member": admission is not None
        and admission.member_record_on is None
        and scope.can(request.user, Action.RECORD_STEP, dossier.unit),
        "forms": print_forms.forms_for(dossier) if admission or steps else [],
        "failed_votes": failed_votes,
        # While the cell has still to vote: a vote that failed is recorded as such.
        "failed_vote_form": (
            failed_vote_form or FailedVoteForm(initial={"date": timezone.localdate()})
        )
        if code == "cell_vote" and may_record
        else None,
        "may_annul_votes": dossier.status != Dossier.Status.CLOSED
        and "cell_vote" not in {s.step for s in steps}
        and scope.can(request.user, Action.RECORD_STEP, dossier.unit),
        "max_failed_votes": rules.limits.max_failed_cell_votes,
        "changes": Change.objects.filter(model="pipeline.dossier", object_id=str(dossier.pk))[:20],
    }
    return render(request, "pipeline/dossier.html", context, status=status)


@require_GET
def dossier_detail(request, pk):
    return _dossier_page(request, _dossier(request, pk))


@require_POST
def dossier_step(request, pk):
    """Record the next step; a refused step comes back with the rules' messages."""
    dossier = _dossier(request, pk, action=Action.RECORD_STEP)
    may_decide = scope.can(request.user, Action.DECIDE, dossier.unit)
    step_code = request.POST.get("step", "")
    if get_rules().step(step_code) is None:
        raise Http404
    form = StepForm(
        request.POST,
        request.FILES,
        step=step_code,
        readmission=dossier.readmission,
        may_decide=may_decide,
        user=request.user,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.dossier_record_step(
                trace=_trace(request),
                dossier=dossier,
                step=step_code,
                date=data["date"],
                document_no=data["document_no"],
                data=form.step_data(),
                attachment=data.get("attachment"),
                **form.exception(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(step)s recorded.") % {"step": get_rules().step_label(step_code)}
            )
            return redirect("pipeline:dossier", pk=dossier.pk)
    if dossier.status == Dossier.Status.CLOSED:
        # A closed dossier's page has no step form to show the refusal on.
        for error in form.non_field_errors():
            messages.error(request, error)
    return _dossier_page(request, dossier, form=form, status=400)


@require_POST
def failed_vote_new(request, pk):
    """Record a cell vote that did not reach two thirds; a refusal comes back on the form."""
    dossier = _dossier(request, pk, action=Action.RECORD_STEP)
    form = FailedVoteForm(request.POST)
    if form.is_valid():
        try:
            services.failed_cell_vote_record(
                trace=_trace(request), dossier=dossier, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The failed vote is recorded."))
            return redirect("pipeline:dossier", pk=dossier.pk)
    if dossier.status == Dossier.Status.CLOSED:
        for error in form.non_field_errors():
            messages.error(request, error)
    return _dossier_page(request, dossier, status=400, failed_vote_form=form)


@require_POST
def failed_vote_annul(request, pk):
    """Annul a failed vote recorded by mistake, with a reason."""
    vote = scope.get_scoped(
        request.user,
        FailedCellVote.objects.select_related("dossier__person", "dossier__unit"),
        action=Action.RECORD_STEP,
        unit_field="dossier__unit",
        pk=pk,
    )
    form = AnnulForm(request.POST, prefix=f"vote-{vote.pk}")
    if form.is_valid():
        try:
            services.failed_cell_vote_annul(
                trace=_trace(request), vote=vote, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("The failed vote is annulled."))
            return redirect("pipeline:dossier", pk=vote.dossier_id)
    else:
        messages.error(request, _("Say why the vote is annulled."))
    return _dossier_page(request, _dossier(request, vote.dossier_id), status=400)


def _step(request, pk):
    """A recorded step in the user's scope (404), with its dossier."""
    return scope.get_scoped(
        request.user,
        DossierStep.objects.select_related("dossier__person", "dossier__unit"),
        unit_field="dossier__unit",
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def step_correct(request, pk):
    """Correct a recorded step (date, number, data) with a reason; history keeps both."""
    step = _step(request, pk)
    dossier = step.dossier
    rules = get_rules()
    action = Action.DECIDE if rules.step(step.step).decides else Action.RECORD_STEP
    scope.require(request.user, action, dossier.unit)
    may_decide = scope.can(request.user, Action.DECIDE, dossier.unit)
    initial = {"date": step.date, "document_no": step.document_no, **(step.data or {})}
    form = CorrectForm(
        request.POST or None,
        step=step.step,
        readmission=dossier.readmission,
        may_decide=may_decide,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dossier_step_correct(
                trace=_trace(request),
                step=step,
                reason=data["reason"],
                date=data["date"],
                document_no=data["document_no"],
                data=form.step_data(),
                **form.exception(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The step was corrected."))
            return redirect("pipeline:dossier", pk=dossier.pk)
    title = _("Correct: %(step)s · %(person)s") % {
        "step": rules.step_label(step.step),
        "person": dossier.person,
    }
    return render(
        request,
        "pipeline/step_change.html",
        {"form": form, "title": title, "dossier": dossier, "step": step},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def step_annul(request, pk):
    """Annul a recorded step with a reason (the latest that counts)."""
    step = _step(request, pk)
    dossier = step.dossier
    rules = get_rules()
    action = Action.DECIDE if rules.step(step.step).decides else Action.RECORD_STEP
    scope.require(request.user, action, dossier.unit)
    form = AnnulForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_step_annul(
                trace=_trace(request), step=step, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The step was annulled."))
            return redirect("pipeline:dossier", pk=dossier.pk)
    title = _("Annul: %(step)s · %(person)s") % {
        "step": rules.step_label(step.step),
        "person": dossier.person,
    }
    return render(
        request,
        "pipeline/step_change.html",
        {"form": form, "title": title, "dossier": dossier, "step": step, "annul": True},
        status=400 if form.errors else 200,
    )


@require_POST
def member_record(request, pk):
    """The member's record (1-HSĐV, 2-HSĐV) was completed."""
    dossier = _dossier(request, pk, action=Action.RECORD_STEP)
    admission = Admission.objects.filter(dossier=dossier).first()
    if admission is None:
        raise Http404
    form = MemberRecordForm(request.POST)
    if form.is_valid():
        try:
            services.admission_member_record(
                trace=_trace(request),
                admission=admission,
                completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The member's record was noted."))
    else:
        messages.error(request, _("Give the date the record was completed."))
    return redirect("pipeline:dossier", pk=dossier.pk)


@require_POST
def dossier_close(request, pk):
    dossier = _dossier(request, pk, action=Action.RECORD_STEP)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_close(
                trace=_trace(request), dossier=dossier, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The dossier was closed."))
    else:
        messages.error(request, _("Say why the dossier is closed."))
    return redirect("pipeline:dossier", pk=dossier.pk)


@require_GET
def attachment(request, pk):
    """A step's scan, only for users who see the dossier's cell; never a public URL."""
    step = scope.get_scoped(
        request.user,
        DossierStep.objects.select_related("dossier__unit", "dossier__person"),
        unit_field="dossier__unit",
        pk=pk,
    )
    if not step.attachment:
        raise Http404
    log_person(
        request, step.dossier.person, what=_("Scan: %(step)s") % {"step": step}, unit=step.unit
    )
    content_type = mimetypes.guess_type(step.attachment.name)[0] or "application/octet-stream"
    response = FileResponse(step.attachment.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


# Members and confirmation -----------------------------------------------------------------


@require_GET
def member_list(request):
    status, q, members = _members_filtered(request)
    context = {
        "status": status,
        "statuses": Membership.Status.choices,
        **paginate(request, members),
    }
    log_list_view(
        request,
        name=_("Member register"),
        filters=[
            (_("search"), q),
            (_("status"), Membership.Status(status).label if status else ""),
        ],
        shown=[(m.person, m.unit_id) for m in context["page_obj"].object_list],
    )
    return render(request, "pipeline/members.html", context)


@require_http_methods(["GET", "POST"])
def confirm(request, pk):
    """The cell's vote on recognition as an official member, then the committee's decision."""
    admission = selectors.admission_to_confirm(request.user, pk)
    log_person(request, admission.person, what=_("Confirmation"), unit=admission.roll_unit)
    existing = getattr(admission, "confirmation", None)
    done = existing if existing is not None and existing.decided_on else None
    voted = existing if existing is not None and not existing.decided_on else None
    form = ConfirmationForm(request.POST or None, voted=voted)
    if request.method == "POST" and done is None and form.is_valid():
        try:
            services.confirmation_record(
                trace=_trace(request), admission=admission, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The confirmation was recorded."))
            if admission.dossier_id:
                return redirect("pipeline:dossier", pk=admission.dossier_id)
            return redirect("pipeline:members")
    ends = admission.membership.probation_ends_on if admission.membership else None
    context = {
        "admission": admission,
        "confirmation": done,
        "voted": voted,
        "form": form,
        "probation_ends": ends,
        "vote_due": add_working_days(ends, get_rules().limits.confirmation_vote_working_days)
        if ends
        else None,
    }
    return render(request, "pipeline/confirm.html", context, status=400 if form.errors else 200)


def _forms_pdf(request, dossier, codes, filename):
    pdf, printed = print_forms.render_pdf(dossier, codes)
    if not printed:
        raise Http404
    record_access(
        request.user,
        kind=Access.Kind.EXPORT,
        what=f"forms {','.join(f.code for f in printed)} {dossier.person.national_id}",
        person=dossier.person,
        unit=dossier.unit,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def dossier_forms(request, pk):
    """Every statutory form the dossier can print, as one PDF."""
    dossier = _dossier(request, pk)
    return _forms_pdf(request, dossier, None, f"dossier-{dossier.person.national_id}.pdf")


@require_GET
def dossier_form(request, pk, code):
    """One statutory form (e.g. 6-KNĐ) as a PDF."""
    dossier = _dossier(request, pk)
    if code not in print_forms.form_codes():
        raise Http404
    name = code.replace("Đ", "D")
    return _forms_pdf(request, dossier, {code}, f"{name}-{dossier.person.national_id}.pdf")

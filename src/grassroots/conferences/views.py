"""Conference pages: the list of a unit's conferences, the form that prepares one (its
participants proposed from the cluster or sector), its page (attendance, conclusions and
tasks, praise and criticism, what became of the previous conference's tasks), its paper,
and a task's page where its unit records it done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.formerrors import add_service_errors
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.org.models import Cluster, Sector
from grassroots.paging import paginate
from grassroots.paths import under
from grassroots.people.access import log_export
from grassroots.plans.selectors import start_unit

from . import paper, selectors, services
from .forms import AttendanceForm, ConclusionForm, ConferenceForm, RecognitionForm, TaskCompleteForm
from .models import Participation

LANGUAGES = ("vi", "en", "de")


@require_GET
def conference_list(request):
    unit = start_unit(request.user, request.GET.get("unit"))
    context = {"unit": unit}
    if unit is not None:
        context.update(paginate(request, selectors.conferences_under(request.user, unit)))
        context["may_hold"] = services.can_hold_conference(request.user, unit)
    return render(request, "conferences/list.html", context)


def _committee_units(user):
    return selectors.conferences_user_may_hold_for(user)


def _participants(request, committee_code, cluster_id, sector_id):
    """The proposed participants for the form (those of the cluster or sector)."""
    if not committee_code:
        return None, []
    committee = _committee_units(request.user).filter(code=committee_code).first()
    if committee is None:
        return None, []
    cluster = Cluster.objects.filter(pk=cluster_id).first() if cluster_id else None
    sector = Sector.objects.filter(pk=sector_id).first() if sector_id and not cluster else None
    return committee, services.default_participants(committee, cluster=cluster, sector=sector)


@require_GET
def participants_preview(request):
    """The participants proposed for a committee and cluster or sector (htmx partial)."""
    scope.require_somewhere(request.user, Action.DECIDE)
    grouping = request.GET.get("grouping")
    committee, units = _participants(
        request,
        request.GET.get("committee"),
        request.GET.get("cluster") if grouping == "cluster" else None,
        request.GET.get("sector") if grouping == "sector" else None,
    )
    return render(
        request,
        "conferences/partials/participants.html",
        {"committee": committee, "units": units, "chosen": {u.code for u in units}},
    )


@require_http_methods(["GET", "POST"])
def conference_new(request):
    user = request.user
    initial = {}
    if request.GET.get("unit"):
        unit = start_unit(user, request.GET["unit"])
        services.require_holder(user, unit)
        initial["committee"] = unit.code
    else:
        scope.require_somewhere(user, Action.DECIDE)
    form = ConferenceForm(request.POST or None, initial=initial, units=_committee_units(user))
    units, chosen = [], set()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee = data["committee"]
        proposed = services.default_participants(
            committee, cluster=data["cluster"], sector=data["sector"], day=data["date"]
        )
        codes = request.POST.getlist("units")
        chosen_units = None
        if codes or data["grouping"] == "units":
            chosen_units = list(
                scope.units_visible_to(user).filter(under(committee.path, "path"), code__in=codes)
            )
        try:
            conference = services.conference_create(
                trace=Trace(user=user),
                committee=committee,
                cluster=data["cluster"],
                sector=data["sector"],
                title=data["title"],
                date=data["date"],
                place=data["place"],
                chair=data["chair"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                units=chosen_units,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            units, chosen = proposed, set(codes) or {u.code for u in proposed}
        else:
            messages.success(request, _("Conference recorded."))
            return redirect("conferences:detail", pk=conference.pk)
    elif request.method == "POST":
        codes = request.POST.getlist("units")
        committee, units = _participants(
            request,
            request.POST.get("committee"),
            request.POST.get("cluster") if request.POST.get("grouping") == "cluster" else None,
            request.POST.get("sector") if request.POST.get("grouping") == "sector" else None,
        )
        chosen = set(codes) or {u.code for u in units}
    elif initial.get("committee"):
        _committee, units = _participants(request, initial["committee"], None, None)
    return render(
        request,
        "conferences/form.html",
        {"form": form, "title": _("New conference"), "units": units, "chosen": chosen},
    )


def _detail_context(request, conference):
    user = request.user
    previous, previous_tasks = selectors.previous_tasks(conference, user)
    may_hold = services.can_hold_conference(user, conference.committee)
    return {
        "conference": conference,
        "participations": selectors.participations(conference),
        "conclusions": selectors.conclusions_with_tasks(conference),
        "recognitions": list(
            conference.recognitions.select_related("unit", "person").order_by("date", "id")
        ),
        "previous": previous,
        "previous_tasks": previous_tasks,
        "may_hold": may_hold,
        "today": timezone.localdate(),
        "paper_languages": LANGUAGES,
        "language": translation.get_language() or "vi",
        "changes": Change.objects.filter(
            model="conferences.conference", object_id=str(conference.pk)
        ).select_related("actor")[:10],
    }


@require_GET
def conference_detail(request, pk):
    conference = selectors.conference_for(request.user, pk)
    return render(request, "conferences/detail.html", _detail_context(request, conference))


@require_GET
def conference_paper(request, pk):
    """The conference's paper as a PDF, in ?lang= (vi, en, de; default: the page's)."""
    conference = selectors.conference_for(request.user, pk)
    language = request.GET.get("lang") or translation.get_language() or "vi"
    if language not in LANGUAGES:
        language = "vi"
    content = paper.render_pdf(paper.conference_paper_data(request.user, conference, language))
    log_export(
        request.user,
        what=f"conference paper {conference.pk} ({language})",
        unit=conference.committee,
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"conference-{conference.pk}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def attendance(request, pk):
    user = request.user
    participation = get_object_or_404(
        scope.scoped(
            user,
            Participation.objects.select_related("conference__committee", "unit"),
            unit_field="conference__committee",
        ),
        pk=pk,
    )
    services.require_holder(user, participation.conference.committee)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            participation = services.participation_record(
                trace=Trace(user=user), participation=participation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "conferences/partials/participation_row.html",
            {"p": participation, "may_hold": True, "form": form},
        )
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(reverse("conferences:detail", kwargs={"pk": participation.conference_id}))


def _units_below(user, committee):
    return scope.units_visible_to(user).filter(under(committee.path, "path"))


@require_http_methods(["GET", "POST"])
def conclusion_new(request, pk):
    user = request.user
    conference = selectors.conference_for(user, pk)
    services.require_holder(user, conference.committee)
    form = ConclusionForm(request.POST or None, units=_units_below(user, conference.committee))
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_add(
                trace=Trace(user=user),
                conference=conference,
                text=form.cleaned_data["text"],
                tasks=form.cleaned_data["tasks"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Conclusion recorded."))
            return redirect("conferences:detail", pk=conference.pk)
    return render(
        request,
        "conferences/conclusion_form.html",
        {"form": form, "conference": conference, "title": _("New conclusion")},
    )


@require_http_methods(["GET", "POST"])
def recognition_new(request, pk):
    user = request.user
    conference = selectors.conference_for(user, pk)
    services.require_holder(user, conference.committee)
    form = RecognitionForm(
        request.POST or None,
        initial={"date": conference.date},
        units=_units_below(user, conference.committee),
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recognition_record(trace=Trace(user=user), conference=conference, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("conferences:detail", pk=conference.pk)
    return render(
        request,
        "conferences/form.html",
        {"form": form, "conference": conference, "title": _("Praise or criticism")},
    )


@require_http_methods(["GET", "POST"])
def task_detail(request, pk):
    """A task's page: what, for whom, by when; its unit's users record it done."""
    user = request.user
    task = selectors.task_for(user, pk)
    may_complete = services.can_complete_task(user, task) and task.completed_on is None
    form = TaskCompleteForm(request.POST or None, initial={"completed_on": timezone.localdate()})
    if request.method == "POST":
        if not services.can_complete_task(user, task):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.task_complete(
                    trace=Trace(user=user),
                    task=task,
                    completed_on=form.cleaned_data["completed_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Task recorded as done."))
                return redirect("conferences:task", pk=task.pk)
    conference = task.conclusion.conference
    return render(
        request,
        "conferences/task.html",
        {
            "task": task,
            "conference": conference,
            "may_see_conference": scope.can_see(user, conference.committee),
            "may_complete": may_complete,
            "form": form,
            "today": timezone.localdate(),
        },
    )

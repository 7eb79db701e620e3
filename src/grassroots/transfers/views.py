"""Transfer pages: thin views that parse a form, call a service and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.downloads import table_response
from grassroots.formerrors import add_service_errors
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.paging import paginate
from grassroots.people.access import log_export, log_list_view, log_person
from grassroots.people.models import Membership, Person
from grassroots.pipeline.rules import get_rules

from . import selectors, services
from .forms import (
    ChoosePersonForm,
    MembershipLeaveForm,
    MembershipLeaveUndoForm,
    TransferCancelForm,
    TransferEndForm,
    TransferFilterForm,
    TransferIncomingForm,
    TransferIssueForm,
    TransferReceiveForm,
)
from .models import Transfer


def _filtered(request):
    form = TransferFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.transfer_list(
        request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        direction=filters.get("direction", ""),
    )
    return form, filters, queryset


@require_GET
def transfer_export(request, fmt="csv"):
    """The filtered list as the exchange format's transfers file (CSV or Excel), which
    imports back; logged as an export."""
    _form, filters, queryset = _filtered(request)
    what = _("Transfers list (%(filters)s)") % {
        "filters": ", ".join(f"{k}: {v}" for k, v in filters.items() if v) or "—"
    }
    log_export(request.user, what=what)
    records = queryset.select_related("person", "to_unit", "from_unit").iterator(chunk_size=500)
    return table_response("transfers", records, fmt=fmt, filename="transfers")


@require_GET
def transfer_list(request):
    form, filters, queryset = _filtered(request)
    paging = paginate(request, queryset)
    log_list_view(
        request,
        name=_("Transfers"),
        filters=list(filters.items()),
        shown=[transfer.person for transfer in paging["page_obj"].object_list],
    )
    return render(
        request,
        "transfers/list.html",
        {
            "form": form,
            **paging,
            "transfers": paging["page_obj"].object_list,
            "today": timezone.localdate(),
            "can_receive_incoming": bool(scope.paths_for(request.user, Action.RECORD_STEP))
            or scope.is_everywhere(request.user),
        },
    )


def _visible_person(user, national_id):
    people = scope.scoped(user, Person.objects.all(), unit_field="unit")
    return people.filter(national_id=(national_id or "").strip().upper()).first()


@require_http_methods(["GET", "POST"])
def transfer_new(request):
    """Issue a letter for `?person=<national_id>`; without it, ask whom to transfer."""
    national_id = request.GET.get("person", "")
    if not national_id:
        # What the user typed (`who`: a national ID or a name) is resolved here; nobody or
        # several matching give the form again with the input kept and the candidates.
        choose = ChoosePersonForm(request.GET if "who" in request.GET else None, user=request.user)
        if not choose.is_valid():
            return render(request, "transfers/choose_person.html", {"form": choose})
        person = choose.cleaned_data["who"]
        return redirect(f"{reverse('transfers:new')}?{urlencode({'person': person.national_id})}")
    person = _visible_person(request.user, national_id)
    if person is None:
        raise Http404
    log_person(request, person, what=_("Transfer letter form"))
    membership = services.active_membership(person)
    if membership is not None:
        scope.require(request.user, Action.RECORD_STEP, membership.unit)
    form = TransferIssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_issue(
                trace=Trace(user=request.user),
                person=person,
                kind=data["kind"],
                issued_on=data["issued_on"],
                to_unit=data["to_unit"],
                destination=data["destination"],
                destination_type=data["destination_type"],
                letter_no=data["letter_no"],
                dues_paid_until=data["dues_paid_until"],
                note=data["note"],
                ends_on=data["ends_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The transfer letter was recorded."))
            return redirect("transfers:detail", pk=transfer.pk)
    return render(
        request,
        "transfers/issue.html",
        {"form": form, "person": person, "membership": membership},
    )


@require_GET
def transfer_detail(request, pk):
    transfer = selectors.transfer_for(request.user, pk)
    log_person(request, transfer.person, what=_("Transfer: %(transfer)s") % {"transfer": transfer})
    changes = Change.objects.filter(model="transfers.transfer", object_id=str(transfer.pk))
    waiting = transfer.status == Transfer.Status.ISSUED
    return render(
        request,
        "transfers/detail.html",
        {
            "transfer": transfer,
            "changes": changes.select_related("actor")[:50],
            "receive_form": TransferReceiveForm(initial={"arrived_on": timezone.localdate()}),
            "can_receive": waiting
            and transfer.to_unit_id
            and scope.can(request.user, Action.RECORD_STEP, transfer.to_unit),
            "can_cancel": transfer.status in (Transfer.Status.ISSUED, Transfer.Status.LEFT_SCOPE)
            and scope.can(request.user, Action.RECORD_STEP, transfer.unit),
            "today": timezone.localdate(),
            "end_form": TransferEndForm(initial={"ended_on": timezone.localdate()}),
            "can_end": transfer.kind == Transfer.Kind.TEMPORARY
            and transfer.status in (Transfer.Status.ISSUED, Transfer.Status.RECEIVED)
            and (
                services.may_end(request.user, transfer, Transfer.Status.RETURNED)
                or services.may_end(request.user, transfer, Transfer.Status.MADE_OFFICIAL)
            ),
        },
    )


@require_POST
def transfer_end(request, pk):
    """End a temporary transfer: the member returns, or the transfer becomes official."""
    transfer = selectors.transfer_for(request.user, pk)
    form = TransferEndForm(request.POST)
    if form.is_valid():
        if not services.may_end(request.user, transfer, form.cleaned_data["outcome"]):
            raise PermissionDenied
        try:
            services.transfer_end(
                trace=Trace(user=request.user), transfer=transfer, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The temporary transfer was ended."))
    else:
        if not scope.can(request.user, Action.RECORD_STEP, transfer.unit):
            raise PermissionDenied
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect("transfers:detail", pk=transfer.pk)


@require_POST
def transfer_receive(request, pk):
    transfer = selectors.transfer_for(request.user, pk)
    # The user sees the transfer (from either side); only the receiving unit records arrival.
    if transfer.to_unit is None or not scope.can(
        request.user, Action.RECORD_STEP, transfer.to_unit
    ):
        raise PermissionDenied
    form = TransferReceiveForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_receive(
                trace=Trace(user=request.user),
                transfer=transfer,
                arrived_on=form.cleaned_data["arrived_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The arrival was recorded."))
            return redirect("transfers:detail", pk=transfer.pk)
    changes = Change.objects.filter(model="transfers.transfer", object_id=str(transfer.pk))
    return render(
        request,
        "transfers/detail.html",
        {
            "transfer": transfer,
            "changes": changes.select_related("actor")[:50],
            "receive_form": form,
            "can_receive": True,
            "today": timezone.localdate(),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def transfer_cancel(request, pk):
    transfer = selectors.transfer_for(request.user, pk)
    if not scope.can(request.user, Action.RECORD_STEP, transfer.unit):
        raise PermissionDenied
    form = TransferCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_cancel(
                trace=Trace(user=request.user),
                transfer=transfer,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The transfer was cancelled."))
            return redirect("transfers:detail", pk=transfer.pk)
    return render(request, "transfers/cancel.html", {"form": form, "transfer": transfer})


@require_http_methods(["GET", "POST"])
def transfer_incoming(request):
    """Register a member arriving from outside the system with their letter."""
    if not (scope.is_everywhere(request.user) or scope.paths_for(request.user, Action.RECORD_STEP)):
        raise PermissionDenied
    form = TransferIncomingForm(
        request.POST or None,
        user=request.user,
        initial={"national_id": request.GET.get("person", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["national_id"]
        try:
            transfer = services.transfer_incoming(
                trace=Trace(user=request.user),
                person=person,
                kind=data["kind"],
                issued_on=data["issued_on"],
                origin=data["origin"],
                to_unit=data["to_unit"],
                arrived_on=data["arrived_on"],
                membership_status=data["membership_status"],
                admitted_on=data["admitted_on"],
                letter_no=data["letter_no"],
                dues_paid_until=data["dues_paid_until"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The arriving member was registered."))
            return redirect("transfers:detail", pk=transfer.pk)
    return render(request, "transfers/incoming.html", {"form": form})


def _membership_to_end(request, pk):
    """The membership `pk` in the user's scope (else 404) whose leaving the user may
    record (else 403)."""
    memberships = scope.scoped(request.user, Membership.objects.all(), unit_field="unit")
    membership = memberships.select_related("person", "unit").filter(pk=pk).first()
    if membership is None:
        raise Http404
    if not services.may_record_leaving(request.user, membership):
        raise PermissionDenied
    return membership


@require_http_methods(["GET", "POST"])
def membership_leave(request, pk):
    """Record that a member left the organisation (the committee's decision)."""
    membership = _membership_to_end(request, pk)
    person = membership.person
    log_person(request, person, what=_("Form: a member left"))
    form = MembershipLeaveForm(
        request.POST or None,
        initial={"ended_on": timezone.localdate()},
        leave_reasons=get_rules().leave_reasons,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_leave(
                trace=Trace(user=request.user),
                membership=membership,
                ended_on=data["ended_on"],
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(person)s no longer is a member.") % {"person": person.full_name}
            )
            return redirect("people:detail", national_id=person.national_id)
    return render(
        request,
        "transfers/leave.html",
        {"form": form, "membership": membership, "person": person},
    )


@require_http_methods(["GET", "POST"])
def membership_leave_undo(request, pk):
    """Take back a leaving recorded by mistake."""
    membership = _membership_to_end(request, pk)
    person = membership.person
    log_person(request, person, what=_("Form: a leaving taken back"))
    form = MembershipLeaveUndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_leave_undo(
                trace=Trace(user=request.user),
                membership=membership,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(person)s is a member again.") % {"person": person.full_name}
            )
            return redirect("people:detail", national_id=person.national_id)
    return render(
        request,
        "transfers/leave_undo.html",
        {"form": form, "membership": membership, "person": person},
    )

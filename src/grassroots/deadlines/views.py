"""The work list and the working-day calendar."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import scope
from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.org.models import Unit
from grassroots.paging import paginate
from grassroots.workdays.listing import year_days
from grassroots.workdays.models import CalendarDay

from . import notifications as centre
from . import selectors, services
from .forms import CalendarDayForm


@require_GET
def worklist(request):
    """My work list: the units I hold a role on, or one unit of them (`?unit=CODE`)."""
    today = timezone.localdate()
    code = request.GET.get("unit", "").strip()
    unit = None
    if code:
        unit = scope.get_scoped(request.user, Unit.objects.all(), unit_field="", code=code)
    items = selectors.WorkList(request.user, today, unit=unit)
    return render(
        request,
        "deadlines/worklist.html",
        {
            **paginate(request, items, count=items.count(), capped=any(items.capped.values())),
            "unit": unit,
            "my_units": selectors.units_of_user(request.user),
            "counts": items.counts,
            "counts_capped": items.capped,
            "today": today,
            "horizon": selectors.HORIZON_DAYS,
        },
    )


def _year(request, today):
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 1900 <= year <= 2100 else today.year


@require_http_methods(["GET", "POST"])
def calendar(request):
    """The days administrators marked, beside the public holidays of the year."""
    today = timezone.localdate()
    year = _year(request, today)
    can_edit = services.can_edit_calendar(request.user)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                day = services.calendar_day_set(trace=Trace(user=request.user), **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The calendar was changed."))
                return redirect(f"{request.path}?year={day.day.year}")
    public = year_days(year)
    return render(
        request,
        "deadlines/calendar.html",
        {
            "form": form,
            "year": year,
            "days": selectors.calendar_days(year),
            "public_holidays": public,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def calendar_delete(request, pk):
    calendar_day = get_object_or_404(CalendarDay, pk=pk)
    if not services.can_edit_calendar(request.user):
        raise PermissionDenied
    services.calendar_day_delete(trace=Trace(user=request.user), calendar_day=calendar_day)
    messages.success(request, _("The mark was removed."))
    return redirect(f"{reverse('deadlines:calendar')}?year={calendar_day.day.year}")


# --- the notification centre ------------------------------------------------------------


@require_GET
def notifications(request):
    """What is due for the user's units, not yet marked as seen first; and the daily e-mail."""
    unseen, seen, capped = centre.notifications_for(request.user)
    context = {
        "due": [i for i in unseen if i["urgency"] in centre.DUE],
        "coming": [i for i in unseen if i["urgency"] not in centre.DUE],
        "seen": seen,
        "capped": capped,
        "limit": centre.LIMIT,
        "digest": centre.digest_of(request.user),
        "horizon": selectors.HORIZON_DAYS,
    }
    return render(request, "deadlines/notifications.html", context)


@require_GET
def notification_badge(request):
    """The menu's badge (loaded by htmx after the page, so pages pay nothing for it)."""
    count, capped = centre.badge_count(request.user)
    context = {"count": count, "capped": capped, "limit": centre.LIMIT}
    return render(request, "deadlines/partials/_badge.html", context)


@require_POST
def notification_seen(request):
    """Mark one item of the user's own work list as seen (404 for an item not in it)."""
    try:
        centre.item_mark_seen(user=request.user, key=request.POST.get("key", "")[:64])
    except LookupError:
        raise Http404 from None
    return redirect("deadlines:notifications")


@require_POST
def digest(request):
    """Switch the daily e-mail on or off."""
    daily = request.POST.get("daily") == "1"
    centre.digest_set(trace=Trace(user=request.user), user=request.user, daily=daily)
    if daily and not request.user.email:
        messages.warning(request, _("Your account has no e-mail address: ask an administrator."))
    elif daily:
        messages.success(request, _("You will receive a daily e-mail of what is due."))
    else:
        messages.success(request, _("The daily e-mail is off."))
    return redirect("deadlines:notifications")

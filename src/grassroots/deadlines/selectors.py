"""The work list: everything with a deadline that someone in the user's units must act on.

Three sources are merged into one list of plain dicts
`{kind, person, unit, due_on, url, label, urgency, days, days_late}`:

- transfers not yet received (the member must report by `report_by`);
- awareness-course certificates about to expire (60 months after the certificate date)
  for people not admitted since;
- the admission pipeline's own deadlines (`grassroots.pipeline.selectors.due_items`);
- supervision findings whose follow-up is due and not yet recorded done (`plans`).
- what the apps above register in `deadlines.sources` (conference tasks).

Only what is overdue, due today or due in the next `HORIZON_DAYS` days is listed, most
urgent (most overdue) first. Every source reads through the user's scope.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots import paging
from grassroots.accounts import scope
from grassroots.accounts import selectors as account_selectors
from grassroots.dates import shown_day
from grassroots.paths import under
from grassroots.people.models import Membership
from grassroots.pipeline import dues
from grassroots.pipeline.models import Admission, Enrollment
from grassroots.pipeline.selectors import confirmation_counts, confirmations_due, due_items
from grassroots.plans.models import Finding
from grassroots.transfers.models import Transfer
from grassroots.transfers.selectors import transfer_list
from grassroots.workdays import add_months
from grassroots.workdays.models import CalendarDay

from . import sources

HORIZON_DAYS = 30
CERTIFICATE_VALID_MONTHS = 60

OVERDUE = "overdue"
DUE_TODAY = "due_today"
UPCOMING = "upcoming"
URGENCY_LABELS = {
    OVERDUE: gettext_lazy("overdue"),
    DUE_TODAY: gettext_lazy("due today"),
    UPCOMING: gettext_lazy("coming"),
}


class SystemActor:
    """The actor of commands that read for everyone (e.g. `grassroots remind`).

    The scope treats it like a superuser: it sees every unit and holds no roles.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    _grassroots_assignments = ()

    def __str__(self):
        return "system"


SYSTEM = SystemActor()


def urgency(due_on, today):
    if due_on < today:
        return OVERDUE
    if due_on == today:
        return DUE_TODAY
    return UPCOMING


def _item(*, kind, person, unit, due_on, url, label, today):
    level = urgency(due_on, today)
    return {
        "kind": kind,
        "person": person,
        "unit": unit,
        "due_on": due_on,
        "url": url,
        "label": label,
        "urgency": level,
        "urgency_label": URGENCY_LABELS[level],
        "days": (due_on - today).days,
        "days_late": max(0, (today - due_on).days),
    }


def _transfer_items(user, today, unit):

    transfers = transfer_list(user, status=Transfer.Status.ISSUED, unit=unit).filter(
        to_unit__isnull=False,
        report_by__isnull=False,
        report_by__lte=today + dt.timedelta(days=HORIZON_DAYS),
    )
    for transfer in transfers:
        yield _item(
            kind="transfer",
            person=transfer.person,
            unit=transfer.to_unit,
            due_on=transfer.report_by,
            url=reverse("transfers:detail", kwargs={"pk": transfer.pk}),
            label=_("Report to %(to)s (transfer from %(from)s)")
            % {"to": transfer.to_unit.code, "from": transfer.from_unit.code},
            today=today,
        )


def _role_items(user, today, unit):
    """Roles a restructuring ended with their unit: the administrator above gives the
    holder a role on the successor, or marks it followed up (nobody keeps access by
    accident, nobody is forgotten)."""
    for assignment in account_selectors.assignments_to_follow_up(user, unit):
        yield _item(
            kind="role",
            person=None,
            unit=assignment.unit,
            due_on=assignment.ended_on + dt.timedelta(days=1),
            url=reverse("restructuring:event", kwargs={"pk": assignment.ended_by_event_id}),
            label=_("%(user)s's role (%(role)s) ended with %(unit)s: reassign it")
            % {
                "user": assignment.user.get_username(),
                "role": assignment.get_role_display(),
                "unit": assignment.unit.code,
            },
            today=today,
        )


def _temporary_items(user, today, unit):
    """Temporary transfers that reach their planned end: the member returns or the
    transfer becomes official (both units see it)."""

    transfers = transfer_list(user, kind=Transfer.Kind.TEMPORARY, unit=unit).filter(
        status__in=[Transfer.Status.ISSUED, Transfer.Status.RECEIVED],
        ends_on__isnull=False,
        ends_on__lte=today + dt.timedelta(days=HORIZON_DAYS),
    )
    for transfer in transfers:
        target = transfer.to_unit.code if transfer.to_unit_id else transfer.destination
        yield _item(
            kind="temporary_transfer_ends",
            person=transfer.person,
            unit=transfer.from_unit or transfer.to_unit,
            due_on=transfer.ends_on,
            url=reverse("transfers:detail", kwargs={"pk": transfer.pk}),
            label=_("Temporary transfer to %(to)s ends: the member returns or it becomes official")
            % {"to": target},
            today=today,
        )


def _certificate_items(user, today, unit):

    # A certificate dated on or before `last` expires within the horizon; one dated
    # before `first` has expired already.
    first = add_months(today, -CERTIFICATE_VALID_MONTHS)
    last = add_months(today + dt.timedelta(days=HORIZON_DAYS), -CERTIFICATE_VALID_MONTHS)
    newer = Enrollment.objects.filter(
        person=OuterRef("person"),
        result=Enrollment.Result.COMPLETED,
        certificate_date__gt=OuterRef("certificate_date"),
    )
    admitted = Admission.objects.filter(
        person=OuterRef("person"), decision_date__gte=OuterRef("certificate_date")
    )
    active = Membership.objects.filter(
        person=OuterRef("person"),
        status__in=[Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL],
    )
    enrollments = (
        Enrollment.objects.filter(
            result=Enrollment.Result.COMPLETED,
            certificate_date__gte=first,
            certificate_date__lte=last,
        )
        .filter(~Exists(newer), ~Exists(admitted), ~Exists(active))
        .select_related("person__unit", "course")
    )
    enrollments = scope.scoped(user, enrollments, unit_field="person__unit")
    if unit is not None:
        enrollments = enrollments.filter(under(unit.path, "person__unit__path"))
    for enrollment in enrollments:
        expires_on = add_months(enrollment.certificate_date, CERTIFICATE_VALID_MONTHS)
        yield _item(
            kind="certificate",
            person=enrollment.person,
            unit=enrollment.person.unit,
            due_on=expires_on,
            url=_person_url(enrollment.person),
            label=_("Course certificate %(number)s expires (%(course)s)")
            % {"number": enrollment.certificate_no or "", "course": enrollment.course.code},
            today=today,
        )


def _finding_items(user, today, unit):
    """Follow-ups of supervision findings not yet done, due within the horizon: the unit
    inspected and the committee that inspected it both see them (one query)."""
    findings = scope.scoped(
        user,
        Finding.objects.filter(
            follow_up_done_on__isnull=True,
            follow_up_due__isnull=False,
            follow_up_due__lte=today + dt.timedelta(days=HORIZON_DAYS),
        ).select_related("unit", "by_unit"),
    )
    if unit is not None:
        findings = findings.filter(under(unit.path, "unit__path"))
    for finding in findings.order_by("follow_up_due", "id"):
        yield _item(
            kind="finding",
            person=None,
            unit=finding.unit,
            due_on=finding.follow_up_due,
            url=f"{reverse('plans:findings')}?unit={finding.unit.code}&open=1",
            label=_("Follow up the finding of %(date)s by %(by)s on %(unit)s")
            % {
                "date": shown_day(finding.date),
                "by": finding.by_unit.code,
                "unit": finding.unit.code,
            },
            today=today,
        )


def _person_url(person):
    try:
        return reverse("people:detail", kwargs={"national_id": person.national_id})
    except NoReverseMatch:
        return ""


def _pipeline_items(user, today, unit, limit=None):
    """The pipeline's deadlines."""
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    for item in due_items(user, today, horizon_days=HORIZON_DAYS, unit=unit, limit=limit) or ():
        due_on = item.get("due_on")
        if due_on is None or due_on > horizon:
            continue
        item_unit = item.get("unit")
        if unit is not None and (item_unit is None or not item_unit.path.startswith(unit.path)):
            continue
        yield _item(
            kind=item.get("kind", "pipeline"),
            person=item.get("person"),
            unit=item_unit,
            due_on=due_on,
            url=item.get("url", ""),
            label=item.get("label", ""),
            today=today,
        )


def _registered_items(user, today, unit):
    """The deadlines of the apps above (`deadlines.sources`), within the horizon."""
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    for provider in sources.providers():
        for item in provider(user, today, unit):
            if item["due_on"] <= horizon:
                yield _item(**item, today=today)


def _sort_key(item):
    person = item["person"]
    return (item["due_on"], getattr(person, "sort_key", ""), item["kind"])


def work_list(user, today, unit=None, limit=None):
    """What is overdue, due today or due within 30 days in the user's scope (and under
    `unit` when given), most overdue first.

    With `limit`, only the first `limit` items: the confirmation votes, which run to the
    hundred thousands nationally, are then read up to `limit` from the database.
    """
    items = [
        *_transfer_items(user, today, unit),
        *_temporary_items(user, today, unit),
        *_role_items(user, today, unit),
        *_certificate_items(user, today, unit),
        *_finding_items(user, today, unit),
        *_pipeline_items(user, today, unit, limit),
        *_registered_items(user, today, unit),
    ]
    items.sort(key=_sort_key)
    return items if limit is None else items[:limit]


class WorkList:
    """The work list as a sequence for the paginator, without building all of it.

    Transfers, certificates, findings and the like (bounded by what is open and by the
    30-day windows) are built once; the dossiers' time limits (stored, `pipeline.dues`) and
    the confirmation votes, which run to the ten and hundred thousands nationally, are
    counted in the database and read only up to the end of the page shown.
    """

    def __init__(self, user, today, unit=None):
        self.user, self.today, self.unit = user, today, unit
        self._confirmation_counts = confirmation_counts
        self._confirmations_due = confirmations_due

    @cached_property
    def _others(self):
        limit = 0 if self._confirmations_due else None
        return [
            *_transfer_items(self.user, self.today, self.unit),
            *_temporary_items(self.user, self.today, self.unit),
            *_role_items(self.user, self.today, self.unit),
            *_certificate_items(self.user, self.today, self.unit),
            *_finding_items(self.user, self.today, self.unit),
            *_pipeline_items(self.user, self.today, self.unit, limit),
            *_registered_items(self.user, self.today, self.unit),
        ]

    @cached_property
    def _counted(self):
        counts = count_by_urgency(self._others)
        capped = dict.fromkeys(counts, False)
        if self._confirmations_due:  # else the dossiers' limits are among the others
            horizon = self.today + dt.timedelta(days=HORIZON_DAYS)
            found = dues.counts(self.user, self.today, horizon=horizon, unit=self.unit)
            for level, n in found.items():
                counts[level] += n
        if self._confirmation_counts:
            found = self._confirmation_counts(
                self.user, self.today, horizon_days=HORIZON_DAYS, unit=self.unit, cap=self.cap
            )
            for level, n in found.items():
                if n > self.cap:
                    n, capped[level] = self.cap, True
                counts[level] += n
        return counts, capped

    @property
    def cap(self):
        return paging.COUNT_CAP

    @property
    def counts(self):
        """{OVERDUE, DUE_TODAY, UPCOMING: n} over the whole list; see `capped`."""
        return self._counted[0]

    @property
    def capped(self):
        """{OVERDUE, DUE_TODAY, UPCOMING: bool}: True where there are more than counted
        (confirmation votes are counted up to the paging cap only)."""
        return self._counted[1]

    def count(self):
        return sum(self.counts.values())

    def __len__(self):
        return self.count()

    def _first(self, limit):
        items = list(self._others)
        if self._confirmations_due:
            horizon = self.today + dt.timedelta(days=HORIZON_DAYS)
            items += [
                _item(**item, today=self.today)
                for item in dues.items(
                    self.user, self.today, horizon=horizon, unit=self.unit, limit=limit
                )
            ]
            found = self._confirmations_due(
                self.user, self.today, horizon_days=HORIZON_DAYS, unit=self.unit, limit=limit
            )
            items += [
                _item(**item, today=self.today) for item in found if item["due_on"] <= horizon
            ]
        items.sort(key=_sort_key)
        return items[:limit]

    def __getitem__(self, index):
        if isinstance(index, slice):
            stop = index.stop if index.stop is not None else self.count()
            return self._first(stop)[index]
        return self._first(index + 1)[index]


def count_by_urgency(items):
    counts = {OVERDUE: 0, DUE_TODAY: 0, UPCOMING: 0}
    for item in items:
        counts[item["urgency"]] += 1
    return counts


def units_of_user(user):
    """The units a user holds a role on ("my work list"), outermost first."""
    return scope.top_units(user)


def calendar_days(year=None):
    days = CalendarDay.objects.all()
    if year:
        days = days.filter(Q(day__year=year))
    return days.order_by("day")

"""The dossiers' time limits the work list shows, stored and kept true.

Why stored: the work list lists what is overdue or due soon in a user's units, most overdue
first. Working that out means building every open dossier's facts and asking the rule
engine (`engine.due_dates`); with 21,114 open dossiers under one superuser (the 20,000-unit
bench) that took 1.4 s of CPU per request. Stored, the list reads the first page by the
`(due_on, kind)` index and counts by urgency in the database.

What keeps them true (the engine stays the only home of the rules: rows are its results):

- every service that changes what a dossier's limits depend on (its steps, its status, the
  person's birth date or course certificate, the admission's ceremony or member record,
  the membership's status) calls `refresh` or `refresh_people` in its own transaction;
- the importer refreshes the people its rows touched, the demo loader and the generator
  rebuild;
- rows depend on the rule set and the calendar too: `digest()` names both (with the
  holiday country, the `holidays` release and a digest of the rules' code) and `DueBasis` keeps
  the digest the rows were built with. An administrator's calendar mark works out the
  limits counted in working days again in the mark's transaction (`calendar_changed`),
  `grassroots migrate` leaves the rows current (`after_migrate`), and `ensure_current`
  rebuilds them before a read that still finds another digest;
- `grassroots rebuild_dues --check` compares the rows with a fresh computation, as
  `rebuild_rollups --check` does for the report roll-ups.

Rows exist for the dossiers the work list follows: open ones, and admitted ones still
waiting for their ceremony or, on probation, for their member's record. The confirmation
votes and decisions are not here: they are read from the admissions by their own index.
"""

import datetime as dt
import functools
import hashlib
import threading
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from grassroots import workdays
from grassroots.accounts import scope
from grassroots.links import link_to
from grassroots.paths import under
from grassroots.people.models import Membership
from grassroots.workdays import calendar_overrides, swaps

from . import engine, facts, progress
from . import rules as rules_module
from .models import Dossier, DossierDue, DueBasis
from .progress import DUE_FIELDS, annotate_progress
from .rules import get_rules

# The engine's kinds the work list takes from dossiers (the confirmation vote and decision
# come from the admissions, the end of probation is not a task).
LISTED = ("certificate_expires", "age_limit", "admission_decision", "ceremony", "member_record")
STALLED = "dossier_stalled"
CHUNK = 2000
# Above this many changed records an import rebuilds every row rather than refreshing.
REBUILD_ABOVE = 20_000


def followed_dossiers():
    """The dossiers whose time limits the work list shows."""
    return Dossier.objects.filter(
        Q(status=Dossier.Status.OPEN)
        | Q(status=Dossier.Status.ADMITTED, admission__ceremony_date__isnull=True)
        | Q(
            status=Dossier.Status.ADMITTED,
            admission__member_record_on__isnull=True,
            admission__membership__status=Membership.Status.PROBATIONARY,
        )
    )


@functools.lru_cache(maxsize=1)
def _code():
    """The release of `holidays` and a digest of the code that works the limits out: a new
    release that changes the rules' code rebuilds the rows, whatever its version says."""
    try:
        release = metadata.version("holidays")
    except metadata.PackageNotFoundError:
        release = ""
    source = hashlib.sha256()
    for module in (engine, facts, progress, rules_module, workdays, swaps):
        source.update(Path(module.__file__).read_bytes())
    source.update(Path(__file__).read_bytes())
    return release, source.hexdigest()


def digest(overrides=None):
    """A digest of everything besides a dossier's own facts that its limits depend on."""
    rules = get_rules()
    if overrides is None:
        overrides = calendar_overrides()
    marks = sorted((day.isoformat(), bool(worked)) for day, worked in overrides.items())
    text = repr(
        (
            rules.name,
            rules.limits,
            getattr(settings, "HOLIDAY_COUNTRY", ""),
            _code(),
            marks,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _computed(dossier_ids):
    """The DossierDue rows (unsaved) of those of `dossier_ids` the work list follows."""
    followed = set(followed_dossiers().filter(pk__in=dossier_ids).values_list("pk", flat=True))
    if not followed:
        return []
    # A plain list of ids: the conditions above, as a subquery of every read below, would
    # let the database plan each read over the whole table.
    dossiers = Dossier.objects.filter(pk__in=sorted(followed))
    rules = get_rules()
    stalled_after = dt.timedelta(days=rules.limits.stalled_after_days)
    rows = []
    annotated = annotate_progress(
        dossiers.select_related("person", "unit").only(*DUE_FIELDS), rules=rules, source=dossiers
    )
    for dossier in annotated:
        for due in dossier.dues:
            if due.kind in LISTED:
                rows.append(DossierDue(dossier_id=dossier.pk, kind=due.kind, due_on=due.due_on))
        if dossier.status == Dossier.Status.OPEN:
            rows.append(
                DossierDue(
                    dossier_id=dossier.pk,
                    kind=STALLED,
                    due_on=dossier.last_date + stalled_after,
                    since=dossier.last_date,
                )
            )
    return rows


def _chunks(ids):
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def refresh(dossier_ids):
    """Work out again the limits of these dossiers (inside the caller's transaction)."""
    for chunk in _chunks(dossier_ids):
        # The dossiers locked, in id order: two changes of one dossier's facts (a step and
        # the person's course result, say) refresh its rows one after the other.
        list(Dossier.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values("pk"))
        DossierDue.objects.filter(dossier_id__in=chunk).delete()
        DossierDue.objects.bulk_create(_computed(chunk))


def refresh_people(person_ids):
    """Work out again the limits of these people's dossiers."""
    for chunk in _chunks(person_ids):
        refresh(Dossier.objects.filter(person_id__in=chunk).values_list("pk", flat=True))


@transaction.atomic
def rebuild():
    """Work out every followed dossier's limits afresh; returns the number of rows."""
    current = digest()
    basis, _created = DueBasis.objects.get_or_create(pk=1, defaults={"digest": ""})
    # One rebuild at a time: a second process waits here, then finds the rows current.
    basis = DueBasis.objects.select_for_update().get(pk=basis.pk)
    DossierDue.objects.all().delete()
    ids = followed_dossiers().order_by().values_list("pk", flat=True).distinct()
    count = 0
    for chunk in _chunks(ids):
        count += len(DossierDue.objects.bulk_create(_computed(chunk)))
    basis.digest = current
    basis.save()
    return count


# Within one request the rows are found current once (the work list reads them twice: its
# counts and its page). Kept only between Django's request_started and request_finished
# signals (pipeline/apps.py): commands and tests outside a request look every time.
_request = threading.local()


def request_started(**kwargs):
    _request.active, _request.current = True, None


def request_finished(**kwargs):
    _request.active, _request.current = False, None


# The kinds counted in working days: only these move when the calendar changes.
WORKING_DAY_KINDS = ("admission_decision", "ceremony", "member_record")


@transaction.atomic
def calendar_changed(before):
    """An administrator marked a day or removed a mark (`before`: the marks until then).
    Called in the mark's transaction. If the rows were current under the old marks, only
    the limits counted in working days move (the others are calendar days and months);
    otherwise everything is worked out again."""
    basis, _created = DueBasis.objects.get_or_create(pk=1, defaults={"digest": ""})
    basis = DueBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.digest != digest(before):
        rebuild()
        return
    moved = DossierDue.objects.filter(kind__in=WORKING_DAY_KINDS).values_list(
        "dossier_id", flat=True
    )
    refresh(set(moved))
    basis.digest = digest()
    basis.save()


def after_migrate(sender, using, **kwargs):
    """`grassroots migrate` (a new release, a first start) leaves the rows current, so that
    no reader has to rebuild them in a request (post_migrate, pipeline/apps.py)."""
    tables = connections[using].introspection.table_names()
    if using != "default" or DueBasis._meta.db_table not in tables:
        return
    ensure_current()


def ensure_current():
    """Rebuild the rows if they were worked out under other rules or another calendar."""
    current = digest()
    if getattr(_request, "active", False) and _request.current == current:
        return
    stored = DueBasis.objects.filter(pk=1).values_list("digest", flat=True).first()
    if stored != current:
        rebuild()
    if getattr(_request, "active", False):
        _request.current = current


def on_person_changed(person, before, **details):
    """A person's birth date counts for the age limit (announced by people.services)."""
    if person.birth_date != before.birth_date:
        refresh_people([person.pk])


def check():
    """How many stored rows differ from a fresh computation (0 when they agree)."""
    ids = followed_dossiers().order_by().values_list("pk", flat=True).distinct()
    fresh = set()
    for chunk in _chunks(ids):
        fresh.update((r.dossier_id, r.kind, r.due_on, r.since) for r in _computed(chunk))
    stored = set(DossierDue.objects.values_list("dossier_id", "kind", "due_on", "since"))
    return len(fresh ^ stored)


# --- reading (the work list) ---------------------------------------------------------------


def _rows(user, today, horizon, unit):
    ensure_current()
    rows = DossierDue.objects.filter(
        Q(due_on__lte=horizon) & (~Q(kind=STALLED) | Q(due_on__lte=today))
    )
    rows = scope.scoped(user, rows, unit_field="dossier__unit")
    if unit is not None:
        rows = rows.filter(under(unit.path, "dossier__unit__path"))
    return rows


def items(user, today, *, horizon, unit=None, limit=None):
    """The dossiers' limits due by `horizon` (a stalled dossier once it is stalled) in the
    user's scope, as work-list dicts, earliest first (then by name), the first `limit`."""
    if limit == 0:
        return []
    rows = (
        _rows(user, today, horizon, unit)
        .select_related("dossier__person", "dossier__unit")
        .only(
            "kind",
            "due_on",
            "since",
            "dossier__id",
            "dossier__person__national_id",
            "dossier__person__full_name",
            "dossier__person__sort_key",
            "dossier__unit__code",
            "dossier__unit__name",
            "dossier__unit__path",
        )
        .order_by("due_on", "dossier__person__sort_key", "kind", "dossier_id")
    )
    if limit is not None:
        rows = rows[:limit]
    dossier_link = link_to("pipeline:dossier")
    found = []
    for row in rows:
        dossier = row.dossier
        if row.kind == STALLED:
            kind, label = STALLED, _("no step since %(date)s") % {"date": row.since}
        else:
            late = row.kind == "ceremony" and row.due_on < today
            kind, label = ("ceremony_overdue" if late else row.kind), engine.due_label(row.kind)
        found.append(
            {
                "kind": kind,
                "person": dossier.person,
                "unit": dossier.unit,
                "due_on": row.due_on,
                "url": dossier_link(dossier.pk),
                "label": label,
            }
        )
    return found


def counts(user, today, *, horizon, unit=None):
    """{"overdue", "due_today", "upcoming": n} of what `items` lists, counted in the database."""
    return _rows(user, today, horizon, unit).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_today=Count("pk", filter=Q(due_on=today)),
        upcoming=Count("pk", filter=Q(due_on__gt=today)),
    )

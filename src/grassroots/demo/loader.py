"""Loading the demo town of Điện Bàn (see story.py for the figures it reproduces).

`load_demo` is one transaction: either the whole town is written or nothing. It is
idempotent: when the town and its story are there it only makes sure the demo accounts
exist; units are looked up by code, and the people's national IDs are checked before
anything is written (the loader refuses rather than duplicates a person).

History: units go through `org.services.unit_create` (one history row each); the bulk
steps (people, memberships, admissions, courses, ...) are written like an import, with
one summary history row per step rather than one per record.
"""

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from grassroots.accounts import scope
from grassroots.accounts import services as account_services
from grassroots.accounts.models import Role, RoleAssignment
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.org import services as org_services
from grassroots.org.models import Unit
from grassroots.paths import under
from grassroots.people.models import Membership, Person
from grassroots.pipeline import dues
from grassroots.pipeline.models import Admission, Confirmation, Course, Dossier, Source
from grassroots.plans.models import Finding, Target
from grassroots.reports import rollups
from grassroots.transfers.models import Transfer

from . import admissions as story_admissions
from . import pipelines, reform, story, structure
from .builder import Builder
from .conferences import load_conference
from .transfers import load_transfers

ACCOUNTS = [
    ("admin", story.TOWN_CODE, Role.ADMINISTRATOR),
    ("org", story.TOWN_CODE, Role.ORGANISATION_COMMITTEE),
    ("secretary", story.PPT_CODE, Role.SECRETARY),
]
OLDER_MEMBERS = 1500
# The demo's "today" is never earlier than this, so work in progress stays clear of the
# article's periods even on a machine whose clock is behind.
EARLIEST_TODAY = dt.date(2026, 9, 1)


def is_loaded():
    return (
        Unit.objects.filter(code=story.TOWN_CODE).exists()
        and Course.objects.filter(code=story.COURSE_2023_08).exists()
    )


def load_demo(*, today=None, log=None):
    """Build the demo town unless it is there; returns True when it was built now."""
    log = log or (lambda message: None)
    if is_loaded():
        ensure_accounts()
        return False
    today = max(today or timezone.localdate(), EARLIEST_TODAY)
    with transaction.atomic():
        _build(today, log)
        ensure_accounts()
    return True


def _unit_of_account(code):
    """Where a demo account holds its role now: the town's officers held theirs on the town
    committee until the 2025 reform ended it, and on the city committee since."""
    unit = Unit.objects.get(code=code)
    if unit.valid_to is not None:
        return Unit.objects.get(code=reform.CITY_CODE)
    return unit


def ensure_accounts():
    """The demo users with their roles; a new user gets the password "demo"."""
    trace = Trace.command("demo")
    for username, code, role in ACCOUNTS:
        user = _user(username)
        unit = _unit_of_account(code)
        if not RoleAssignment.objects.filter(
            scope.in_force(), user=user, unit=unit, role=role
        ).exists():
            account_services.role_grant(trace=trace, user=user, unit=unit, role=role)


def _user(username):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=story.DEMO_PASSWORD)
    return user


def _live_through_the_reform(trace, log):
    """The town's officers hold their roles until the reform ends the town committee;
    the reform is recorded; they then receive their roles on the city committee."""
    town_accounts = []
    for username, code, role in ACCOUNTS:
        user = _user(username)
        account_services.role_grant(
            trace=trace, user=user, unit=Unit.objects.get(code=code), role=role
        )
        if code == story.TOWN_CODE:
            town_accounts.append((user, role))
    reform.apply(trace, log)
    reform.reassign_town_accounts(trace, town_accounts)


def _summary(trace, model, count, _unit_path, what):
    """One history row standing for a bulk step of the demo loader."""
    Change.objects.create(
        cause=trace.cause,
        reference=trace.reference,
        action=Change.Action.CREATE,
        model=model._meta.label_lower,
        object_id="*",
        object_repr=f"{count} {what}"[:240],
        after={"count": count, "bulk": True},
        reason="demo town (one summary row per bulk step)",
    )


def _build(today, log):
    trace = Trace.command("demo")
    started = time.monotonic()

    def step(message):
        log(f"{time.monotonic() - started:6.1f}s  {message}")

    units = _build_units(trace)
    town = units[story.TOWN_CODE]
    step(f"{len(units)} units")

    b = Builder(seed=story.RANDOM_SEED, units=units, today=today)
    planned = story_admissions.plan_admissions(b)
    planned += pipelines.plan_recent_admissions(b)
    courses = pipelines.plan_courses(b)
    courses += pipelines.plan_history_courses(b, planned)
    nominated = pipelines.plan_nominated(b)
    older = pipelines.plan_older_members(b, OLDER_MEMBERS)
    readmitted = next(p for p in planned if p.readmission)
    older.append(
        Membership(
            person=readmitted.person,
            unit=readmitted.unit,
            status=Membership.Status.LEFT,
            admitted_on=dt.date(2001, 6, 15),
            ceremony_date=dt.date(2001, 7, 6),
            probation_ends_on=dt.date(2002, 7, 6),
            official_since=dt.date(2002, 7, 6),
            ended_on=dt.date(2019, 3, 1),
            leave_reason="moved_away",  # as the readmission's application says
        )
    )
    cells = b.cells()
    while len(b.people) < story.PEOPLE:
        unit = b.rng.choice(cells)
        minority = b.rng.random() < 0.015
        b.person(
            unit=unit,
            birth_date=b.birth_date_for_age(today, 16, 80),
            ethnicity=b.rng.choice(["Cơ Tu", "Hoa", "Tày"]) if minority else "Kinh",
            ethnic_minority=minority,
        )

    known = set(
        Person.objects.filter(national_id__in=[p.national_id for p in b.people]).values_list(
            "national_id", flat=True
        )
    )
    if known:
        raise RuntimeError(
            f"{len(known)} demo national IDs already belong to other people; "
            "load the demo into an empty database."
        )
    Person.objects.bulk_create(b.people, batch_size=1000)
    _summary(trace, Person, len(b.people), town.path, "people (demo town)")
    step(f"{len(b.people)} people")

    Membership.objects.bulk_create(older, batch_size=1000)
    _summary(trace, Membership, len(older), town.path, "members admitted before 2019")
    counts = story_admissions.write_admissions(b, planned)
    _summary(trace, Membership, counts["admissions"], town.path, "memberships from admissions")
    _summary(trace, Admission, counts["admissions"], town.path, "admissions 2019–today")
    _summary(trace, Confirmation, counts["confirmations"], town.path, "confirmations")
    step(f"{counts['admissions']} admissions, {counts['confirmations']} confirmations")

    official = [m for m in older if m.status == Membership.Status.OFFICIAL]
    mentors_by_unit = {}
    for membership in official:
        mentors_by_unit.setdefault(membership.unit.pk, []).append(membership.person)
    admitted_pupils = [p.person for p in planned if p.transfer]
    enrolled = pipelines.write_courses(b, courses, admitted_pupils)
    _summary(trace, Course, len(courses), town.path, f"courses, {enrolled} enrolments")
    dossiers = story_admissions.write_sources_and_dossiers(
        b, planned, mentors_by_unit, since=dt.date(2024, 1, 1)
    )
    trained = pipelines.save_sources_in_progress(
        b, nominated, courses[1][1], courses[2][1], mentors_by_unit
    )
    dossiers += pipelines.write_open_dossiers(b, trained)
    _summary(
        trace,
        Source,
        Source.objects.filter(under(town.path, "unit__path")).count(),
        town.path,
        "sources",
    )
    _summary(trace, Dossier, dossiers, town.path, "admission dossiers with their steps")
    pending = pipelines.write_pending_transfers(b, official)
    _summary(trace, Transfer, pending + story.COURSE_2023_08_ADMITTED, town.path, "transfers")
    step(f"courses, sources, {dossiers} dossiers, transfers")

    # A few transfers made through the transfer services (received, overdue, temporary,
    # arriving from outside): see demo/transfers.py.
    made = load_transfers(trace, today)
    step(f"{made} transfers through the services")

    targets = _write_targets(units)
    _summary(trace, Target, targets, town.path, "targets")
    findings = _write_findings(units)
    _summary(trace, Finding, findings, town.path, "supervision findings")
    load_conference(trace, units)
    _rebuild_rollups()
    step("targets, findings, the conference of Gò Nổi, report tallies")
    _live_through_the_reform(trace, log)
    step("the reform of 1 July 2025")
    # The dossiers and steps above went in by bulk writes: their time limits in one go.
    dues.rebuild()
    step("the dossiers' time limits")


def _build_units(trace):
    clusters, sectors, units = {}, {}, {}
    existing = {u.code: u for u in Unit.objects.filter(code__startswith=story.TOWN_CODE)}
    # Parents first, siblings in code order: each unit then takes the last place among
    # its siblings and treebeard never has to shift paths.
    rows = list(structure.units())
    level = {}
    for code, _, _, parent, _, _ in rows:
        level[code] = level[parent] + 1 if parent else 0
    rows.sort(key=lambda row: (level[row[0]], row[0]))
    for code, name, kind, parent, cluster, sector in rows:
        if code in existing:
            units[code] = existing[code]
            continue
        if cluster and cluster not in clusters:
            clusters[cluster] = org_services.cluster_get_or_create(trace=trace, name=cluster)
        if sector and sector not in sectors:
            sectors[sector] = org_services.sector_get_or_create(trace=trace, name=sector)
        units[code] = org_services.unit_create(
            trace=trace,
            parent=Unit.objects.get(pk=units[parent].pk) if parent else None,
            code=code,
            name=name,
            kind=kind,
            cluster=clusters.get(cluster),
            sector=sectors.get(sector),
            valid_from=dt.date(1975, 3, 29),
        )
    # Paths of earlier siblings shift while the tree grows: read them all back at the end.
    return {
        u.code: u
        for u in Unit.objects.filter(code__in=list(units))
        .select_related("effective_sector")
        .order_by("path")
    }


def _write_targets(units):
    rows = [
        Target(
            unit=units[story.TOWN_CODE],
            period_start=story.PERIOD_2021_2023[0],
            period_end=story.PERIOD_2021_2023[1],
            minimum=story.TARGET_2021_2023,
            resolution_ref="Kế hoạch số 45-KH/TU",
            resolution_date=dt.date(2020, 12, 28),
        ),
        Target(
            unit=units[story.TOWN_CODE],
            period_start=story.YEAR_2024[0],
            period_end=story.YEAR_2024[1],
            minimum=story.TARGET_2024,
            resolution_ref="Chỉ tiêu của Tỉnh ủy năm 2024",
            resolution_date=dt.date(2024, 1, 15),
        ),
        Target(
            unit=units[story.DIEN_PHUONG_CODE],
            period_start=story.DIEN_PHUONG_TERM[0],
            period_end=story.DIEN_PHUONG_TERM[1],
            minimum=story.DIEN_PHUONG_TERM_TARGET[0],
            stretch=story.DIEN_PHUONG_TERM_TARGET[1],
            resolution_ref=story.DIEN_PHUONG_RESOLUTION,
            resolution_date=dt.date(2020, 9, 15),
        ),
        Target(
            unit=units[story.PPT_CODE],
            period_start=story.SCHOOL_YEAR_2023_24[0],
            period_end=story.SCHOOL_YEAR_2023_24[1],
            minimum=4,
            stretch=6,
            resolution_ref="Nghị quyết Chi bộ năm học 2023–2024",
        ),
    ]
    minimum, stretch = story.DIEN_PHUONG_YEAR_TARGET
    for year in story.DIEN_PHUONG_BY_YEAR:
        rows.append(
            Target(
                unit=units[story.DIEN_PHUONG_CODE],
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                minimum=minimum,
                stretch=stretch,
                resolution_ref=story.DIEN_PHUONG_RESOLUTION,
                resolution_date=dt.date(2020, 9, 15),
            )
        )
    for suffix, _, _, areas, _ in structure.LOCALITIES:
        code = structure.locality_code(suffix)
        if code == story.DIEN_PHUONG_CODE:
            continue
        rows.append(
            Target(
                unit=units[code],
                period_start=story.YEAR_2024[0],
                period_end=story.YEAR_2024[1],
                minimum=areas + 2,
                stretch=areas + 4,
                resolution_ref="Giao chỉ tiêu năm 2024",
                resolution_date=dt.date(2024, 1, 20),
            )
        )
    Target.objects.bulk_create(rows)
    return len(rows)


def _write_findings(units):
    town = units[story.TOWN_CODE]
    rows = [
        Finding(
            unit=units[story.DIEN_PHUONG_CODE],
            by_unit=town,
            date=dt.date(2024, 12, 10),
            kind=Finding.Kind.COMMENDATION,
            findings="Vượt chỉ tiêu nghị quyết về phát triển đảng viên: 14 đảng viên mới năm 2024.",
        ),
        Finding(
            unit=units[story.PPT_CODE],
            by_unit=town,
            date=dt.date(2024, 6, 5),
            kind=Finding.Kind.COMMENDATION,
            findings="Chi bộ phối hợp tốt với Đoàn trường trong bồi dưỡng học sinh ưu tú.",
        ),
        Finding(
            unit=units[structure.locality_code("DTN")],
            by_unit=town,
            date=dt.date(2024, 9, 17),
            kind=Finding.Kind.SHORTCOMING,
            findings="Chưa rà soát danh sách quần chúng ưu tú; nguồn phát triển đảng còn ít.",
            follow_up_due=dt.date(2024, 12, 31),
            follow_up_done_on=dt.date(2024, 12, 20),
        ),
        Finding(
            unit=units[structure.locality_code("DTB")],
            by_unit=town,
            date=dt.date(2025, 4, 8),
            kind=Finding.Kind.SHORTCOMING,
            findings="Hồ sơ kết nạp chậm so với thời hạn; chưa phân công đảng viên giúp đỡ quần chúng.",
            follow_up_due=dt.date(2025, 6, 30),
        ),
    ]
    Finding.objects.bulk_create(rows)
    return len(rows)


def _rebuild_rollups():
    """Bring the reports' roll-ups up to date (the bulk variant of the announcements)."""
    rollups.rebuild()


def accounts_table():
    """[(username, password, role, unit)] of the demo accounts as they hold them now."""
    return [
        (username, story.DEMO_PASSWORD, Role(role).label, str(_unit_of_account(code)))
        for username, code, role in ACCOUNTS
    ]

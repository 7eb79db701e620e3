"""Pages and API answer alike: one matrix of write actions × roles × inside/outside scope.

Every write that exists both as a page (a form POST) and as an API route is performed by
each role of the test town on a unit inside its scope and on one outside it, once through
the page and once through the API, each on the same fresh data in its own rolled-back
savepoint. The two answers must mean the same:

    page                                      API
    the write took place (a redirect)    ↔    2xx, and the write took place
    403                                  ↔    403
    404                                  ↔    404
    the form again, with its errors      ↔    409 or 422
    404 or a form error on that field    ↔    404 naming a body field (a record the
                                              request names is not there for you)

and a refusal writes nothing. The restructuring command (`grassroots restructure …
--user U`) gives the same answer as the page. Both doors (and the command) call one
predicate next to the service (`org.services.can_create_unit`, `can_edit_unit`,
`can_restructure`, `scope.require`, `plans.services.require_superior`, …): a row that
disagrees means a door decides on its own.

Each row of ACTIONS says how to do one action through each door; PLACES are the units a
case acts on, ROLES which place is inside or outside each user's scope.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tokens import token_create
from grassroots.history.services import Trace
from grassroots.org import restructure
from grassroots.org import services as org_services
from grassroots.org.models import Unit, UnitEvent
from grassroots.people.models import Person
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Course, Source
from grassroots.plans import services as plans_services
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, INVALID = "ok", "403", "404", "invalid"
# An API 404 that names a body field: a unit or person the request names is not there
# for the caller. A page says the same with a 404 (the record is in its path) or with an
# error on the form's field.
NOT_FOUND_IN_BODY = "404 (body)"
SAME_MEANING = {NOT_FOUND_IN_BODY: {NOT_FOUND, INVALID}}

TODAY = timezone.localdate()

# The units a case acts on. `unit`: the unit the action is about; `kind`: its kind;
# `child_kind`: what may stand below it; `mover`/`to`: a unit that may move (or close) and
# where to; `person`: someone of the place; `arrival`: a member elsewhere who is sent to
# the place; `dest`: where a member of the place is sent.
PLACES = {
    "W1": dict(
        unit="W1C1",
        kind="cell",
        child_kind="group",
        mover="W1C1G1",
        to="W1C2",
        person="001090000004",
        arrival="001090000002",
        dest="W1C2",
    ),
    "W2": dict(
        unit="W2C1",
        kind="cell",
        child_kind="group",
        mover="W2C1",
        to="W1",
        person="001090000005",
        arrival="001090000004",
        dest="W1C1",
    ),
    "HS": dict(
        unit="HS",
        kind="cell",
        child_kind="group",
        mover="HS",
        to="W1",
        person="001090000002",
        arrival="001090000004",
        dest="W1C1",
    ),
    # The root: in the scope of the town's own officers, but above what they may change.
    "TOWN": dict(
        unit="TOWN",
        kind="committee",
        child_kind="cell",
        mover="TOWN",
        to="W1",
        person="001090000001",
        arrival="001090000004",
        dest="W2",
    ),
}

# Which place lies inside and which outside each user's scope (a superuser sees all).
ROLES = {
    "superuser": {"inside": "W1", "root": "TOWN"},
    "admin": {"inside": "W1", "root": "TOWN"},
    "org": {"inside": "W1", "root": "TOWN"},
    "w1_clerk": {"inside": "W1", "outside": "W2"},
    "w1_viewer": {"inside": "W1", "outside": "HS"},
    "secretary": {"inside": "HS", "outside": "W1"},
    "outsider": {"inside": "W2", "outside": "W1"},
}


@dataclass
class Row:
    """One action: how to prepare its data, call it through each door, and see it done."""

    name: str
    page: Callable  # ctx -> (url, form data): a POST
    api: Callable  # ctx -> (method, url, JSON body)
    done: Callable  # ctx -> bool: the write took place
    prepare: Callable = lambda ctx: None  # ctx -> None: records the action needs
    cli: Callable | None = None  # ctx -> argv of `grassroots restructure`
    places: tuple = field(default=("inside", "outside", "root"))
    plain: dict = field(default_factory=dict)  # answers of this row that differ from PLAIN


def _day():
    return TODAY.isoformat()


def _unit(code):
    return Unit.objects.get(code=code)


def _person(national_id):
    return Person.objects.get(national_id=national_id)


def _event_done(kind):
    return lambda ctx: UnitEvent.objects.filter(kind=kind).exists()


def _person_form(person, **changes):
    data = {
        "national_id": person.national_id,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "unit": person.unit.code if person.unit_id else "",
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "education": person.education,
        "occupation": person.occupation,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }
    return {**data, **changes}


def _prepare_ended(ctx):
    """A unit below the place that ended yesterday."""
    trace = Trace.system("matrix")
    gone = org_services.unit_create(
        trace=trace,
        parent=_unit(ctx.unit),
        code="GONE",
        name="Gone",
        kind=ctx.child_kind,
        valid_from=dt.date(2020, 1, 1),
    )
    restructure.unit_close(trace=trace, unit=gone, day=TODAY)


def _prepare_source(ctx):
    ctx.source = pipeline_services.source_nominate(
        trace=Trace.system("matrix"),
        person=_person(ctx.person),
        unit=_unit(ctx.unit),
        nominated_on=TODAY,
    )


def _prepare_member(ctx):
    make_member(ctx.town, ctx.person, ctx.unit)


def _prepare_arrival(ctx):
    """A member elsewhere sent to the place, waiting to be received there."""
    sender = _person(ctx.arrival).unit.code
    make_member(ctx.town, ctx.arrival, sender)
    ctx.transfer = issue(ctx.town, ctx.arrival, to_unit=_unit(ctx.unit), issued_on=TODAY)


def _prepare_temporary(ctx):
    """A member of the place away on a temporary transfer."""
    make_member(ctx.town, ctx.person, ctx.unit)
    ctx.transfer = issue(
        ctx.town,
        ctx.person,
        kind="temporary",
        to_unit=_unit(ctx.dest),
        issued_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=90),
    )


def _prepare_target(ctx):
    ctx.target = plans_services.target_set(
        trace=Trace.system("matrix"),
        unit=_unit(ctx.unit),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        minimum=3,
    )


TARGET_FORM = {"period_start": "2026-01-01", "period_end": "2026-12-31", "minimum": "5"}
NEW_PERSON = {
    "national_id": "001090000099",
    "full_name": "Ngô Thị Mới",
    "gender": "female",
    "birth_date": "1999-01-01",
}

ACTIONS = [
    Row(
        "create a unit below a parent",
        page=lambda c: (
            "/units/new/",
            {"parent": c.unit, "code": "NEWU", "name": "New unit", "kind": c.child_kind},
        ),
        api=lambda c: (
            "post",
            "/api/v1/units",
            {"parent_code": c.unit, "code": "NEWU", "name": "New unit", "kind": c.child_kind},
        ),
        done=lambda c: Unit.objects.filter(code="NEWU").exists(),
    ),
    Row(
        "create a root unit (no parent)",
        page=lambda c: (
            "/units/new/",
            {"code": "ROOT2", "name": "Second root", "kind": "committee"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/units",
            {"code": "ROOT2", "name": "Second root", "kind": "committee"},
        ),
        done=lambda c: Unit.objects.filter(code="ROOT2").exists(),
        places=("inside",),
    ),
    Row(
        "edit a unit",
        page=lambda c: (
            f"/units/{c.unit}/edit/",
            {"code": c.unit, "name": "Edited", "kind": c.kind},
        ),
        api=lambda c: ("patch", f"/api/v1/units/{c.unit}", {"name": "Edited"}),
        done=lambda c: _unit(c.unit).name == "Edited",
    ),
    Row(
        "move a unit",
        page=lambda c: (
            f"/units/{c.mover}/move/",
            {"parent": c.to, "day": _day(), "reference": "R/1", "confirm": "1"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/unit-events/move",
            {"unit": c.mover, "to": c.to, "date": _day(), "reference": "R/1"},
        ),
        cli=lambda c: ["move", c.mover, "--to", c.to],
        done=_event_done("move"),
    ),
    Row(
        "move a unit (API: PATCH parent_code)",
        page=lambda c: (
            f"/units/{c.mover}/move/",
            {"parent": c.to, "day": _day(), "reference": "", "confirm": "1"},
        ),
        api=lambda c: ("patch", f"/api/v1/units/{c.mover}", {"parent_code": c.to}),
        done=_event_done("move"),
    ),
    Row(
        "rename a unit",
        page=lambda c: (
            f"/units/{c.unit}/rename/",
            {"name": "Renamed", "day": _day(), "reference": "R/1", "confirm": "1"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/unit-events/rename",
            {"unit": c.unit, "name": "Renamed", "date": _day(), "reference": "R/1"},
        ),
        cli=lambda c: ["rename", c.unit, "--name", "Renamed"],
        done=_event_done("rename"),
    ),
    Row(
        "rename a unit that has ended",
        prepare=_prepare_ended,
        page=lambda c: (
            "/units/GONE/rename/",
            {"name": "Renamed", "day": _day(), "reference": "", "confirm": "1"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/unit-events/rename",
            {"unit": "GONE", "name": "Renamed", "date": _day()},
        ),
        cli=lambda c: ["rename", "GONE", "--name", "Renamed"],
        done=_event_done("rename"),
        plain={("superuser", "inside"): INVALID},
    ),
    Row(
        "merge a unit into a new one",
        page=lambda c: (
            f"/units/{c.unit}/merge/",
            {"into": "MRG", "name": "Merged", "day": _day(), "reference": "R/1", "confirm": "1"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/unit-events/merge",
            {"units": [c.unit], "into": "MRG", "name": "Merged", "date": _day()},
        ),
        cli=lambda c: ["merge", c.unit, "--into", "MRG", "--name", "Merged"],
        done=lambda c: Unit.objects.filter(code="MRG").exists(),
    ),
    Row(
        "split a unit",
        page=lambda c: (
            f"/units/{c.unit}/split/",
            {"units": "SPA,Split A\nSPB,Split B", "day": _day(), "reference": "", "confirm": "1"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/unit-events/split",
            {
                "unit": c.unit,
                "into": [{"code": "SPA", "name": "Split A"}, {"code": "SPB", "name": "Split B"}],
                "date": _day(),
            },
        ),
        cli=lambda c: ["split", c.unit, "--into", "SPA,SPB", "--names", "Split A,Split B"],
        done=lambda c: Unit.objects.filter(code="SPA").exists(),
    ),
    Row(
        "close a unit",
        page=lambda c: (
            f"/units/{c.mover}/close/",
            {"day": _day(), "reference": "", "confirm": "1"},
        ),
        api=lambda c: ("post", "/api/v1/unit-events/close", {"unit": c.mover, "date": _day()}),
        cli=lambda c: ["close", c.mover],
        done=_event_done("close"),
    ),
    Row(
        "register a person",
        page=lambda c: ("/people/new/", {**NEW_PERSON, "unit": c.unit}),
        api=lambda c: ("post", "/api/v1/people", {**NEW_PERSON, "unit": c.unit}),
        done=lambda c: Person.objects.filter(national_id=NEW_PERSON["national_id"]).exists(),
    ),
    Row(
        "change a person",
        page=lambda c: (
            f"/people/{c.person}/edit/",
            _person_form(_person(c.person), full_name="Tên Đã Đổi"),
        ),
        api=lambda c: ("patch", f"/api/v1/people/{c.person}", {"full_name": "Tên Đã Đổi"}),
        done=lambda c: _person(c.person).full_name == "Tên Đã Đổi",
    ),
    Row(
        "nominate a source",
        page=lambda c: (
            "/pipeline/sources/new/",
            {"person": c.person, "unit": c.unit, "nominated_on": _day(), "category": "worker"},
        ),
        api=lambda c: (
            "post",
            "/api/v1/sources",
            {"person": c.person, "unit": c.unit, "nominated_on": _day(), "category": "worker"},
        ),
        done=lambda c: Source.objects.filter(person__national_id=c.person).exists(),
    ),
    Row(
        "change a source",
        prepare=_prepare_source,
        page=lambda c: (
            f"/pipeline/sources/{c.source.pk}/",
            {"category": "worker", "mentor": "", "note": "Noted"},
        ),
        api=lambda c: ("patch", f"/api/v1/sources/{c.source.pk}", {"note": "Noted"}),
        done=lambda c: Source.objects.get(pk=c.source.pk).note == "Noted",
    ),
    Row(
        "open a course",
        page=lambda c: (
            "/pipeline/courses/new/",
            {
                "code": "C-NEW",
                "organizer": c.unit,
                "title": "Awareness",
                "start_date": _day(),
                "end_date": _day(),
            },
        ),
        api=lambda c: (
            "post",
            "/api/v1/courses",
            {
                "code": "C-NEW",
                "organizer": c.unit,
                "title": "Awareness",
                "start_date": _day(),
                "end_date": _day(),
            },
        ),
        done=lambda c: Course.objects.filter(code="C-NEW").exists(),
    ),
    Row(
        "issue a transfer",
        prepare=_prepare_member,
        page=lambda c: (
            f"/transfers/new/?person={c.person}",
            {"kind": "official", "issued_on": _day(), "to_unit": c.dest},
        ),
        api=lambda c: (
            "post",
            "/api/v1/transfers",
            {"person": c.person, "kind": "official", "issued_on": _day(), "to_unit": c.dest},
        ),
        done=lambda c: Transfer.objects.filter(person__national_id=c.person).exists(),
    ),
    Row(
        "receive a transfer",
        prepare=_prepare_arrival,
        page=lambda c: (f"/transfers/{c.transfer.pk}/receive/", {"arrived_on": _day()}),
        api=lambda c: (
            "post",
            f"/api/v1/transfers/{c.transfer.pk}/receive",
            {"arrived_on": _day()},
        ),
        done=lambda c: Transfer.objects.get(pk=c.transfer.pk).status == "received",
    ),
    Row(
        "end a temporary transfer",
        prepare=_prepare_temporary,
        page=lambda c: (
            f"/transfers/{c.transfer.pk}/end/",
            {"ended_on": _day(), "outcome": "returned", "reason": ""},
        ),
        api=lambda c: (
            "post",
            f"/api/v1/transfers/{c.transfer.pk}/end",
            {"ended_on": _day(), "outcome": "returned"},
        ),
        done=lambda c: Transfer.objects.get(pk=c.transfer.pk).status == "returned",
    ),
    Row(
        "set a target",
        page=lambda c: ("/plans/targets/new/", {**TARGET_FORM, "unit": c.unit}),
        api=lambda c: (
            "post",
            "/api/v1/targets",
            {
                "unit": c.unit,
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "minimum": 5,
            },
        ),
        done=lambda c: Target.objects.filter(unit__code=c.unit).exists(),
    ),
    Row(
        "change a target",
        prepare=_prepare_target,
        page=lambda c: (f"/plans/targets/{c.target.pk}/", TARGET_FORM),
        api=lambda c: ("patch", f"/api/v1/targets/{c.target.pk}", {"minimum": 5}),
        done=lambda c: Target.objects.get(pk=c.target.pk).minimum == 5,
    ),
]

# Where the rules are plain, the answer itself is checked too (not only that the doors
# agree): a superuser may do everything in the ward, a viewer nothing.
PLAIN = {("superuser", "inside"): OK, ("w1_viewer", "inside"): FORBIDDEN}

CASES = [
    pytest.param(row, username, where, id=f"{row.name}-{username}-{where}")
    for row in ACTIONS
    for username, places in ROLES.items()
    for where in places
    if where in row.places
]


# --- the doors -------------------------------------------------------------------------------


def page_answer(response, done):
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code in (200, 302), response.status_code
    return OK if done else INVALID


def api_answer(response, done):
    status = response.status_code
    if status in (200, 201):
        return OK
    assert status in (403, 404, 409, 422), (status, response.content)
    if status == 404:
        loc = response.json()["detail"][0]["loc"]
        return NOT_FOUND_IN_BODY if loc[:1] == ["body"] else NOT_FOUND
    return FORBIDDEN if status == 403 else INVALID


def cli_answer(argv, user):
    """The command refuses with a CommandError raised from what refused it."""
    try:
        call_command(
            "restructure",
            *argv,
            "--date",
            _day(),
            "--user",
            user.username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    except CommandError as exc:
        if isinstance(exc.__cause__, PermissionDenied):
            return FORBIDDEN
        if isinstance(exc.__cause__, Http404):
            return NOT_FOUND
        assert isinstance(exc.__cause__, ValidationError), exc
        return INVALID
    return OK


def agree(page, other):
    return page == other or page in SAME_MEANING.get(other, ())


@pytest.fixture
def users(town):
    superuser = get_user_model().objects.create_superuser("matrix_root", password="demo")
    return {**town.users, "superuser": superuser}


def _context(town, place):
    return SimpleNamespace(town=town, **PLACES[place])


def _through(town, user, row, place, door):
    """Run one door on fresh data in a savepoint that is rolled back; its answer."""
    with transaction.atomic():
        ctx = _context(town, place)
        row.prepare(ctx)
        answer = door(ctx)
        transaction.set_rollback(True)
    return answer


def _page(user, row):
    def door(ctx):
        client = Client()
        client.force_login(user)
        url, data = row.page(ctx)
        response = client.post(url, data)
        finished = row.done(ctx)
        answer = page_answer(response, finished)
        assert finished == (answer == OK), (answer, finished)
        return answer

    return door


def _api(user, row):
    def door(ctx):
        _token, plaintext = token_create(user, "matrix")
        client = Client(headers={"Authorization": f"Bearer {plaintext}"})
        method, url, body = row.api(ctx)
        response = getattr(client, method)(url, body, content_type="application/json")
        finished = row.done(ctx)
        answer = api_answer(response, finished)
        assert finished == (answer == OK), (answer, finished, response.content)
        return answer

    return door


def _cli(user, row):
    def door(ctx):
        answer = cli_answer(row.cli(ctx), user)
        assert row.done(ctx) == (answer == OK), answer
        return answer

    return door


@pytest.mark.parametrize(("row", "username", "where"), CASES)
def test_page_and_api_give_the_same_answer(town, users, row, username, where):
    user, place = users[username], ROLES[username][where]
    page = _through(town, user, row, place, _page(user, row))
    api = _through(town, user, row, place, _api(user, row))
    assert agree(page, api), f"page: {page}, API: {api}"
    expected = {**PLAIN, **row.plain}.get((username, where))
    if expected is not None:
        assert page == expected
    if row.cli is not None:
        cli = _through(town, user, row, place, _cli(user, row))
        assert agree(page, cli), f"page: {page}, command: {cli}"


def test_the_organisation_committee_cannot_create_a_second_root(town, users):
    """The bug of issue 10: `POST /api/v1/units` without a parent, sent by the organisation
    committee, created a second root (and answered 404). Both doors now refuse it alike."""
    roots = list(Unit.get_root_nodes().values_list("code", flat=True))
    body = {"code": "ROOT2", "name": "Second root", "kind": "committee"}
    org = users["org"]
    _token, plaintext = token_create(org, "matrix")
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert api.post("/api/v1/units", body, content_type="application/json").status_code == 403
    page = Client()
    page.force_login(org)
    assert page.post("/units/new/", {**body, "parent": ""}).status_code == 403
    assert list(Unit.get_root_nodes().values_list("code", flat=True)) == roots
    below = {**body, "parent_code": "TOWN"}
    assert api.post("/api/v1/units", below, content_type="application/json").status_code == 201

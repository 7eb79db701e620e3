"""One validation for every door: the page, the API and the importer accept and refuse the
same values, field by field, for every write route of the API.

For each route a valid base request is sent through each door that has the field, with
one field replaced by a probe: at and over the model's length, control characters, line
breaks, patterns (national ID, e-mail, month), vocabularies, bounds, dates, references.
Each door's answer is "accepted", "refused on that field" or something else; every door
must give the probe's expected answer. The probes are built from the model fields, the
one place that declares the limits. Each attempt runs in a savepoint that is rolled back.

Values are written without spaces around them: the pages and the importer trim those
before checking, the API checks a value as sent (docs/api.md).
"""

import csv
import dataclasses
import datetime as dt
import json

import pytest
from django.db import transaction
from django.test import Client

from grassroots.accounts.tokens import token_create
from grassroots.exchange.importer import run_import
from grassroots.history.services import Trace
from grassroots.inputs import is_multiline
from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Course, Source
from grassroots.plans import services as plans_services
from grassroots.plans.models import MAX_COUNT, Target
from grassroots.transfers import services as transfer_services
from grassroots.transfers.models import Transfer

OK, REFUSED = "accepted", "refused"
D = dt.date


@dataclasses.dataclass(frozen=True)
class Probe:
    label: str
    value: object
    expected: str


def text_probes(model, name):
    """Length, characters and line breaks, from the model field's declaration."""
    field = model._meta.get_field(name)
    n = field.max_length
    if n:
        probes = [
            Probe("at the limit", "A" + "b" * (n - 1), OK),
            Probe("one over", "A" + "b" * n, REFUSED),
        ]
    else:
        probes = [Probe("a long text", "A" + "b" * 5000, OK)]
    return probes + [
        Probe("Vietnamese", "Đặng Hữu Tú", OK),
        Probe("right-to-left override", "Ab\u202ecd", REFUSED),
        Probe("bell", "Ab\x07cd", REFUSED),
        Probe("tab", "Ab\tcd", REFUSED),
        Probe("line break", "Ab\ncd", OK if is_multiline(field) else REFUSED),
    ]


def code_probes(model):
    """A code is part of a web address (`/units/<code>/`): no "/", and not only dots."""
    return text_probes(model, "code") + [
        Probe("a slash", "K1/2026", REFUSED),
        Probe("dots only", "..", REFUSED),
        Probe("a dot inside", "K1.2026", OK),
    ]


def choice_probes(model, name, other):
    values = [value for value, _label in model._meta.get_field(name).flatchoices if value]
    assert other in values
    return [Probe("another value", other, OK), Probe("an unknown value", "robot", REFUSED)]


def unit_probes(other):
    return [
        Probe("another unit", other, OK),
        Probe("an unknown unit", "NOSUCH", REFUSED),
        Probe("longer than a code", "U" * 41, REFUSED),
        Probe("a control character", "W\u202e1", REFUSED),
    ]


def date_probes():
    return [Probe("30 February", "2024-02-30", REFUSED), Probe("not a date", "soon", REFUSED)]


def count_probes(*, low=0):
    return [
        Probe("the lowest", low, OK),
        Probe("the highest", MAX_COUNT, OK),
        Probe("above the highest", MAX_COUNT + 1, REFUSED),
        Probe("negative", -1, REFUSED),
    ]


SHARE_PROBES = [
    Probe("a share", "45.5", OK),
    Probe("all", "100", OK),
    Probe("over 100", "100.1", REFUSED),
    Probe("two decimals", "45.55", REFUSED),
    Probe("negative", "-1", REFUSED),
]
NATIONAL_ID_PROBES = [
    Probe("letters and digits", "AB12cd34", OK),
    Probe("twenty", "1" * 20, OK),
    Probe("twenty-one", "1" * 21, REFUSED),
    Probe("a hyphen", "AB-12", REFUSED),
    Probe("a control character", "AB\u202e12", REFUSED),
]


def _email(length):
    local = "lan.nguyen"
    labels = []
    remaining = length - len(local) - 1 - len(".org")
    while remaining > 0:
        label = "d" * min(60, remaining)
        labels.append(label)
        remaining -= len(label) + 1
    domain = ".".join(labels)
    address = f"{local}@{domain}.org"
    return (
        address[: length - 4 - 1] + "x@" + address[-(4 + 1) :] if len(address) > length else address
    )


EMAIL_PROBES = [
    Probe("an address", "lan.nguyen@example.org", OK),
    Probe("254 characters", _email(254), OK),
    Probe("255 characters", _email(254)[:-4] + "x.org", REFUSED),
    Probe("a host without a domain", "lan@localhost", REFUSED),
    Probe("not an address", "Lan Nguyen", REFUSED),
    Probe("a control character", "l\u202ean@example.org", REFUSED),
]
MONTH_PROBES = [
    Probe("a month", "2025-02", OK),
    Probe("month 13", "2025-13", REFUSED),
    Probe("a word", "March", REFUSED),
]


@dataclasses.dataclass
class FieldDoors:
    api: str
    page: str | None
    column: str | None
    probes: list


@dataclasses.dataclass
class WriteRoute:
    name: str
    api_method: str
    api_url: str
    api_body: dict
    page_url: str | None
    page_data: dict
    import_file: str | None
    import_row: dict
    fields: list
    page_form: str = "form"


def F(api, page, column, probes):
    return FieldDoors(api, page, column, probes)


def routes(records):
    """Every write route of the API with its page and import counterparts."""
    person = {
        "national_id": "079000000001",
        "full_name": "Hồ Văn Nam",
        "gender": "male",
        "birth_date": "1990-01-01",
    }
    # (field, its import column: the people file has no phone or address)
    person_texts = [
        ("full_name", "full_name"),
        ("ethnicity", "ethnicity"),
        ("religion", "religion"),
        ("job_title", "job_title"),
        ("phone", None),
        ("address", None),
    ]
    existing = {
        "national_id": "001090000001",
        "full_name": "Đặng Hữu Tú",
        "gender": "male",
        "birth_date": "1975-04-02",
        "education": "university",
    }
    target_page = {
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "minimum": 2,
        "stretch": "",
        "women_share": "",
        "university_share": "",
        "student_share": "",
        "non_state_worker_share": "",
        "resolution_ref": "",
        "resolution_date": "",
    }
    target_fields = [
        F("minimum", "minimum", "minimum", count_probes()),
        F("stretch", "stretch", "stretch", count_probes(low=3)),
        *(F(share, share, None, SHARE_PROBES) for share in ("women_share", "student_share")),
        F("resolution_ref", "resolution_ref", None, text_probes(Target, "resolution_ref")),
        F("period_end", "period_end", "period_end", date_probes()),
    ]
    return [
        WriteRoute(
            "POST /api/v1/units",
            "post",
            "/api/v1/units",
            {"code": "NEWU", "name": "New unit", "kind": "cell", "parent_code": "W1"},
            "/units/new/",
            {"parent": "W1", "code": "NEWU", "name": "New unit", "kind": "cell"},
            "units",
            {"code": "NEWU", "name": "New unit", "kind": "cell", "parent_code": "W1"},
            [
                F("code", "code", "code", code_probes(Unit)),
                F("name", "name", "name", text_probes(Unit, "name")),
                F("kind", "kind", "kind", choice_probes(Unit, "kind", "committee")),
                F("parent_code", "parent", "parent_code", unit_probes("W2")),
                F("valid_to", "valid_to", None, date_probes()),
            ],
        ),
        WriteRoute(
            "PATCH /api/v1/units/{code}",
            "patch",
            "/api/v1/units/W1C2",
            {},
            "/units/W1C2/edit/",
            {"code": "W1C2", "name": "Residential area 2", "kind": "cell"},
            "units",
            {"code": "W1C2", "name": "Residential area 2", "kind": "cell", "parent_code": "W1"},
            [
                F("name", "name", "name", text_probes(Unit, "name")),
                F("kind", "kind", "kind", choice_probes(Unit, "kind", "committee")),
            ],
        ),
        WriteRoute(
            "POST /api/v1/people",
            "post",
            "/api/v1/people",
            {**person, "unit": "W1"},
            "/people/new/",
            {**person, "unit": "W1"},
            "people",
            {**person, "unit_code": "W1"},
            [
                F("national_id", "national_id", "national_id", NATIONAL_ID_PROBES),
                *(
                    F(name, name, column, text_probes(Person, name))
                    for name, column in person_texts
                ),
                F("gender", "gender", "gender", choice_probes(Person, "gender", "female")),
                F(
                    "education",
                    "education",
                    "education",
                    choice_probes(Person, "education", "master"),
                ),
                F("email", "email", None, EMAIL_PROBES),
                F("birth_date", "birth_date", "birth_date", date_probes()),
                F("unit", "unit", "unit_code", unit_probes("W1C1")),
            ],
        ),
        WriteRoute(
            "PATCH /api/v1/people/{national_id}",
            "patch",
            "/api/v1/people/001090000001",
            {},
            "/people/001090000001/edit/",
            {**existing, "unit": "W1"},
            "people",
            {**existing, "unit_code": "W1"},
            [
                *(
                    F(name, name, column, text_probes(Person, name))
                    for name, column in person_texts
                ),
                F("email", "email", None, EMAIL_PROBES),
                F("gender", "gender", "gender", choice_probes(Person, "gender", "female")),
            ],
        ),
        WriteRoute(
            "POST /api/v1/sources",
            "post",
            "/api/v1/sources",
            {"person": "001090000003", "unit": "HS", "nominated_on": "2025-01-06"},
            "/pipeline/sources/new/",
            {
                "person": "001090000003",
                "unit": "HS",
                "nominated_on": "2025-01-06",
                "category": "other",
            },
            "sources",
            {"national_id": "001090000003", "unit_code": "HS", "nominated_on": "2025-01-06"},
            [
                F(
                    "nominated_by",
                    "nominated_by",
                    "nominated_by",
                    text_probes(Source, "nominated_by"),
                ),
                F("note", "note", "note", text_probes(Source, "note")),
                F("category", "category", None, choice_probes(Source, "category", "teacher")),
                F("nominated_on", "nominated_on", "nominated_on", date_probes()),
                F(
                    "person",
                    "person",
                    "national_id",
                    [
                        Probe("unknown", "079999999999", REFUSED),
                        Probe("not an ID", "AB-1", REFUSED),
                    ],
                ),
            ],
        ),
        WriteRoute(
            "PATCH /api/v1/sources/{source_id}",
            "patch",
            f"/api/v1/sources/{records['source'].pk}",
            {},
            f"/pipeline/sources/{records['source'].pk}/",
            {"category": "other"},
            "sources",
            {"national_id": "001090000002", "unit_code": "HS", "nominated_on": "2024-09-05"},
            [
                F("note", "note", "note", text_probes(Source, "note")),
                F("nominated_by", None, "nominated_by", text_probes(Source, "nominated_by")),
                F("category", "category", None, choice_probes(Source, "category", "student")),
            ],
        ),
        WriteRoute(
            "POST /api/v1/courses",
            "post",
            "/api/v1/courses",
            {
                "code": "C-NEW",
                "organizer": "TOWN",
                "title": "Course",
                "start_date": "2025-03-03",
                "end_date": "2025-03-07",
            },
            "/pipeline/courses/new/",
            {
                "code": "C-NEW",
                "organizer": "TOWN",
                "title": "Course",
                "start_date": "2025-03-03",
                "end_date": "2025-03-07",
            },
            "courses",
            {
                "code": "C-NEW",
                "organizer_unit_code": "TOWN",
                "title": "Course",
                "start_date": "2025-03-03",
                "end_date": "2025-03-07",
            },
            [
                F("code", "code", "code", code_probes(Course)),
                F("title", "title", "title", text_probes(Course, "title")),
                F("place", "place", None, text_probes(Course, "place")),
                F("organizer", "organizer", "organizer_unit_code", unit_probes("W1")),
                F("end_date", "end_date", "end_date", date_probes()),
            ],
        ),
        WriteRoute(
            "POST /api/v1/transfers (in the system)",
            "post",
            "/api/v1/transfers",
            {
                "person": "001090000004",
                "kind": "official",
                "issued_on": "2025-03-03",
                "to_unit": "W2C1",
            },
            "/transfers/new/?person=001090000004",
            {"kind": "official", "issued_on": "2025-03-03", "to_unit": "W2C1"},
            "transfers",
            {
                "national_id": "001090000004",
                "kind": "official",
                "issued_on": "2025-03-03",
                "to_unit_code": "W2C1",
            },
            [
                F("kind", "kind", "kind", choice_probes(Transfer, "kind", "temporary")),
                F("letter_no", "letter_no", None, text_probes(Transfer, "letter_no")),
                F("dues_paid_until", "dues_paid_until", None, MONTH_PROBES),
                F("note", "note", None, text_probes(Transfer, "note")),
                F("to_unit", "to_unit", "to_unit_code", unit_probes("HS")),
                F("issued_on", "issued_on", "issued_on", date_probes()),
            ],
        ),
        WriteRoute(
            "POST /api/v1/transfers (out of the system)",
            "post",
            "/api/v1/transfers",
            {
                "person": "001090000004",
                "kind": "official",
                "issued_on": "2025-03-03",
                "destination": "Hà Nội",
                "destination_type": "university",
            },
            "/transfers/new/?person=001090000004",
            {
                "kind": "official",
                "issued_on": "2025-03-03",
                "destination": "Hà Nội",
                "destination_type": "university",
            },
            "transfers",
            {
                "national_id": "001090000004",
                "kind": "official",
                "issued_on": "2025-03-03",
                "destination": "Hà Nội",
                "destination_type": "university",
            },
            [
                F(
                    "destination",
                    "destination",
                    "destination",
                    text_probes(Transfer, "destination"),
                ),
                F(
                    "destination_type",
                    "destination_type",
                    "destination_type",
                    choice_probes(Transfer, "destination_type", "abroad"),
                ),
            ],
        ),
        WriteRoute(
            "POST /api/v1/transfers/{transfer_id}/receive",
            "post",
            f"/api/v1/transfers/{records['transfer'].pk}/receive",
            {"arrived_on": "2025-02-10"},
            f"/transfers/{records['transfer'].pk}/receive/",
            {"arrived_on": "2025-02-10"},
            None,
            {},
            [F("arrived_on", "arrived_on", None, date_probes())],
            page_form="receive_form",
        ),
        WriteRoute(
            "POST /api/v1/targets",
            "post",
            "/api/v1/targets",
            {
                "unit": "W1C1",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "minimum": 2,
            },
            "/plans/targets/new/",
            {"unit": "W1C1", **target_page},
            "targets",
            {
                "unit_code": "W1C1",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "minimum": 2,
            },
            [*target_fields, F("unit", "unit", "unit_code", unit_probes("W1C2"))],
        ),
        WriteRoute(
            "PATCH /api/v1/targets/{target_id}",
            "patch",
            f"/api/v1/targets/{records['target'].pk}",
            {},
            f"/plans/targets/{records['target'].pk}/",
            {**target_page, "period_start": "2025-01-01", "period_end": "2025-12-31", "minimum": 3},
            "targets",
            {
                "unit_code": "HS",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "minimum": 3,
            },
            [field for field in target_fields if field.api != "period_end"],
        ),
    ]


@pytest.fixture
def records(town):
    trace = Trace.system("doors")
    source = pipeline_services.source_nominate(
        trace=trace,
        person=town.people["001090000002"],
        unit=town.unit("HS"),
        nominated_on=D(2024, 9, 5),
    )
    Membership.objects.create(
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        status=Membership.Status.OFFICIAL,
        admitted_on=D(2015, 1, 5),
    )
    Membership.objects.create(
        person=town.people["001090000005"],
        unit=town.unit("W2C1"),
        status=Membership.Status.OFFICIAL,
        admitted_on=D(2015, 1, 5),
    )
    transfer = transfer_services.transfer_issue(
        trace=trace,
        person=town.people["001090000005"],
        kind="official",
        issued_on=D(2025, 2, 3),
        to_unit=town.unit("HS"),
    )
    target = plans_services.target_set(
        trace=trace,
        unit=town.unit("HS"),
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        minimum=3,
    )
    return {"source": source, "transfer": transfer, "target": target}


@pytest.fixture
def doors(town, tmp_path):
    """Send one request through a door, in a savepoint that is rolled back."""
    admin = town.user("admin")
    _token, plaintext = token_create(admin, "doors")
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    page = Client()
    page.force_login(admin)

    def attempt(door, route, field, value):
        with transaction.atomic():
            if door == "api":
                outcome = _api(api, route, field, value)
            elif door == "page":
                outcome = _page(page, route, field, value)
            else:
                outcome = _import(tmp_path, route, field, value)
            transaction.set_rollback(True)
        return outcome

    return attempt


def _api(client, route, field, value):
    body = {**route.api_body, field.api: value}
    response = getattr(client, route.api_method)(
        route.api_url, json.dumps(body), content_type="application/json"
    )
    if response.status_code < 300:
        return OK
    named = [error["loc"] for error in response.json()["detail"]]
    if 400 <= response.status_code < 500 and ["body", field.api] in named:
        return REFUSED
    return f"other: {response.status_code} {response.content[:200]!r}"


def _page(client, route, field, value):
    response = client.post(route.page_url, {**route.page_data, field.page: value})
    if response.status_code == 302:
        return OK
    form = response.context[route.page_form] if response.context else None
    if form is not None and field.page in form.errors:
        return REFUSED
    errors = dict(form.errors) if form is not None else None
    return f"other: {response.status_code} {errors}"


def _import(tmp_path, route, field, value):
    folder = tmp_path / "doors"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    row = {**route.import_row, field.column: value}
    with open(folder / f"{route.import_file}.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow({key: "" if item is None else str(item) for key, item in row.items()})
    result = run_import(folder, dry_run=True)
    if not result.problems:
        return OK
    if any(problem.column == field.column for problem in result.problems):
        return REFUSED
    return "other: " + "; ".join(str(problem) for problem in result.problems)


def _cases():
    # The routes' ids need no database: build them with placeholder records.
    placeholders = {
        name: type("Record", (), {"pk": 0})() for name in ("source", "transfer", "target")
    }
    for route in routes(placeholders):
        yield pytest.param(route.name, id=route.name)


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", list(_cases()))
def test_every_door_accepts_and_refuses_the_same_values(records, doors, route_name):
    [route] = [r for r in routes(records) if r.name == route_name]
    disagreements = []
    for field in route.fields:
        for probe in field.probes:
            outcomes = {"api": doors("api", route, field, probe.value)}
            if field.page:
                outcomes["page"] = doors("page", route, field, probe.value)
            if field.column and route.import_file:
                outcomes["importer"] = doors("importer", route, field, probe.value)
            wrong = {door: got for door, got in outcomes.items() if got != probe.expected}
            if wrong:
                disagreements.append(
                    f"{field.api} {probe.label} (expected {probe.expected}): {wrong}"
                )
    assert not disagreements, "\n".join(disagreements)

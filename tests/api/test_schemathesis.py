"""The API keeps its schema's promises: schemathesis, every check on, 0 failures.

Schemathesis reads /api/v1/openapi.json and runs all its phases (examples, coverage,
fuzzing, stateful) with every check it has (not only "no server error": status codes
and bodies as documented, schema-valid requests accepted, invalid ones refused, auth
not ignored, ...) against a small demo data set, in-process, on the test's database.

Schemathesis calls the app from its own worker threads; those threads use this test's
database connection (inside its transaction), so nothing it writes outlives the test.
Each request runs in a savepoint, so that a failing one cannot break the next.

The run is bounded (`MAX_EXAMPLES` per operation and phase, a fixed seed unless
`GRASSROOTS_SCHEMATHESIS_SEED` is set) and prints its figures: cases, checks, failures.
"""

import datetime as dt
import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connections, transaction
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from grassroots import announcements
from grassroots.conferences import services as conference_services
from grassroots.history.services import Trace
from grassroots.people.models import Membership
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Admission
from grassroots.plans import services as plans_services
from grassroots.transfers import services as transfer_services

MAX_EXAMPLES = int(os.environ.get("GRASSROOTS_SCHEMATHESIS_EXAMPLES", "6"))
SEED = int(os.environ.get("GRASSROOTS_SCHEMATHESIS_SEED", "20261206"))
D = dt.date


@pytest.fixture
def demo_records(town):
    """A source, a course, two members (one of them on the move), targets."""
    trace = Trace.system("schemathesis demo")
    people = town.people
    pipeline_services.source_nominate(
        trace=trace, person=people["001090000002"], unit=town.unit("HS"), nominated_on=D(2024, 9, 5)
    )
    pipeline_services.course_create(
        trace=trace,
        code="HS-2024",
        organizer=town.unit("HS"),
        title="Awareness course",
        start_date=D(2024, 3, 4),
        end_date=D(2024, 3, 8),
    )
    for national_id, unit in (("001090000004", "W1C1"), ("001090000005", "W2C1")):
        membership = Membership.objects.create(
            person=people[national_id],
            unit=town.unit(unit),
            status=Membership.Status.OFFICIAL,
            admitted_on=D(2015, 1, 5),
        )
        admission = Admission.objects.create(
            person=people[national_id],
            unit=town.unit(unit),
            decision_date=D(2015, 1, 5),
            membership=membership,
        )
        # Counted in the report roll-ups as the services and the importer do.
        announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)
    transfer_services.transfer_issue(
        trace=trace,
        person=people["001090000004"],
        kind="official",
        issued_on=D(2025, 3, 3),
        to_unit=town.unit("W2C1"),
    )
    for code, minimum in (("HS", 3), ("W1", 5)):
        plans_services.target_set(
            trace=trace,
            unit=town.unit(code),
            period_start=D(2025, 1, 1),
            period_end=D(2025, 12, 31),
            minimum=minimum,
        )
    # A conference of the town with a conclusion, a task and a commendation.
    conference = conference_services.conference_create(
        trace=trace,
        committee=town.unit("TOWN"),
        title="Gò Nổi conference",
        date=D(2025, 1, 15),
        period_from=D(2024, 1, 1),
        period_to=D(2024, 12, 31),
        units=[town.unit("W1"), town.unit("HS")],
    )
    conference_services.conclusion_add(
        trace=trace,
        conference=conference,
        text="Nominate sources.",
        tasks=[
            {"unit": town.unit("HS"), "role": "secretary", "action": "Nominate two sources",
             "due_on": D(2025, 3, 31)}
        ],
    )  # fmt: skip
    conference_services.recognition_record(
        trace=trace, conference=conference, kind="commend", unit=town.unit("HS"),
        date=D(2025, 1, 15), text="Twelve sources.",
    )  # fmt: skip


@pytest.fixture
def app_on_this_connection():
    """Django's WSGI app, answering on the test's own connection from any thread, each
    request in a savepoint (a failed one is rolled back and cannot break the next)."""
    django_app = get_wsgi_application()
    connection = connections["default"]

    def app(environ, start_response):
        connections["default"] = connection
        with transaction.atomic():
            return django_app(environ, start_response)

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    connection.inc_thread_sharing()
    try:
        yield app
    finally:
        connection.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def in_process_transport(monkeypatch):
    """Schemathesis' in-process transport passes socket settings (`max_redirects`, ...) to
    werkzeug, which refuses them, when a check replays a request without a session: they
    mean nothing in-process, so drop them."""
    send = WSGITransport.send

    def send_in_process(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send_in_process)


# Half of the generated codes, national IDs and dates are drawn from the demo data, so
# that requests get past "not found" into the services' rules as often as not.
DICTIONARIES = {
    "units": ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2", "W2", "W2C1", "HS"],
    "codes": ["TOWN", "W1", "W1C1", "W2C1", "HS", "HS-2024"],
    "people": [f"00109000000{n}" for n in range(1, 7)],
    "days": ["2015-01-05", "2024-09-05", "2025-01-06", "2025-03-03", "2025-03-10"],
}
DRAWN = {
    "units": ["body.unit", "body.parent_code", "body.organizer", "body.to_unit", "query.unit"],
    "codes": ["path.code"],
    "people": ["body.person", "body.mentor", "path.national_id"],
    "days": ["body.nominated_on", "body.issued_on", "body.arrived_on", "body.start_date"],
}


def run_schemathesis(app, headers):
    """Every phase and every check; returns the figures and the failures found."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "workers": 1,
            "checks": {"enabled": True},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"max-steps": 6}},
            "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
            "parameters": {
                key: {"dictionary": name, "probability": 0.5}
                for name, keys in DRAWN.items()
                for key in keys
            },
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    figures = {"operations": 0, "cases": 0, "checks": 0, "failures": 0, "errors": 0}
    phases, check_names, statuses = Counter(), Counter(), Counter()
    failures = []
    started, cpu_started = time.monotonic(), time.process_time()
    operations = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            operations.add(recorder.label)
            phases[event.phase.value] += len(recorder.cases)
            figures["cases"] += len(recorder.cases)
            for interaction in recorder.interactions.values():
                if interaction.response is not None:
                    statuses[interaction.response.status_code] += 1
            for checks in recorder.checks.values():
                figures["checks"] += len(checks)
                for check in checks:
                    check_names[check.name] += 1
                    if check.status == Status.FAILURE:
                        figures["failures"] += 1
                        info = check.failure_info
                        failures.append(
                            f"{recorder.label}: {check.name}: {info.failure.title}: "
                            f"{info.failure.message}\n{info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            figures["errors"] += 1
            failures.append(f"{event.label}: {event.info}")
        elif isinstance(event, events.FatalError):
            figures["errors"] += 1
            failures.append(f"fatal: {event.exception!r}")
    figures["operations"] = len(operations)
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["cpu_seconds"] = round(time.process_time() - cpu_started, 1)
    figures["cases_by_phase"] = dict(phases)
    figures["checks_by_name"] = dict(check_names)
    figures["statuses"] = dict(sorted(statuses.items()))
    return figures, failures


@pytest.mark.django_db
def test_schemathesis_with_every_check_finds_nothing(
    demo_records, api_for, app_on_this_connection, in_process_transport
):
    api = api_for("admin")
    figures, failures = run_schemathesis(app_on_this_connection, api.headers)
    print(f"schemathesis: {figures}")
    assert not failures, "\n\n".join(failures[:10])
    # It really ran: every operation, every phase, the checks beyond "no server error",
    # and requests got through (the token worked, records were created and changed).
    assert figures["operations"] >= 27
    assert figures["cases"] > 1000
    assert {"coverage", "fuzzing", "stateful"} <= set(figures["cases_by_phase"])
    assert set(figures["checks_by_name"]) >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "ignored_auth",
    }
    assert {200, 201, 401, 404, 405, 409, 422} <= set(figures["statuses"])

"""Every page, export and API route that shows a national ID writes an access record.

The walk takes every GET route of the route tables (tests/**/routes.py, the same tables the
every-URL test reads), fills the register so that lists have something to show (a source
with a mentor, a dossier, members, a transfer, an admission), requests the route as its
allowed user (API routes with that user's token) and looks for the national IDs of the
register in what comes back: HTML, JSON, CSV, and the text inside Excel workbooks and zip
files. A response that shows a national ID must have written `history.Access` rows in that
request: a row naming each person shown, or an export row. `SHOWS_NATIONAL_IDS` lists the
routes that must show one, so a walk that stopped finding anything would fail too.
"""

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.db.models import Max
from django.urls import reverse

from grassroots.accounts import tokens
from grassroots.history.models import Access
from grassroots.history.services import Trace
from grassroots.people.models import Person
from grassroots.pipeline import services
from grassroots.pipeline.models import Admission
from tests.pipeline.walk import open_dossier
from tests.security.test_every_url import ROUTES
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db

GET_ROUTES = [r for r in ROUTES if r.method == "get" and not r.public and r.allowed_user]
NATIONAL_ID = re.compile(rb"(?<![0-9])([0-9]{12})(?![0-9])")

# Routes that show national IDs with the register filled as below: the walk must find
# them there (and then the record), or the walk itself is broken. Pages that show names
# but no ID (the dossier list, a source's form, a confirmation) log their reads too, but
# are not needed to prove the walk works.
SHOWS_NATIONAL_IDS = {
    "people:list",
    "people:export",
    "people:detail",
    "people:edit",
    "people:history",
    "people:subject_export",
    "org:unit",
    "pipeline:sources",
    "pipeline:course",
    "pipeline:dossier",
    "pipeline:members",
    "transfers:list",
    "transfers:new",
    "transfers:detail",
    "history:list",
    "history:accesses",
    "api:person_list",
    "api:person_detail",
    "api:source_list",
    "api:source_detail",
    "api:admission_list",
    "api:admission_detail",
    "api:transfer_list",
    "api:transfer_detail",
}


def fill_register(town):
    """Something for every list to show, away from the people the route builders use."""
    open_dossier(town, national_id="001090000005", unit="W2C1", course="AW-WALK")
    make_member(town, "001090000006", "W2")
    issue(town, "001090000006", to_unit=town.unit("W1C2"), issued_on=dt.date(2026, 3, 2))
    Admission.objects.create(
        person=town.people["001090000006"], unit=town.unit("W2"), decision_date=dt.date(2024, 12, 9)
    )
    # The course the pipeline route builders use (tests/pipeline/routes.py), with a participant.
    course = services.course_create(
        trace=Trace.system("walk"),
        code="W1-ROUTES",
        organizer=town.unit("W1"),
        title="Ward 1 course",
        start_date=dt.date(2024, 9, 2),
        end_date=dt.date(2024, 9, 2),
    )
    services.enrollment_add(
        trace=Trace.system("walk"), course=course, person=town.people["001090000001"]
    )
    # The history page and the access log show what was done and read before.
    Access.objects.create(
        kind=Access.Kind.VIEW, what="earlier read", person=town.people["001090000003"]
    )


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a workbook or a zip of CSV files: the text of every member
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    return content


def national_ids_in(response):
    registered = set(Person.objects.values_list("national_id", flat=True))
    found = {match.decode() for match in NATIONAL_ID.findall(body_of(response))}
    return found & registered


def request_as(client, town, route, kwargs):
    user = town.user(route.allowed_user)
    url = reverse(route.name, kwargs=kwargs)
    if route.api:
        _token, plaintext = tokens.token_create(user, "walk")
        return client.get(
            url, route.build_data(town) or None, headers={"Authorization": f"Bearer {plaintext}"}
        )
    client.force_login(user)
    return client.get(url, route.build_data(town) or None)


@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.name for r in GET_ROUTES])
def test_a_route_that_shows_a_national_id_logs_the_read(client, town, route):
    fill_register(town)
    kwargs = route.build_kwargs(town)
    last = Access.objects.aggregate(last=Max("id"))["last"] or 0
    response = request_as(client, town, route, kwargs)
    assert response.status_code in {200, 302}, f"{route.name}: {response.status_code}"
    shown = national_ids_in(response)
    if route.name in SHOWS_NATIONAL_IDS:
        assert shown, f"{route.name} should show national IDs: the walk found none"
    if not shown:
        return
    written = Access.objects.filter(id__gt=last)
    assert written.exists(), f"{route.name} shows {sorted(shown)} and wrote no access record"
    if written.filter(kind=Access.Kind.EXPORT).exists():
        return
    named = set(written.values_list("person__national_id", flat=True))
    assert shown <= named, f"{route.name}: no access record names {sorted(shown - named)}"
    assert set(written.values_list("actor__username", flat=True)) == {route.allowed_user}


def test_the_walk_covers_every_route_named_as_showing_national_ids():
    unknown = SHOWS_NATIONAL_IDS - {route.name for route in GET_ROUTES}
    assert not unknown, f"not walked (no GET route with an allowed user): {sorted(unknown)}"


def test_api_answers_are_json_the_walk_can_read(client, town):
    route = next(r for r in GET_ROUTES if r.name == "api:person_list")
    response = request_as(client, town, route, {})
    assert json.loads(response.content)["items"]

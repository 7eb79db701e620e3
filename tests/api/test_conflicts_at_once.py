"""A duplicate key is a 409 also when two requests write it at the same moment (issue: the
second request's check could not see the first's row yet, the database refused the key,
and PostgreSQL's refusal came back as a 500)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from grassroots.org.models import Unit
from grassroots.people.models import Person
from grassroots.pipeline.models import Course


def written_meanwhile(write):
    """`write()` in another connection's transaction, committed a moment later: a request
    made meanwhile checks before that commit and saves after it."""
    written = threading.Event()

    def run():
        try:
            with transaction.atomic():
                write()
                written.set()
                time.sleep(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(10)
    return thread


def a_person():
    Person.objects.create(
        national_id="RACE1",
        full_name="First",
        gender="male",
        birth_date=dt.date(1990, 1, 1),
        unit=Unit.objects.get(code="W2"),
    )


def a_unit():
    Unit.objects.get(code="W1").add_child(code="RACEU", name="First", kind="cell")


def a_course():
    Course.objects.create(
        code="RACEC",
        organizer=Unit.objects.get(code="W1"),
        title="First",
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 1, 9),
    )


CASES = {
    "person": (
        a_person,
        "/api/v1/people",
        {"national_id": "RACE1", "full_name": "Second", "gender": "male"}
        | {"birth_date": "1990-01-01", "unit": "W1"},
        "national_id",
    ),
    "unit": (
        a_unit,
        "/api/v1/units",
        {"code": "RACEU", "name": "Second", "kind": "cell", "parent_code": "TOWN"},
        "code",
    ),
    "course": (
        a_course,
        "/api/v1/courses",
        {"code": "RACEC", "organizer": "TOWN", "title": "Second"}
        | {"start_date": "2026-01-05", "end_date": "2026-01-09"},
        "code",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", CASES)
def test_a_key_taken_while_the_request_runs_is_a_conflict(api_for, town, kind):
    write, url, body, field = CASES[kind]
    api = api_for("org")
    thread = written_meanwhile(write)
    response = api.post(url, body)
    thread.join()
    assert response.status_code == 409, response.content
    [item] = response.json()["detail"]
    assert (item["loc"], item["type"]) == (["body", field], "conflict")

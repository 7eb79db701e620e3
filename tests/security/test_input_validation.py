"""The input findings of the hardening probe (issue 15), each reproduced.

- The API stored what the forms refuse: a 1,000-character unit code, a 100 kB unit
  name, a 5,000-character cluster, a 500-character course code, a 100 kB resolution
  reference. Now every door holds a value to the model field's limits.
- A name containing U+202E (right-to-left override) or U+0007 (bell) was accepted by the
  form and the API, and then broke every Excel export above that person. Now every text
  field refuses control characters, naming the field; line breaks pass only in notes.

(tests/security/test_input_validation_doors.py proves the doors agree field by field.)
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from grassroots.exchange.importer import run_import
from grassroots.history.services import Trace
from grassroots.org.models import Cluster, Unit
from grassroots.people import services as people_services
from grassroots.people.models import Person
from grassroots.pipeline.models import Course, Source
from grassroots.plans.models import Target
from tests.api.conftest import ApiClient, bearer_for
from tests.exchange.helpers import problems, write

HUNDRED_KB = "x" * 100_000


@pytest.fixture
def api_as(town):
    """api_as('org'): an API client with a fresh token of that town user."""
    return lambda username: ApiClient(bearer_for(town.user(username))[1])


def refused_field(response):
    assert response.status_code == 422, response.content[:300]
    return [tuple(error["loc"]) for error in response.json()["detail"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("code", "U" * 1000), ("name", HUNDRED_KB), ("cluster", "c" * 5000), ("sector", "s" * 5000)],
)
def test_the_api_refuses_unit_fields_longer_than_the_model_allows(api_as, field, value):
    body = {"code": "NEWU", "name": "New unit", "kind": "cell", "parent_code": "W1"}
    response = api_as("org").post("/api/v1/units", {**body, field: value})
    assert refused_field(response) == [("body", field)]
    assert not Unit.objects.filter(code__in=["NEWU", value]).exists()
    assert not Cluster.objects.filter(name=value).exists()
    # And on a change of an existing unit.
    response = api_as("org").patch("/api/v1/units/W1C1", {field: value})
    assert refused_field(response) == [("body", field)]
    assert Unit.objects.get(code="W1C1").name == "Residential area 1"


@pytest.mark.django_db
def test_the_api_refuses_a_500_character_course_code(api_as):
    body = {
        "code": "C" * 500,
        "organizer": "TOWN",
        "title": "Awareness",
        "start_date": "2025-03-03",
        "end_date": "2025-03-07",
    }
    assert refused_field(api_as("org").post("/api/v1/courses", body)) == [("body", "code")]
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_100_kb_resolution_reference(api_as, town):
    body = {"unit": "W1C1", "period_start": "2026-01-01", "period_end": "2026-12-31", "minimum": 2}
    api = api_as("org")
    response = api.post("/api/v1/targets", {**body, "resolution_ref": HUNDRED_KB})
    assert refused_field(response) == [("body", "resolution_ref")]
    assert not Target.objects.exists()
    target = api.post("/api/v1/targets", body).json()
    response = api.patch(f"/api/v1/targets/{target['id']}", {"resolution_ref": HUNDRED_KB})
    assert refused_field(response) == [("body", "resolution_ref")]
    assert Target.objects.get().resolution_ref == ""


@pytest.mark.django_db
def test_the_forms_refuse_the_same_lengths(client_for):
    client = client_for("org")
    response = client.post(
        "/units/new/", {"parent": "W1", "code": "U" * 1000, "name": HUNDRED_KB, "kind": "cell"}
    )
    assert set(response.context["form"].errors) == {"code", "name"}
    assert not Unit.objects.filter(name=HUNDRED_KB).exists()


PERSON = {
    "national_id": "079000000001",
    "full_name": "Hồ Văn Nam",
    "gender": "male",
    "birth_date": "1990-01-01",
    "unit": "W1",
}


@pytest.mark.django_db
@pytest.mark.parametrize("char", ["\u202e", "\x07"], ids=["right-to-left-override", "bell"])
def test_a_name_with_a_control_character_is_refused_by_every_door(
    api_as, client_for, town, tmp_path, char
):
    name = f"Nguy{char}ễn Văn A"
    code = f"U+{ord(char):04X}"
    # The API, naming the field.
    response = api_as("secretary").post("/api/v1/people", {**PERSON, "full_name": name})
    assert refused_field(response) == [("body", "full_name")]
    # The form, on the field, saying which character.
    response = client_for("org").post("/people/new/", {**PERSON, "full_name": name})
    [message] = response.context["form"].errors["full_name"]
    assert code in message
    # The importer, naming the row and the column.
    folder = write(
        tmp_path,
        people=f"""
            national_id,full_name,gender,birth_date,unit_code
            079000000001,{name},male,1990-01-01,W1
        """,
    )
    [problem] = problems(run_import(folder))
    assert problem.startswith(f"people:2: full_name: Remove the control character {code}")
    # The service, for every other caller (commands, scripts).
    with pytest.raises(ValidationError) as refused:
        people_services.person_create(
            trace=Trace.system("test"),
            national_id="079000000001",
            full_name=name,
            gender="male",
            birth_date=dt.date(1990, 1, 1),
        )
    assert list(refused.value.message_dict) == ["full_name"]
    assert not Person.objects.filter(national_id="079000000001").exists()


@pytest.mark.django_db
def test_an_existing_person_cannot_be_renamed_with_a_control_character(api_as, client_for):
    pupil = "001090000002"
    response = api_as("secretary").patch(f"/api/v1/people/{pupil}", {"full_name": "Lan\u202e"})
    assert refused_field(response) == [("body", "full_name")]
    response = client_for("secretary").post(
        f"/people/{pupil}/edit/",
        {**PERSON, "national_id": pupil, "full_name": "Lan\x07", "unit": "HS"},
    )
    assert "full_name" in response.context["form"].errors
    assert Person.objects.get(national_id=pupil).full_name == "Nguyễn Thị Lan"


@pytest.mark.django_db
def test_line_breaks_belong_in_notes_and_nowhere_else(api_as, town):
    api = api_as("secretary")
    body = {"person": "001090000003", "unit": "HS", "nominated_on": "2025-01-06"}
    response = api.post("/api/v1/sources", {**body, "note": "Met twice.\r\nKeen to join."})
    assert response.status_code == 201, response.content
    assert Source.objects.get().note == "Met twice.\r\nKeen to join."
    response = api.patch(
        f"/api/v1/sources/{response.json()['id']}", {"nominated_by": "Youth\nUnion"}
    )
    assert refused_field(response) == [("body", "nominated_by")]
    # A note takes line breaks, not other control characters.
    response = api.patch(f"/api/v1/sources/{Source.objects.get().pk}", {"note": "tab\there"})
    assert refused_field(response) == [("body", "note")]


@pytest.mark.django_db
def test_the_schema_states_the_character_rule(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    name = schemas["PersonIn"]["properties"]["full_name"]
    note = schemas["SourceIn"]["properties"]["note"]
    assert name["maxLength"] == 200
    assert re.fullmatch(name["pattern"], "Nguyễn Văn A")
    assert not re.fullmatch(name["pattern"], "Nguy\u202eễn")
    assert not re.fullmatch(name["pattern"], "   ")  # a required name has a visible character
    assert re.fullmatch(note["pattern"], "two\nlines")
    assert not re.fullmatch(note["pattern"], "bell\x07")


@pytest.mark.django_db
def test_an_import_row_whose_key_breaks_its_limits_is_named_not_a_crash(town, tmp_path):
    folder = write(
        tmp_path,
        units=f"""
            code,name,kind,parent_code
            {"U" * 41},Too long a code,cell,W1
        """,
        transfers="""
            national_id,kind,issued_on,to_unit_code
            001090000004,official,2025-02-30,W2C1
        """,
    )
    assert problems(run_import(folder)) == [
        "units:2: code: longer than 40 characters",
        "transfers:2: issued_on: 2025-02-30 is not a date (use YYYY-MM-DD)",
    ]

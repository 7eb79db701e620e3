"""The OpenAPI document: valid, complete, public, versioned; unique component names; every
answer documented; the docs page loads nothing from outside. (Schemathesis drives the
whole API against it in test_schemathesis.py.)"""

import re

import pytest
from django.urls import get_resolver

from grassroots.accounts.models import Role
from grassroots.api import UniqueNamesSchema
from grassroots.conferences.models import Recognition
from grassroots.org.models import Unit, UnitEvent, UnitEventPart
from grassroots.people.models import Education, Gender, Membership, Occupation
from grassroots.pipeline.models import Source
from grassroots.pipeline.rules import get_rules
from grassroots.transfers.models import Transfer
from tests.api.routes import ROUTES

OUTSIDE = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.I)


def api_url_names():
    """Every URL name under the api namespace, as the resolver reports it."""
    resolver = get_resolver()
    api = resolver.namespace_dict["api"][1]
    return {f"api:{p.name}" for p in api.url_patterns if p.name}


def test_openapi_json_is_public_and_lists_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    expected = {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/units"),
        ("POST", "/api/v1/units"),
        ("GET", "/api/v1/units/{code}"),
        ("PATCH", "/api/v1/units/{code}"),
        ("GET", "/api/v1/units/{code}/children"),
        ("GET", "/api/v1/unit-events"),
        ("GET", "/api/v1/unit-events/{event_id}"),
        ("POST", "/api/v1/unit-events/move"),
        ("POST", "/api/v1/unit-events/rename"),
        ("POST", "/api/v1/unit-events/merge"),
        ("POST", "/api/v1/unit-events/split"),
        ("POST", "/api/v1/unit-events/close"),
        ("GET", "/api/v1/people"),
        ("POST", "/api/v1/people"),
        ("GET", "/api/v1/people/{national_id}"),
        ("PATCH", "/api/v1/people/{national_id}"),
        ("POST", "/api/v1/people/{national_id}/leave"),
        ("GET", "/api/v1/sources"),
        ("POST", "/api/v1/sources"),
        ("GET", "/api/v1/sources/{source_id}"),
        ("PATCH", "/api/v1/sources/{source_id}"),
        ("GET", "/api/v1/courses"),
        ("POST", "/api/v1/courses"),
        ("GET", "/api/v1/courses/{code}"),
        ("GET", "/api/v1/admissions"),
        ("GET", "/api/v1/admissions/{admission_id}"),
        ("GET", "/api/v1/transfers"),
        ("POST", "/api/v1/transfers"),
        ("GET", "/api/v1/transfers/{transfer_id}"),
        ("POST", "/api/v1/transfers/{transfer_id}/receive"),
        ("POST", "/api/v1/transfers/{transfer_id}/end"),
        ("GET", "/api/v1/targets"),
        ("POST", "/api/v1/targets"),
        ("GET", "/api/v1/targets/{target_id}"),
        ("PATCH", "/api/v1/targets/{target_id}"),
        ("GET", "/api/v1/reports/newly-admitted"),
        ("GET", "/api/v1/forecasts"),
        ("GET", "/api/v1/conferences"),
        ("POST", "/api/v1/conferences"),
        ("GET", "/api/v1/conferences/{conference_id}"),
        ("POST", "/api/v1/conferences/{conference_id}/attendance"),
        ("POST", "/api/v1/conferences/{conference_id}/conclusions"),
        ("GET", "/api/v1/conference-tasks"),
        ("GET", "/api/v1/conference-tasks/{task_id}"),
        ("POST", "/api/v1/conference-tasks/{task_id}/complete"),
        ("GET", "/api/v1/recognitions"),
        ("POST", "/api/v1/recognitions"),
        ("GET", "/api/v1/recognitions/{recognition_id}"),
    }
    assert operations == expected
    # Every operation's URL name is in the route table, and nothing else is.
    operation_names = api_url_names() - {"api:openapi-json", "api:openapi-view", "api:api-root"}
    assert len(operation_names) == len(expected)
    assert {route.name for route in ROUTES} - {"api-unversioned"} == api_url_names()
    # Token and session security schemes are declared.
    assert set(schema["components"]["securitySchemes"]) >= {"TokenAuth", "SessionReadAuth"}


def test_openapi_json_is_a_valid_openapi_document(client):
    from schemathesis.specs.openapi import definitions

    validator = definitions.OPENAPI_31_VALIDATOR
    schema = client.get("/api/v1/openapi.json").json()
    errors = list(validator.iter_errors(schema))
    assert not errors, errors[:3]


def test_docs_are_public_and_load_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not OUTSIDE.search(html), OUTSIDE.findall(html)
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html


def test_api_root_leads_to_the_docs(client):
    response = client.get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


# Every vocabulary of the API, by its component name, and the model choices it must equal.
VOCABULARIES = {
    "UnitKind": Unit.Kind,
    "Gender": Gender,
    "Education": Education,
    "Occupation": Occupation,
    "SourceCategory": Source.Category,
    "SourceStatus": Source.Status,
    "TransferKind": Transfer.Kind,
    "TransferStatus": Transfer.Status,
    "TransferDestinationType": Transfer.DestinationType,
    "UnitEventKind": UnitEvent.Kind,
    "UnitEventPartRole": UnitEventPart.Role,
    "Role": Role,
    "RecognitionKind": Recognition.Kind,
    "MembershipStatus": Membership.Status,
}


def test_every_vocabulary_has_its_own_name_and_the_models_values(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    enums = {name: schema["enum"] for name, schema in schemas.items() if "enum" in schema}
    assert enums == {
        **{name: list(choices.values) for name, choices in VOCABULARIES.items()},
        "TransferDirection": ["within", "in", "out"],
        "TransferEnding": ["returned", "made_official"],
        # The rule set's reasons for leaving (pipeline/rules.py), as the service takes them.
        "LeaveReason": [code for code, _label in get_rules().leave_reasons],
    }
    # The ambiguous names of before are gone.
    assert not {"Kind", "Status", "Category", "Input"} & set(schemas)


def test_two_schemas_of_one_name_cannot_reach_the_document():
    schema = UniqueNamesSchema.__new__(UniqueNamesSchema)
    schema.schemas = {"Kind": {"enum": ["committee", "cell"]}}
    schema.add_schema_definitions({"Kind": {"enum": ["committee", "cell"]}})
    with pytest.raises(ValueError, match="Two different schemas are both named Kind"):
        schema.add_schema_definitions({"Kind": {"enum": ["official", "temporary"]}})


def test_every_operation_documents_its_errors_with_one_shape(client):
    document = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/Error"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            errors = {code for code in responses if code.startswith("4")}
            assert "401" in errors, (method, path)
            if method in ("post", "patch"):
                assert errors == {"400", "401", "403", "404", "409", "422"}, (method, path)
            elif path != "/api/v1/me":
                assert {"404", "422"} <= errors, (method, path)
            for code in errors:
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema == error, (method, path, code)


def test_limits_in_the_schema_are_the_models(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    unit_in = schemas["UnitIn"]["properties"]
    assert unit_in["code"]["maxLength"] == Unit._meta.get_field("code").max_length == 40
    assert unit_in["name"]["maxLength"] == 200
    assert schemas["CourseIn"]["properties"]["code"]["maxLength"] == 40
    national_id = schemas["PersonIn"]["properties"]["national_id"]
    assert (national_id["maxLength"], national_id["pattern"]) == (20, "^[A-Za-z0-9]{1,20}$")
    target = schemas["TargetIn"]["properties"]
    assert (target["minimum"]["minimum"], target["minimum"]["maximum"]) == (0, 999_999_999)
    assert target["resolution_ref"]["maxLength"] == 120
    assert schemas["TransferIn"]["properties"]["dues_paid_until"]["pattern"] == (
        "^(?:[0-9]{4}-(?:0[1-9]|1[0-2]))?$"
    )
    # Bodies name every field they take: anything else is refused, and the schema says so.
    for name in ("UnitIn", "UnitPatch", "PersonIn", "SourceIn", "TargetPatch", "TransferIn"):
        assert schemas[name]["additionalProperties"] is False, name


# A conclusion is read within its conference: no route reads it alone.
READ_WITHIN_ANOTHER = {"conclusion_create"}


def test_every_record_created_links_to_the_route_that_reads_it(client):
    """A client (and schemathesis' stateful phase) goes from a 201 to the record's own
    route by the answer's key: the unit events and the conference's own steps were not
    linked."""
    document = client.get("/api/v1/openapi.json").json()
    reads = {
        operation["operationId"]
        for methods in document["paths"].values()
        for method, operation in methods.items()
        if method == "get"
    }
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            created = operation["responses"].get("201")
            if created is None or operation["operationId"] in READ_WITHIN_ANOTHER:
                continue
            linked = {link["operationId"] for link in created.get("links", {}).values()}
            assert linked & reads, (method, path)
    conference = document["paths"]["/api/v1/conferences"]["post"]["responses"]["201"]
    assert {link["operationId"] for link in conference["links"].values()} == {
        "conference_detail",
        "conference_attendance",
        "conclusion_create",
    }


def test_unversioned_paths_answer_308_to_the_same_path_under_v1(client, api_for):
    response = client.get("/api/units", {"unit": "W1", "limit": "2"})
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/units?unit=W1&limit=2"
    response = api_for("org").patch("/api/units/HS", {"name": "Renamed"})
    assert (response.status_code, response["Location"]) == (308, "/api/v1/units/HS")
    assert client.get("/api/openapi.json")["Location"] == "/api/v1/openapi.json"
    assert client.get("/api/docs")["Location"] == "/api/v1/docs"


def test_a_308_is_followed_with_the_same_method_and_body(api_for):
    api = api_for("org")
    response = api.client.patch(
        "/api/units/HS",
        {"name": "Renamed"},
        content_type="application/json",
        headers=api.headers,
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [("/api/v1/units/HS", 308)]
    assert Unit.objects.get(code="HS").name == "Renamed"


def test_an_unversioned_write_is_redirected_without_a_csrf_check(api_for):
    """A client's POST to /api/… (no cookie, so no CSRF token) gets its 308, not the CSRF
    failure page: the redirect only points on; the route it arrives at checks the call."""
    from django.test import Client

    api = api_for("org")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        "/api/units/HS", {"name": "Renamed"}, content_type="application/json", headers=api.headers
    )
    assert (response.status_code, response["Location"]) == (308, "/api/v1/units/HS")


def test_answers_no_route_gives_have_the_error_shape_too(api_for, settings):
    api = api_for("org")
    response = api.client.get("/api/v1/no-such-thing", headers=api.headers)
    assert response.status_code == 404
    assert response.json()["detail"][0]["type"] == "not_found"
    response = api.client.delete("/api/v1/units/HS", headers=api.headers)
    assert response.status_code == 405 and "PATCH" in response["Allow"]
    assert response.json()["detail"][0]["type"] == "method_not_allowed"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.client.patch(
        "/api/v1/units/HS",
        '{"name": "' + "x" * 5000 + '"}',
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["type"] == "body_too_large"


def test_the_schemas_refusals_speak_the_callers_language(api_for):
    api = api_for("org")
    headers = {**api.headers, "accept-language": "vi"}
    response = api.client.patch(
        "/api/v1/people/001090000001",
        {"full_name": "x" * 300},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "full_name"] and detail["type"] == "string_too_long"
    assert "200" in detail["msg"] and "characters" not in detail["msg"]
    response = api.client.patch(
        "/api/v1/people/001090000001",
        {"full_name": "   "},
        content_type="application/json",
        headers={**api.headers, "accept-language": "en"},
    )
    detail = response.json()["detail"][0]
    assert detail["type"] == "string_pattern_mismatch" and "\\\\u" not in detail["msg"]
    assert "^" not in detail["msg"]
    # A lone surrogate, written as a JSON escape: refused in the caller's words too.
    response = api.client.patch(
        "/api/v1/people/001090000001",
        '{"full_name": "Ab\\ud800cd"}',
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "full_name"] and detail["type"] == "string_unicode"
    assert "Input should" not in detail["msg"]

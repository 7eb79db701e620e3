"""What users type comes back as text, never as markup or SQL (ASVS 1.2.1, 1.2.4, 16.5.1):
a person named like a script is shown escaped on the pages and in the API, a search
with SQL in it finds nothing, an error shows no stack trace, a 403 is logged."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.history.services import Trace
from grassroots.people import services
from tests.api.conftest import ApiClient, bearer_for

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def planted(town):
    return services.person_update(
        trace=Trace.system("test"), person=town.people["001090000002"], full_name=SCRIPT
    )


@pytest.mark.parametrize(
    ("name", "args"),
    [("people:detail", ["001090000002"]), ("people:list", []), ("org:unit", ["HS"])],
)
def test_a_name_like_a_script_is_shown_as_text(client_for, planted, name, args):
    html = client_for("org").get(reverse(name, args=args)).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_api_returns_it_as_json_text(town, planted):
    _token, plaintext = bearer_for(town.user("org"))
    response = ApiClient(plaintext).get("/api/v1/people/001090000002")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["full_name"] == SCRIPT


@pytest.mark.parametrize(
    "query", ["' OR '1'='1", "%' OR 1=1 --", "nguyen'); DROP TABLE people_person; --"]
)
def test_a_search_with_sql_in_it_finds_nothing(client_for, query):
    response = client_for("org").get(reverse("people:list"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []


def test_an_error_shows_no_stack_trace(town, settings, monkeypatch):
    from grassroots.people import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the server")

    monkeypatch.setattr(views.selectors, "person_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(town.user("org"))
    response = client.get(reverse("people:detail", args=["001090000002"]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "secret detail" not in page and "Traceback" not in page


def test_a_refused_action_is_logged(client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="grassroots.security"):
        assert client_for("w1_viewer").get(reverse("people:create")).status_code == 403
    assert "forbidden: user=w1_viewer method=GET path=/people/new/" in caplog.text


def test_a_refused_api_call_is_logged(town, caplog):
    _token, plaintext = bearer_for(town.user("w1_viewer"))
    with caplog.at_level(logging.WARNING, logger="grassroots.security"):
        response = ApiClient(plaintext).patch("/api/v1/people/001090000001", {"phone": "0905"})
    assert response.status_code == 403
    assert "forbidden: user=w1_viewer method=PATCH" in caplog.text

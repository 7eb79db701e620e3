"""Every page that changes data refuses a POST without the CSRF token (ASVS 3.5.1); the
API, authenticated by bearer token and not by cookie, is exempt by design."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.test_every_url import ROUTES

pytestmark = pytest.mark.django_db

POSTS = [r for r in ROUTES if r.method == "post" and not r.api]


@pytest.mark.parametrize("route", POSTS, ids=[r.name for r in POSTS])
def test_a_post_without_the_token_is_refused(town, route):
    client = Client(enforce_csrf_checks=True)
    client.force_login(town.user(route.allowed_user or "admin"))
    url = reverse(route.name, kwargs=route.build_kwargs(town))
    response = client.post(url, route.build_data(town))
    assert response.status_code == 403, f"{route.name}: {response.status_code}"


def test_the_api_does_not_accept_the_session_cookie_for_writes(client_for):
    client = client_for("admin")
    response = client.post(
        "/api/v1/people", {"national_id": "001099000001"}, content_type="application/json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The form has expired"), ("vi", None), ("de", None)],
)
def test_a_refused_form_says_why_in_the_users_language(language, title):
    """An old log-in tab sends no valid token: the page explains it in the language of
    the user's cookie, without Django's developer text about DEBUG."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = language
    response = client.post(reverse("login"), {"username": "org", "password": "demo"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF verification failed" not in html and "DEBUG=True" not in html
    assert f'lang="{language}"' in html
    if title:
        assert title in html
    else:
        assert "The form has expired" not in html

"""Every route answers only the methods it serves; any other gets 405 (issue 15, item 6).

The methods a route serves come from the route tables (tests/**/routes.py: a route's
`method`, and for the API every method listed for the same path) and, for the pages that
show a form and take its POST, from FORMS below. A new form page must be added there, or
this test fails for it.
"""

import json
from collections import defaultdict

import pytest
from django.urls import get_resolver, reverse

from grassroots.accounts import tokens
from tests.security.test_every_url import ROUTES

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete", "trace")

# Pages that show a form on GET and take it on POST.
FORMS = {
    "login",
    "people:create",
    "people:edit",
    "org:create",
    "org:edit",
    "org:move",
    "org:rename",
    "org:merge",
    "org:split",
    "org:close",
    "pipeline:step_correct",
    "pipeline:step_annul",
    "accounts:password_change",
    "accounts:user_create",
    "accounts:two_factor",
    "pipeline:source_new",
    "pipeline:source_edit",
    "pipeline:course_new",
    "pipeline:registration",
    "pipeline:course_results",
    "pipeline:dossier_new",
    "pipeline:confirm",
    "transfers:new",
    "transfers:incoming",
    "transfers:cancel",
    "transfers:leave",
    "transfers:leave_undo",
    "deadlines:calendar",
    "plans:target_new",
    "plans:target_edit",
    "plans:target_allocate",
    "plans:finding_new",
    "plans:finding_close",
    "conferences:new",
    "conferences:conclusion_new",
    "conferences:recognition_new",
    "conferences:task",
    "exchange:index",
}


def _served():
    """{route name: methods served}; API routes on one path share their methods."""
    by_api_path = defaultdict(set)
    for route in ROUTES:
        if route.api:
            by_api_path[route.name.split(":")[0], _api_path(route)].add(route.method)
    served = {}
    for route in ROUTES:
        if route.api:
            served[route.name] = by_api_path[route.name.split(":")[0], _api_path(route)]
        else:
            served[route.name] = {route.method} | (
                {"get", "post"} if route.name in FORMS else set()
            )
    return served


def _api_path(route):
    if ":" not in route.name:  # the redirect of unversioned API paths
        return route.name
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "api":
            for inner in pattern.url_patterns:
                if inner.name == route.name.split(":", 1)[1]:
                    return str(inner.pattern)
    return route.name


SERVED = _served()
CASES = [
    pytest.param(route, [m for m in METHODS if m not in SERVED[route.name]], id=route.name)
    for route in ROUTES
    if not (route.public and route.api)
]


def test_every_form_page_is_a_route():
    names = {route.name for route in ROUTES}
    assert not FORMS - names, sorted(FORMS - names)


@pytest.mark.parametrize(("route", "methods"), CASES)
def test_a_method_the_route_does_not_serve_gets_405(client, town, route, methods):
    user = town.user(route.allowed_user or route.weak_user or "admin")
    url = reverse(route.name, kwargs=route.build_kwargs(town))
    headers = {}
    if route.api:
        _token, plaintext = tokens.token_create(user, "methods")
        headers["Authorization"] = f"Bearer {plaintext}"
    else:
        client.force_login(user)
    answers = {}
    for method in methods:
        if method in {"get", "trace"}:
            response = getattr(client, method)(url, headers=headers)
        else:
            response = getattr(client, method)(
                url, json.dumps({}), content_type="application/json", headers=headers
            )
        answers[method.upper()] = response.status_code
    wrong = {method: status for method, status in answers.items() if status != 405}
    assert not wrong, f"{url} answers {wrong}"

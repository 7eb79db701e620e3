"""Every URL of the project is in a route table and keeps the promises of tests/urlcheck.py.

Route tables are `ROUTES` in `tests/routes.py` and every `tests/**/routes.py`; an app that
adds URLs adds its table and is picked up here without changing this file.
"""

import importlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from grassroots.accounts import tokens
from tests.urlcheck import Route

TESTS_DIR = Path(__file__).resolve().parents[1]
SKIPPED_NAMES = {"admin"}


def _route_tables():
    tables = {}
    for path in sorted(TESTS_DIR.rglob("routes.py")):
        module_name = ".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts)
        tables[module_name] = importlib.import_module(module_name).ROUTES
    return tables


def _all_routes():
    routes = []
    for module_name, table in _route_tables().items():
        for route in table:
            assert isinstance(route, Route), f"{module_name}: {route!r} is not a Route"
            routes.append(route)
    return routes


def url_names(patterns=None, namespace=""):
    """Every named URL of the project, namespaced ('org:unit')."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in SKIPPED_NAMES:
                continue
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


ROUTES = _all_routes()


def test_every_url_is_in_a_route_table():
    covered = {route.name for route in ROUTES}
    missing = sorted(url_names() - covered)
    assert not missing, f"URL names without a route in any tests/**/routes.py: {missing}"


def test_route_tables_name_real_urls():
    unknown = sorted({route.name for route in ROUTES} - url_names())
    assert not unknown, f"route tables name URLs that do not exist: {unknown}"


def _checks():
    for route in ROUTES:
        yield pytest.param(route, "anonymous", id=f"{route.name}-anonymous")
        if route.public:
            continue
        if route.record_unit:
            yield pytest.param(route, "outsider", id=f"{route.name}-outsider")
        if route.weak_user:
            yield pytest.param(route, "weak_user", id=f"{route.name}-weak_user")
        if route.allowed_user:
            yield pytest.param(route, "allowed_user", id=f"{route.name}-allowed_user")


def _request(client, route, town, user=None):
    """Pages log in with the session; API routes send a bearer token of the user."""
    headers = {}
    if user is not None and route.api:
        _token, plaintext = tokens.token_create(town.user(user), "every-URL test")
        headers["Authorization"] = f"Bearer {plaintext}"
    elif user is not None:
        client.force_login(town.user(user))
    url = reverse(route.name, kwargs=route.build_kwargs(town))
    data = route.build_data(town)
    if route.method == "get":
        return client.get(url, data or None, headers=headers)
    if route.api:
        return getattr(client, route.method)(
            url, json.dumps(data), content_type="application/json", headers=headers
        )
    return getattr(client, route.method)(url, data, headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "check"), list(_checks()))
def test_route(client, town, route, check):
    if check == "anonymous":
        response = _request(client, route, town)
        if route.public:
            assert response.status_code < 400, f"{route.name} is public"
        elif route.api:
            assert response.status_code == 401, f"{route.name}: anonymous must get 401"
        else:
            assert response.status_code == 302, f"{route.name}: anonymous must log in"
            assert response.url.startswith(reverse(settings.LOGIN_URL))
    elif check == "outsider":
        w2_path = town.unit("W2").path
        if town.unit(route.record_unit).path.startswith(w2_path):
            pytest.skip("the record lies in the outsider's own ward")
        response = _request(client, route, town, "outsider")
        assert response.status_code == 404, f"{route.name}: outsider got {response.status_code}"
    elif check == "weak_user":
        response = _request(client, route, town, route.weak_user)
        assert response.status_code == 403, (
            f"{route.name}: {route.weak_user} got {response.status_code}"
        )
    else:
        response = _request(client, route, town, route.allowed_user)
        assert response.status_code < 400, (
            f"{route.name}: {route.allowed_user} got {response.status_code}"
        )

"""Headers on every answer: a strict Content-Security-Policy, nothing stored in caches
(issue 15, item 6), and templates without inline script, event handlers or styles."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.security.test_reads_logged import GET_ROUTES, fill_register, request_as

SOURCE = Path(__file__).resolve().parents[2] / "src" / "grassroots"
TEMPLATES = sorted(SOURCE.glob("**/templates/**/*.html"))
# Documents rendered to PDF by WeasyPrint carry their own styles; no browser runs them.
PRINTED = re.compile(r"/templates/[^/]+/(pdf|print)/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_template_has_inline_script_or_handlers(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not EVENT_HANDLER.search(text), "on*= handler: bind it in a static JS file"
    assert not JAVASCRIPT_URL.search(text), "javascript: URL"
    if not PRINTED.search(str(template)):
        assert not STYLE.search(text), "inline style: use a class in app.css"


@pytest.mark.django_db
def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client):
    response = client.get(reverse("login"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    for sources in policy.values():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert all(s in {"'self'", "'none'", "data:"} for s in sources), sources


@pytest.mark.django_db
@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.name for r in GET_ROUTES])
def test_every_answer_has_the_policy_and_is_not_stored(client, town, route):
    """Every page, export and API answer (not only the subject export) says no-store:
    each can show personal data."""
    fill_register(town)
    response = request_as(client, town, route, route.build_kwargs(town))
    assert "no-store" in response.get("Cache-Control", ""), route.name
    assert "private" in response.get("Cache-Control", ""), route.name
    assert "Content-Security-Policy" in response, route.name
    assert response["X-Content-Type-Options"] == "nosniff", route.name
    assert response["Referrer-Policy"] == "same-origin", route.name
    if response.get("Content-Type", "").startswith("text/html"):
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", route.name
        html = b"".join(response.streaming_content) if response.streaming else response.content
        html = html.decode()
        assert not INLINE_SCRIPT.search(html), f"{route.name}: inline script"
        assert not EVENT_HANDLER.search(html), f"{route.name}: inline event handler"
        assert not STYLE.search(html), f"{route.name}: inline style"
        if "<html" in html:  # a full page, not an htmx partial: log-out is one click away
            assert f'action="{reverse("logout")}"' in html, f"{route.name}: no log-out"


@pytest.mark.django_db
def test_the_log_in_page_is_not_stored_either(client):
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]


def test_the_language_menu_works_without_inline_script():
    base = (SOURCE / "templates" / "base.html").read_text()
    assert "data-submit-on-change" in base
    script = (SOURCE / "static" / "grassroots" / "app.js").read_text()
    assert "data-submit-on-change" in script

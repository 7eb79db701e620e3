"""Playwright driving Debian's chromium against a live server.

Never downloads a browser. Without /usr/bin/chromium the tests skip with a message, unless
GRASSROOTS_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure. Every request to a
host other than the live server is blocked and fails the test: the app must work offline.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (building the town, checking the database) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _missing_browser(reason):
    if os.environ.get("GRASSROOTS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium to run them)")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _missing_browser(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def live_url(live_server, transactional_db):
    from tests.town import load_town

    load_town()
    return live_server.url


@pytest.fixture
def page(browser, live_url):
    """A fresh browser page; any request leaving the live server, and anything the
    Content-Security-Policy refuses (an inline script, handler or style), fails the test."""
    context = browser.new_context(base_url=live_url, accept_downloads=True, locale="en-GB")
    outside = []

    def guard(route):
        if route.request.url.startswith(live_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(15000)
    yield page
    context.close()
    assert not outside, f"the page tried to reach outside hosts: {outside}"
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def login(page):
    """login('secretary') logs the page in through the real log-in form."""

    def do_login(username, password="demo"):
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return do_login


@pytest.fixture
def screenshot(page):
    """screenshot('name') saves test-artifacts/name.png and returns its path."""

    def take(name, full_page=True):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)

"""Crawl the demo town as its three users: every page a link or a GET form leads to renders.

The demo town (Điện Bàn, `grassroots.demo`) is loaded once for this module inside a
transaction that is rolled back at the end (as in tests/demo/test_story.py). The demo users
share their usernames with the shared test town's; their test-town roles are removed inside
that transaction, so each user sees exactly what the demo gives them.

For each of admin, org and secretary the crawl goes breadth-first from "/" over every
same-site `<a href>`, every htmx `hx-get` and every GET form (submitted with its default
values), and checks:

- no link or form leads to an error: no server error, and no 403 or 404 either (a page
  offers only what the user may open);
- no page renders an undefined template variable (the templates run with
  `string_if_invalid` set to a marker while the module runs);
- a sample of the pages renders in each of the three languages;
- for the secretary of the Phạm Phú Thứ cell, no page names a demo unit outside that cell's
  subtree.

What the secretary may legitimately see of units outside the subtree (decided here):

- the cell's ancestors, then and now (the town committee "DB" until the 2025 reform, the
  commune of Gò Nổi and the city since): the town organised the awareness
  courses the cell's pupils attend (the August 2023 course among them), so the course list,
  a course page and a person's pipeline name it as organiser, and the cell's own history
  names it as the cell's parent;
- the receiving unit of a transfer letter (/transfers/new/): the letter may send a member
  to any unit of the system, so that one select lists them all;
- nothing else: no other cell, ward or commune code may appear.

The crawl is bounded: at most MAX_PAGES pages per user, PER_ROUTE pages per URL name (so
one long list of people cannot eat the budget) and two query-string variants per path.
Downloads (PDF, spreadsheets, CSV, scans, the exchange export), the JSON API and log-out
are not followed.
"""

import datetime as dt
import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from grassroots.accounts.models import RoleAssignment
from grassroots.demo import story
from grassroots.org.models import Unit, UnitAncestry
from grassroots.paths import under
from tests.demo.loaded import demo_for_module

# The three crawls share one load of the demo (a module fixture): under pytest-xdist they run
# on one worker (`--dist loadgroup` in the Makefile) instead of loading it on each.
pytestmark = pytest.mark.xdist_group("demo-crawl")

TODAY = dt.date(2026, 11, 29)
USERS = ("admin", "org", "secretary")
LANGUAGES = ("en", "vi", "de")
MAX_PAGES = 400
PER_ROUTE = 6
QUERY_VARIANTS = 2
LANGUAGE_SAMPLE = 20
INVALID = "@@INVALID-TEMPLATE-VARIABLE"
INVALID_FOUND = re.compile(r"@@INVALID-TEMPLATE-VARIABLE ([^@]*)@@")
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "grassroots"
# Missing on purpose: an absent query parameter renders as "" (a filter form's initial
# value), and `{{ x|default:... }}` is Django's way of saying "x may be missing" (with
# string_if_invalid set, Django skips the default filter, so those are exempt by name).
DEFAULTED = {"request.GET"} | {
    name
    for template in TEMPLATES.glob("**/templates/**/*.html")
    for name in re.findall(r"\{\{\s*([\w.]+)\s*\|\s*default\b", template.read_text())
}
# The transfer letter's receiving unit may be any unit of the system.
DESTINATIONS = re.compile(r'<select name="to_unit".*?</select>', re.S)
SKIP_PATH = re.compile(
    r"^/(api|static|media)/|/logout/|\.(pdf|xlsx|csv)$|/pdf/$|/export/$|/scans/|/i18n/"
)


class Links(HTMLParser):
    """A page's hrefs (and hx-gets) and its GET forms as {"action", "fields": [(name, value)]}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["selected"] = value
        elif tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif attrs.get("hx-get"):
            self.hrefs.append(attrs["hx-get"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"action": attrs.get("action") or "", "fields": []}
            if method == "get":
                self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form["fields"].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = {"name": attrs["name"], "first": None, "selected": None}
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            value = self._select["selected"] or self._select["first"] or ""
            if self._form is not None:
                self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append(tuple(self._textarea))
            self._textarea = None


def targets(url, html):
    """The same-site URLs a page leads to with a plain GET."""
    parser = Links()
    parser.feed(html)
    found = [urljoin(url, href) for href in parser.hrefs]
    for form in parser.forms:
        action = urljoin(url, form["action"]).split("?")[0]
        # A field whose initial value was an undefined variable is sent empty, as in production.
        fields = [(k, "" if INVALID in v else v) for k, v in form["fields"]]
        query = urlencode([(k, v) for k, v in fields if k != "csrfmiddlewaretoken"])
        found.append(f"{action}?{query}" if query else action)
    local = []
    for target in found:
        parts = urlsplit(target)
        if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
            continue
        if not parts.path.startswith("/") or SKIP_PATH.search(parts.path):
            continue
        local.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return local


def route_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client):
    """Visit pages breadth-first; returns {url: html} of the HTML pages and the failures."""
    queue = deque(["/"])
    seen = {"/"}
    came_from = {"/": None}
    per_route = Counter()
    per_path = Counter()
    pages = {}
    failures = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code >= 400:
            failures.append(f"{url} (from {came_from[url]}): {response.status_code}")
            continue
        if response.status_code in {301, 302}:
            location = urljoin(url, response["Location"])
            if urlsplit(location).netloc in {"", "testserver"} and location not in seen:
                seen.add(location)
                queue.append(urlsplit(location).path + _query(location))
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[url] = html
        for variable in undefined(html):
            failures.append(f"{url}: undefined template variable {variable}")
        for target in targets(url, html):
            if target in seen:
                continue
            seen.add(target)
            came_from[target] = url
            path, _, query = target.partition("?")
            name = route_name(path)
            if name is None:
                failures.append(f"{url}: links to {target}, which resolves to no page")
                continue
            if query:
                per_path[path] += 1
                if per_path[path] > QUERY_VARIANTS:
                    continue
            per_route[name] += 1
            if per_route[name] > PER_ROUTE:
                continue
            queue.append(target)
    return pages, failures


def undefined(html):
    found = set(INVALID_FOUND.findall(html))
    return sorted(name for name in found if not any(name.startswith(known) for known in DEFAULTED))


def _query(url):
    query = urlsplit(url).query
    return f"?{query}" if query else ""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker, TODAY):
        # Since the 2025 reform the demo's units stand under the city committee (the
        # former town committee among them).
        city = Unit.objects.get(code="DN")
        RoleAssignment.objects.filter(user__username__in=USERS).exclude(
            under(city.path, "unit__path")
        ).delete()
        if connection.vendor == "postgresql":
            # The planner's statistics of this worker's database may still describe
            # what an earlier test left (100,000 imported people, since truncated):
            # read the demo's own figures, or some pages pick plans that take seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        yield city


@pytest.fixture
def invalid_marker(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}}
    ]
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = INVALID + " %s@@"


@pytest.fixture
def client_as(demo, db, invalid_marker):
    def login(username, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies["django_language"] = language
        client.force_login(get_user_model().objects.get(username=username))
        return client

    yield login
    # LocaleMiddleware leaves the last request's language active in this thread.
    translation.deactivate()


def outside_codes(html, pattern, allowed):
    return sorted({code for code in pattern.findall(html) if code not in allowed})


def code_pattern(codes):
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


# Up to 400 pages in three languages: a few minutes on PostgreSQL when the machine is busy,
# more than the suite's per-test limit meant for hangs.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("username", USERS)
def test_crawl_demo_as(username, client_as, demo):
    pages, failures = crawl(client_as(username))
    assert len(pages) > 20, f"the crawl as {username} found only {sorted(pages)}"

    # A spread-out sample of the pages renders in every language.
    urls = sorted(pages)
    step = max(1, len(urls) // LANGUAGE_SAMPLE)
    sample = urls[::step][:LANGUAGE_SAMPLE]
    for language in LANGUAGES[1:]:
        client = client_as(username, language)
        for url in sample:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{url} [{language}]: {response.status_code}")
                continue
            html = response.content.decode()
            full_page = "<html" in html
            if response.get("Content-Language") != language or (
                full_page and f'<html lang="{language}">' not in html
            ):
                failures.append(f"{url} [{language}]: not rendered in {language}")
            for variable in undefined(html):
                failures.append(f"{url} [{language}]: undefined template variable {variable}")

    if username == "secretary":
        cell = Unit.objects.get(code=story.PPT_CODE)
        codes = set(Unit.objects.filter(under(demo.path)).values_list("code", flat=True))
        # The units that stood above the cell at any time (the town committee before the
        # 2025 reform, the new commune and the city since).
        above = UnitAncestry.objects.filter(unit=cell).values_list("ancestor__code", flat=True)
        allowed = set(above) | set(
            Unit.objects.filter(under(cell.path)).values_list("code", flat=True)
        )
        pattern = code_pattern(codes)
        for url, html in pages.items():
            leaked = outside_codes(DESTINATIONS.sub("", html), pattern, allowed)
            if leaked:
                failures.append(f"{url}: shows units outside the cell: {leaked}")

    assert not failures, "\n".join(failures)

"""Every page, rendered in Vietnamese and in German, is free of the product's English words.

The pages are those of the route tables (`tests/**/routes.py`, the every-URL contract):
each GET page is opened as `org` and as `secretary`, with the language chosen as the app
chooses it (the language cookie the switcher sets). A page fails when its visible text
(and the titles, placeholders and labels read out to people) still holds one of the
product's own English terms, or a raw code such as `transferred_out` or `cell_vote`.

What the data says is not the interface's business: the strings stored in the test town
(unit, person and course names, notes…) are taken out of the page before it is read.
"""

import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from grassroots.exchange.format import FILES
from tests.urlcheck import Route

TESTS_DIR = Path(__file__).resolve().parents[1]
LANGUAGES = ("vi", "de")
USERS = ("org", "secretary")

# The product's own words, as the English interface writes them: each has a Vietnamese
# and a German translation that differs from it (so "Status", "Code" or "Export" are not
# here: German writes them the same).
TERMS = (
    "Accounts",
    "Admission",
    "Admissions",
    "Admitted",
    "Calendar",
    "Confirmation",
    "Course",
    "Courses",
    "Dashboard",
    "Dossier",
    "Dossiers",
    "Findings",
    "History",
    "Member",
    "Members",
    "Membership",
    "Parent",
    "People",
    "Reports",
    "Restructuring",
    "Source",
    "Sources",
    "Target",
    "Targets",
    "Tasks",
    "Transfer",
    "Transfers",
    "Unit",
    "Units",
    "Work list",
    "admitted",
    "enrolled",
    "probationary",
    "official member",
    "transferred out",
)
TERM = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in TERMS) + r")(?![\w-])")
# A raw value or key, e.g. transferred_out, lower_secondary, superior_committee.
CODE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z]+)+(?![\w./-])")
# Codes a page may show on purpose: the file and column names of the exchange format (a
# contract, quoted in help texts and beside the export's check boxes) and settings named
# to operators.
ALLOWED_CODES = {"unit_code", *FILES}
# Apps whose stored text is the interface's own (history rows, the access log): kept.
NOT_DATA = {"history", "tasks", "sessions", "admin", "contenttypes", "auth", "axes"}


class VisibleText(HTMLParser):
    """The text a person sees or hears: character data outside script and style, plus
    title, placeholder, aria-label and alt attributes and the value of buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _routes():
    routes = []
    for path in sorted(TESTS_DIR.rglob("routes.py")):
        module = ".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts)
        for route in importlib.import_module(module).ROUTES:
            assert isinstance(route, Route)
            if route.method == "get" and not route.api and not route.public:
                routes.append(route)
    return routes


ROUTES = _routes()


def stored_strings():
    """Every text value the database holds in the project's own records (names, titles,
    notes), longest first; the user names too."""
    values = set(
        apps.get_model(settings.AUTH_USER_MODEL).objects.values_list("username", flat=True)
    )
    for model in apps.get_models():
        if not model.__module__.startswith("grassroots.") or model._meta.app_label in NOT_DATA:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            values.update(v for v in row if isinstance(v, str) and len(v) >= 3)
    return sorted(values, key=len, reverse=True)


def leftovers(text, data):
    for value in data:
        text = text.replace(value, " ")
    found = {m.group(1) for m in TERM.finditer(text)}
    found |= {m.group(0) for m in CODE.finditer(text)} - ALLOWED_CODES
    return found, text


def test_the_terms_are_translated_differently():
    """The listed terms the catalogues hold as they are have a translation of their own in
    each language (a term German writes the same would flag correct pages)."""
    import polib

    package = TESTS_DIR.parent / "src" / "grassroots" / "locale"
    held = 0
    for language in LANGUAGES:
        po = {
            e.msgid: e.msgstr
            for e in polib.pofile(str(package / language / "LC_MESSAGES" / "django.po"))
        }
        same = [t for t in TERMS if t in po and po[t] in ("", t)]
        held += sum(t in po for t in TERMS)
        assert not same, f"{language}: {same}"
    assert held >= len(TERMS)  # most terms are msgids of their own


def test_the_checker_sees_english_and_ignores_data():
    found, _rest = leftovers("Đơn vị Members · Ward 2 cell · transferred_out", ["Ward 2 cell"])
    assert found == {"Members", "transferred_out"}
    assert leftovers("Sources list kept", ["Sources list kept"])[0] == set()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_has_no_english_left(route, client, town):
    url = reverse(route.name, kwargs=route.build_kwargs(town))
    query = route.build_data(town)
    data = stored_strings()
    problems = []
    for username in USERS:
        client.force_login(town.user(username))
        for language in LANGUAGES:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(url, query)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue  # statuses are the every-URL test's business
            assert response.headers.get("Content-Language", language) == language
            found, text = leftovers(visible_text(response.content.decode()), data)
            for word in sorted(found):
                at = text.find(word)
                problems.append(
                    f"{username} {language}: {word!r} in …{text[max(at - 50, 0) : at + 50]}…"
                )
    assert not problems, f"{url}:\n" + "\n".join(problems)

"""Every page on a phone: at 360 × 740 no page is wider than the window, and each passes axe.

Opens every page of the URL map (tests/browser/pages.py: the route tables' sample URLs and the
menu crawl of the test town) as `org` and as `secretary` in a 360 px wide window and fails on
any page whose document is wider than the window (`scrollWidth > innerWidth`), listing each
such page with its width. A table may be wider than the screen: it scrolls inside its own box.
While a page is open in English, the first page of each URL name also runs axe-core
(tests/browser/axe.py): no serious or critical violation on a phone (the folded menu, tables
in their own box). Loading each page once for both checks keeps the two under a minute.

Every page is opened in English; Vietnamese and German (whose words are longer) open a spread
sample of PHONE_SAMPLE pages each. GRASSROOTS_PHONE_ALL=1 opens every page in all three
languages. A screenshot of every page that is too wide is saved under test-artifacts/phone/
(not kept in the repository); GRASSROOTS_PHONE_SHOTS=1 saves one of every page opened, as
docs/phone.md shows. The widest page is printed.
"""

import os
import re
from collections import Counter

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from tests.browser.axe import PER_ROUTE, axe_findings
from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import html_pages, route_urls, set_language

WIDTH, HEIGHT = 360, 740
LANGUAGES = ("en", "vi", "de")
PHONE_SAMPLE = 12
SHOTS = ARTIFACTS / "phone"
# Buttons, fields and the menu's links lower than 44 px (links inside text and tables are
# exempt: they are as high as their line).
SMALL_TARGETS = """
[...document.querySelectorAll(
  'button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + ' summary, .main-nav a, .top-right a')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 43.5)
  .map(e => e.outerHTML.slice(0, 80) + ' ' + Math.round(e.getBoundingClientRect().height) + ' px')
"""


def sample(urls, size):
    if os.environ.get("GRASSROOTS_PHONE_ALL") == "1" or len(urls) <= size:
        return urls
    step = len(urls) / size
    return [urls[int(i * step)] for i in range(size)]


def shots_of_every_page():
    return os.environ.get("GRASSROOTS_PHONE_SHOTS") == "1"


def slug(url):
    return re.sub(r"[^\w-]+", "_", url).strip("_") or "home"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["org", "secretary"])
def test_every_page_fits_a_phone(page, login, live_url, username):
    from tests.town import load_town

    urls = html_pages(username, route_urls(load_town()))
    assert len(urls) > 15, f"only {urls} found for {username}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob(f"{username}-*.png"):
        old.unlink()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    too_wide = []
    small = []
    inaccessible = []
    # The log-in page, before logging in.
    page.goto("/login/")
    if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
        too_wide.append("/login/")
    small.extend(f"/login/: {target}" for target in page.evaluate(SMALL_TARGETS))
    inaccessible.extend(axe_findings(page, "/login/"))
    if shots_of_every_page():
        page.screenshot(path=str(SHOTS / f"{username}-login.png"), full_page=True)
    login(username)
    widest = (0, None)
    axe_per_route = Counter()
    axe_pages = 0
    for language in LANGUAGES:
        set_language(page, live_url, language)
        for url in urls if language == "en" else sample(urls, PHONE_SAMPLE):
            page.goto(url)
            width, inner, lang = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth,"
                " document.documentElement.lang]"
            )
            assert lang == language, f"{url} is in {lang}, not {language}"
            widest = max(widest, (width, f"{url} [{language}]"))
            if width > inner:
                too_wide.append(f"{url} [{language}]: {width} px")
            if language == "en":
                small.extend(f"{url}: {target}" for target in page.evaluate(SMALL_TARGETS))
                route = resolve(url.partition("?")[0]).view_name
                if axe_per_route[route] < PER_ROUTE:
                    axe_per_route[route] += 1
                    axe_pages += 1
                    inaccessible.extend(axe_findings(page, url))
            if width > inner or shots_of_every_page():
                page.screenshot(
                    path=str(SHOTS / f"{username}-{language}-{slug(url)}.png"), full_page=True
                )
    print(
        f"\n{username}: widest page {widest[1]} at {widest[0]} px ({len(urls)} pages,"
        f" {axe_pages + 1} through axe)"
    )
    assert not too_wide, f"wider than {WIDTH} px as {username}:\n" + "\n".join(too_wide)
    assert not small, "touch targets lower than 44 px:\n" + "\n".join(small)
    assert not inaccessible, f"axe on a phone as {username}:\n" + "\n".join(inaccessible)


@pytest.mark.django_db(transaction=True)
def test_the_menu_folds_on_a_phone(page, login):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login("org")
    header = page.locator("header.top").bounding_box()
    assert header["height"] <= 120, f"the header takes {header['height']} px of the screen"
    people = page.locator(".main-nav").get_by_role("link", name="People", exact=True)
    expect(people).to_be_hidden()
    page.locator("details.menu > summary").click()
    expect(people).to_be_visible()
    assert people.bounding_box()["height"] >= 44
    people.click()
    expect(page.locator("h1")).to_contain_text("People")
    # On a wide screen the menu shows its links without a click.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.locator("details.menu > summary")).to_be_hidden()
    expect(people).to_be_visible()

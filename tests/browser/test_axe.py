"""Every page is accessible: axe-core finds no serious or critical violation.

Runs axe-core (vendored under tests/browser/vendor/, evaluated in the page by Playwright, so the
page's Content-Security-Policy is untouched and nothing comes from a CDN) on every page of the
URL map (tests/browser/pages.py) as `org` on a wide screen and on a phone (360 px: the folded
menu, tables scrolling in their own box) and as `secretary` on a phone, in English, and fails on
any violation of impact serious or critical, listing page, rule and elements.
"""

import json
from pathlib import Path

import pytest

from tests.browser.pages import html_pages, route_urls

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
IMPACTS = {"serious", "critical"}
# Pages of one URL name share their template; axe takes about half a second a page.
PER_ROUTE = 1


def axe_violations(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in IMPACTS]


@pytest.mark.django_db(transaction=True)
# The committee on a wide screen and a phone; the cell secretary, who works on a phone, on
# the phone (the secretary's pages are the committee's pages of a smaller scope, so the wide
# screen adds nothing the committee's run does not check).
@pytest.mark.parametrize(("username", "width"), [("org", 1280), ("org", 360), ("secretary", 360)])
def test_every_page_passes_axe(page, login, live_url, username, width):
    from tests.town import load_town

    urls = html_pages(username, route_urls(load_town()), per_route=PER_ROUTE)
    assert len(urls) > 15, f"only {urls} found for {username}"
    page.set_viewport_size({"width": width, "height": 740 if width < 700 else 900})
    found = []

    def check(url):
        page.goto(url)
        for violation in axe_violations(page):
            targets = [json.dumps(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{url}: {violation['id']} ({violation['impact']}) {' '.join(targets)}")

    check("/login/")  # before logging in
    login(username)
    for url in urls:
        check(url)
    print(f"\n{username} at {width} px: {len(found)} pages × rules failing of {len(urls) + 1}")
    assert not found, f"axe as {username}:\n" + "\n".join(found)

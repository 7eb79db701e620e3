"""Every page is accessible: axe-core finds no serious or critical violation.

Runs axe-core (vendored under tests/browser/vendor/, evaluated in the page by Playwright, so the
page's Content-Security-Policy is untouched and nothing comes from a CDN) on every page of the
URL map (tests/browser/pages.py) as `org` on a wide screen, in English, and fails on any
violation of impact serious or critical, listing page, rule and elements. On a phone (360 px:
the folded menu, tables scrolling in their own box) tests/browser/test_phone_width.py runs the
same check as `org` and as `secretary` while it opens every page, so each page is loaded once
at that width.
"""

import pytest

from tests.browser.axe import PER_ROUTE, axe_findings
from tests.browser.pages import html_pages, route_urls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("username", "width"), [("org", 1280)])
def test_every_page_passes_axe(page, login, live_url, username, width):
    from tests.town import load_town

    urls = html_pages(username, route_urls(load_town()), per_route=PER_ROUTE)
    assert len(urls) > 15, f"only {urls} found for {username}"
    page.set_viewport_size({"width": width, "height": 740 if width < 700 else 900})
    found = []

    def check(url):
        page.goto(url)
        found.extend(axe_findings(page, url))

    check("/login/")  # before logging in
    login(username)
    for url in urls:
        check(url)
    print(f"\n{username} at {width} px: {len(found)} pages × rules failing of {len(urls) + 1}")
    assert not found, f"axe as {username}:\n" + "\n".join(found)

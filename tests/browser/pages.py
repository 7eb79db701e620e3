"""The pages of the URL map, for the browser tests that open every page (phone width, axe).

A user's pages are the sample URL of every GET route in the route tables (tests/urlcheck.py,
built from the test town) that answers this user with an HTML page, together with every page
the menu crawl of tests/test_crawl.py reaches from "/" as that user. Downloads, the API and
pages the user may not open are left out; at most PER_ROUTE pages of one URL name are kept.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from tests.security.test_every_url import ROUTES
from tests.test_crawl import SKIP_PATH, crawl

# Pages of one URL name share their template: a few of each are enough.
PER_ROUTE = 3


def route_urls(town):
    """The sample URL of every GET page route (kwargs may create records in the town)."""
    urls = []
    for route in ROUTES:
        if route.method != "get" or route.api or route.public:
            continue
        try:
            with transaction.atomic():
                kwargs = route.build_kwargs(town)
        except ValidationError:
            # Two routes building the same record (the every-URL test builds each alone):
            # the page is still reached through another route or the crawl.
            continue
        url = reverse(route.name, kwargs=kwargs)
        if not SKIP_PATH.search(url):
            urls.append(url)
    return urls


def html_pages(username, extra=(), per_route=PER_ROUTE):
    """The HTML pages `username` can open: the menu crawl plus `extra`, in a stable order."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    crawled, _failures = crawl(client)
    urls = {}
    paths = set()
    limit, per_route = per_route, Counter()
    # One URL per path: a filter's query-string variants show the same page layout.
    for url in [*sorted(crawled), *extra]:
        path = url.partition("?")[0]
        name = resolve(path).view_name
        if path in paths or per_route[name] >= limit:
            continue
        paths.add(path)
        per_route[name] += 1
        if url in crawled:
            # htmx partials (a unit's children) are parts of pages, not pages.
            if "<html" in crawled[url]:
                urls[url] = None
            continue
        response = client.get(url)
        if response.status_code == 200 and b"<html" in response.content:
            urls[url] = None
    return list(urls)


def set_language(page, live_url, language):
    """Chooses the interface language the way the language menu does: Django's cookie."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])

"""A signed-in user's pages given again while nothing changed (core/pagecache.py).

Every test asks a page twice and checks that the second answer came from the cache (the
view's queries were not sent), then changes data through one of the doors (a form, a
service, the ORM, a command, an import) and checks that the page shows the change.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from grassroots.core import pagecache
from grassroots.history import generation
from grassroots.history.models import Access, Generation
from grassroots.history.services import Trace
from grassroots.people import services as people_services
from grassroots.people.models import Person
from tests.people.test_person_page import _form as person_form
from tests.perf.test_query_counts import _pages

pytestmark = pytest.mark.django_db

LAN = "001090000002"  # Nguyễn Thị Lan, high school cell
PEOPLE = reverse("people:list")


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _get(client, url, **extra):
    """(response, number of queries) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response, len(queries)


def _signed_in(client_for, username):
    client = client_for(username)
    client.get(reverse("home"), follow=True)  # the first page sets the CSRF cookie
    assert client.cookies.get("csrftoken")
    return client


def test_the_same_page_again_is_given_from_the_cache(client_for):
    client = _signed_in(client_for, "secretary")
    first, made = _get(client, PEOPLE)
    again, given = _get(client, PEOPLE)
    assert again.content == first.content
    assert given < made
    assert again["Content-Type"] == first["Content-Type"]
    # The headers of every page still come from the middleware above the cache.
    assert "no-store" in again["Cache-Control"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_kept_page_logs_the_people_it_shows_again(client_for, town):
    client = _signed_in(client_for, "secretary")
    Access.objects.all().delete()
    _get(client, reverse("people:detail", args=[LAN]))
    _get(client, PEOPLE)
    before = list(Access.objects.order_by("pk").values_list("kind", "what", "person", "unit"))
    Access.objects.all().delete()
    _detail, given = _get(client, reverse("people:detail", args=[LAN]))
    _list, given_list = _get(client, PEOPLE)
    assert given <= 4 and given_list <= 4  # session, user, generation, log: from the cache
    after = list(Access.objects.order_by("pk").values_list("kind", "what", "person", "unit"))
    assert after == before
    assert {a.actor for a in Access.objects.all()} == {town.user("secretary")}


def test_a_change_through_a_form_shows_at_once(client_for, town):
    client = _signed_in(client_for, "secretary")
    page = reverse("people:detail", args=[LAN])
    _get(client, page)
    data = person_form(national_id=LAN, full_name="Nguyễn Thị Lan Anh", birth_date="1990-01-01")
    assert client.post(reverse("people:edit", args=[LAN]), data).status_code == 302
    response, _queries = _get(client, page)
    assert "Nguyễn Thị Lan Anh" in response.content.decode()


def test_a_change_through_a_service_shows_at_once(client_for, town):
    client = _signed_in(client_for, "org")
    _get(client, PEOPLE)
    people_services.person_update(
        trace=Trace(user=town.user("org")),
        person=town.people[LAN],
        full_name="Nguyễn Thị Lan Chi",
    )
    response, _queries = _get(client, PEOPLE)
    assert "Nguyễn Thị Lan Chi" in response.content.decode()


def test_a_change_through_the_orm_shows_at_once(client_for, town):
    client = _signed_in(client_for, "org")
    _get(client, PEOPLE)
    person = Person.objects.get(national_id=LAN)
    person.full_name = "Nguyễn Thị Lan Hương"
    person.save()
    response, _queries = _get(client, PEOPLE)
    assert "Nguyễn Thị Lan Hương" in response.content.decode()


def test_a_rebuild_of_derived_rows_moves_the_generation_on():
    before = generation.current_generation()
    call_command("rebuild_unit_counts", verbosity=0)
    assert generation.current_generation() != before


def test_every_write_request_moves_the_generation_on(client_for):
    client = _signed_in(client_for, "secretary")
    before = generation.current_generation()
    client.post(reverse("set_language"), {"language": "de"})
    assert generation.current_generation() != before


def test_a_refused_form_leaves_the_generation_and_a_change_moves_it_once(client_for):
    client = _signed_in(client_for, "secretary")
    before = generation.current_generation()
    refused = client.post(reverse("people:create"), {"national_id": "1", "full_name": ""})
    assert refused.status_code in (200, 400) and refused.context["form"].errors
    assert generation.current_generation() == before
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("people:create"), person_form()).status_code == 302
    assert generation.current_generation() > before
    moves = [q["sql"] for q in queries if "history_generation" in q["sql"]]
    # The person and their history row: moved in the service's transaction; the request's
    # own check does not move it again (the test's transaction moves it at each change).
    assert 1 <= len(moves) <= 3


def test_another_user_never_gets_a_kept_page(client_for, client, town):
    page = reverse("people:detail", args=[LAN])
    secretary = _signed_in(client_for, "secretary")
    _get(secretary, page)
    _get(secretary, page)
    client.logout()
    client.force_login(town.user("outsider"))
    client.get(reverse("home"), follow=True)
    assert client.get(page).status_code == 404


def test_a_page_in_another_language_is_made_anew(client_for):
    client = _signed_in(client_for, "secretary")
    english, _queries = _get(client, PEOPLE)
    german, _queries = _get(client, PEOPLE, HTTP_ACCEPT_LANGUAGE="de")
    assert german["Content-Language"] == "de"
    assert german.content != english.content


def test_a_new_day_makes_the_page_anew(client_for, monkeypatch):
    client = _signed_in(client_for, "secretary")
    worklist = reverse("deadlines:worklist")
    _get(client, worklist)
    _again, given = _get(client, worklist)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(pagecache.timezone, "localdate", lambda: tomorrow)
    _next_day, made = _get(client, worklist)
    assert made > given


def test_a_page_with_a_message_waiting_is_made_anew(client_for, rf):
    client = _signed_in(client_for, "secretary")
    kept, _queries = _get(client, PEOPLE)
    _again, given = _get(client, PEOPLE)
    waiting = Message(messages.SUCCESS, "The person was saved.")
    client.cookies["messages"] = CookieStorage(rf.get("/"))._encode([waiting])
    shown, made = _get(client, PEOPLE)
    assert "The person was saved." in shown.content.decode()
    assert made > given
    after, given_again = _get(client, PEOPLE)
    assert "The person was saved." not in after.content.decode()
    assert after.content == kept.content and given_again == given


def test_the_cache_is_off_with_zero_seconds(client_for, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = _signed_in(client_for, "secretary")
    _first, made = _get(client, PEOPLE)
    _again, given = _get(client, PEOPLE)
    assert given == made


def test_only_listed_read_only_pages_are_kept():
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = pattern.namespace
                walk(pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    assert pagecache.PAGES <= names
    assert not {"exchange:index", "tasks:list", "history:accesses"} & pagecache.PAGES


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_generation_on_once_and_on_postgresql_after_its_commit(town):
    """Inside the writer's transaction others may read the generation (PostgreSQL's
    sequence is outside transactions) and make a page without the change: after the
    commit it moves on again, so that page is never found. SQLite's row moves with the
    data. Within one transaction it moves once, however many changes."""
    start = generation.current_generation()
    with transaction.atomic():
        for name in ("Nguyễn Thị Lan Phương", "Nguyễn Thị Lan Vy"):
            people_services.person_update(
                trace=Trace(user=town.user("org")), person=town.people[LAN], full_name=name
            )
            if name.endswith("Phương"):
                during = generation.current_generation()
        assert during == start + 1
        assert generation.current_generation() == during
    if connection.vendor == "postgresql":
        assert generation.current_generation() == during + 1
    else:
        assert generation.current_generation() == during


@pytest.mark.parametrize("username", ["org", "secretary"])
def test_every_kept_page_is_given_again_whole_and_cheaply(client_for, town, username):
    """Each page of PAGES in the route tables, asked twice by the same session: the second
    answer is the first, byte for byte, and costs at most the session, the user, the
    generation and the log of reads (plus the roles a 404 or 403 needs, when the page is
    refused: a refusal is never kept)."""
    client = _signed_in(client_for, username)
    seen = set()
    for _label, route in _pages():
        if route.name not in pagecache.PAGES:
            continue
        with transaction.atomic():
            url = reverse(route.name, kwargs=route.build_kwargs(town))
            data = route.build_data(town) or None
            first = client.get(url, data)
            with CaptureQueriesContext(connection) as queries:
                again = client.get(url, data)
            transaction.set_rollback(True)
        assert again.status_code == first.status_code, url
        if first.status_code == 200:
            assert again.content == first.content, url
            assert len(queries) <= 4, (url, [q["sql"] for q in queries])
            seen.add(route.name)
    if username == "org":
        assert seen == pagecache.PAGES - {"accounts:users"}  # an administrator's page


def test_the_counter_comes_back_after_its_row_was_emptied(client_for):
    """A flush (a transactional test, `grassroots flush`) empties the row: the counter
    starts again from zero and pages are still kept and still let go."""
    Generation.objects.all().delete()
    client = _signed_in(client_for, "secretary")
    _first, made = _get(client, PEOPLE)
    _again, given = _get(client, PEOPLE)
    assert given < made
    before = generation.current_generation()
    generation.data_changed()
    assert generation.current_generation() != before


def test_the_rows_no_kept_page_shows_are_models_that_exist():
    """A misspelt label would let every save of that model drop every kept page."""
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert generation.UNSHOWN_MODELS <= labels

"""National-scale pages: what SQL they send, checked on the small town.

Timings need the national database (bench/pages_bench.py); these tests pin the shape that
makes them fast: counts come from the unit counters, lists stop counting at a cap, the ID
search uses the national ID's index, and the work list reads confirmations page by page.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots import paging
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import Admission
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _sql(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def _counts_of(sqls, table):
    return [sql for sql in sqls if "COUNT(" in sql.upper() and f'"{table}"' in sql]


def test_the_tree_reads_the_counters_not_the_registers(client_for, town):
    response, sqls = _sql(client_for("admin"), reverse("org:tree"))
    assert not [sql for sql in sqls if '"people_person"' in sql or '"people_membership"' in sql]
    town_node = response.context["roots"][0]
    assert town_node.people_count == Person.objects.exclude(unit=None).count()


def test_the_unit_page_counts_nothing(client_for, town):
    response, sqls = _sql(client_for("admin"), reverse("org:unit", args=["W1"]))
    assert not _counts_of(sqls, "people_person")
    assert not _counts_of(sqls, "people_membership")
    w1_people = Person.objects.filter(unit__path__startswith=town.unit("W1").path).count()
    assert response.context["page_obj"].paginator.count == w1_people


def test_the_people_list_counts_only_the_people_without_a_unit(client_for, town):
    PersonFactory(unit=None)
    response, sqls = _sql(client_for("admin"), reverse("people:list"))
    counts = _counts_of(sqls, "people_person")
    assert len(counts) == 1 and "IS NULL" in counts[0]
    assert response.context["page_obj"].paginator.count == Person.objects.count()


def test_a_search_stops_counting_at_the_cap(client_for, town, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    PersonFactory.create_batch(4, full_name="Nguyễn Văn Bình", unit=town.unit("W1C2"))
    response, sqls = _sql(client_for("admin"), reverse("people:list"), {"q": "nguyen binh"})
    (count,) = _counts_of(sqls, "people_person")
    assert re.search(r"LIMIT 3\b", count)
    assert response.context["page_obj"].paginator.capped
    assert "More than 2 people found" in response.content.decode()


def test_an_id_search_matches_the_start_of_the_national_id(client_for, town):
    PersonFactory(national_id="079555000001", full_name="Lê Văn A", unit=town.unit("W1C2"))
    PersonFactory(national_id="001079555000", full_name="Lê Văn B", unit=town.unit("W1C2"))
    response, sqls = _sql(client_for("admin"), reverse("people:list"), {"q": "0795550"})
    assert [p.national_id for p in response.context["page_obj"]] == ["079555000001"]
    listing = [sql for sql in sqls if "ORDER BY" in sql and '"people_person"' in sql]
    assert listing and all("search_text" not in sql.split("WHERE")[1] for sql in listing)


def test_the_work_list_reads_confirmations_up_to_the_page(client_for, town):
    today = dt.date.today()
    for i in range(3):
        person = PersonFactory(unit=town.unit("W1C1"))
        ends = today - dt.timedelta(days=100 + i)
        membership = Membership.objects.create(
            person=person,
            unit=town.unit("W1C1"),
            status=Membership.Status.PROBATIONARY,
            admitted_on=ends - dt.timedelta(days=400),
            ceremony_date=ends - dt.timedelta(days=365),
            probation_ends_on=ends,
        )
        Admission.objects.create(
            person=person,
            unit=town.unit("W1C1"),
            decision_date=ends - dt.timedelta(days=400),
            ceremony_date=ends - dt.timedelta(days=365),
            membership=membership,
        )
    response, sqls = _sql(client_for("admin"), reverse("deadlines:worklist"))
    # The admissions read for the recognition votes (the pending decisions, read from the
    # confirmations, are the few votes held and not decided yet).
    reads = [s for s in sqls if 'FROM "pipeline_admission"' in s and "probation_ends_on" in s]
    # Those with a stored probation end (all of them here) are read up to the page's end,
    # plus the few days whose due date ties with the last one; only legacy rows without
    # a stored end would be read whole.
    listed = [
        s for s in reads if "COUNT(" not in s.upper() and '"probation_ends_on" IS NULL' not in s
    ]
    assert any(re.search(r"LIMIT \d+$", s) for s in listed)
    assert all(re.search(r"LIMIT \d+$", s) or '"probation_ends_on" >' in s for s in listed)
    assert response.context["counts"]["overdue"] == 3

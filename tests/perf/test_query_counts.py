"""Query counts per page, recorded: a page that sends more SQL than recorded fails.

Every HTML page of the route tables (`tests/**/routes.py`, the GET routes that are not
the API, not public and not a download) is requested as `org` (the town's organisation
committee) and as `secretary` (a high-school cell) on the test town; the second request
of each page is counted (the first warms per-process caches), with the status in the key
so that a page that starts refusing a user shows too. The page cache is off here
(core/pagecache.py would give the second request from the cache): the count is what
making the page costs; what giving a kept page costs is tests/core/test_pagecache.py's.

When a page needs more queries on purpose, or after making one cheaper, replace EXPECTED
with the table the failure prints (or run with PRINT_QUERY_COUNTS=1 and `-s`). Counts were
recorded on SQLite; PostgreSQL sends no more on any page (checked when recorded).
"""

import importlib
import os
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.urlcheck import Route

pytestmark = pytest.mark.django_db

TESTS_DIR = Path(__file__).resolve().parents[1]
USERS = ("org", "secretary")
# Downloads (files, not pages) are left to their own tests.
NOT_PAGES = ("export", "xlsx", "pdf", "download", "attachment", "template", "progress")

# Recorded on SQLite with the code of the pagespeed branch (December 2026).
EXPECTED = {
    "accounts:login_failures as org (403)": 3,
    "accounts:login_failures as secretary (403)": 3,
    "accounts:me as org (200)": 7,
    "accounts:me as secretary (200)": 7,
    "accounts:password_change as org (200)": 3,
    "accounts:password_change as secretary (200)": 3,
    "accounts:password_change_done as org (200)": 3,
    "accounts:password_change_done as secretary (200)": 3,
    "accounts:two_factor as org (200)": 6,
    "accounts:two_factor as secretary (403)": 4,
    "accounts:user_create as org (403)": 3,
    "accounts:user_create as secretary (403)": 3,
    "accounts:user_detail as org (404)": 3,
    "accounts:user_detail as secretary (404)": 3,
    "accounts:users as org (403)": 3,
    "accounts:users as secretary (403)": 3,
    "conferences:conclusion_new as org (200)": 4,
    "conferences:conclusion_new as secretary (404)": 4,
    "conferences:detail as org (200)": 9,
    "conferences:detail as secretary (404)": 4,
    "conferences:list as org (200)": 5,
    "conferences:list as secretary (404)": 5,
    "conferences:new as org (200)": 7,
    "conferences:new as secretary (404)": 5,
    "conferences:paper as secretary (404)": 4,
    "conferences:participants as org (200)": 3,
    "conferences:participants as secretary (403)": 3,
    "conferences:recognition_new as org (200)": 4,
    "conferences:recognition_new as secretary (404)": 4,
    "conferences:task as org (200)": 4,
    "conferences:task as secretary (404)": 4,
    "deadlines:notification_badge as org (200)": 14,
    "deadlines:notification_badge as secretary (200)": 14,
    "deadlines:notifications as org (200)": 15,
    "deadlines:notifications as secretary (200)": 15,
    "deadlines:worklist as org (200)": 16,
    "deadlines:worklist as secretary (404)": 4,
    "deadlines:worklist plain as org (200)": 15,
    "deadlines:worklist plain as secretary (200)": 15,
    "exchange:index as org (200)": 5,
    "exchange:index as secretary (200)": 5,
    "history:accesses as org (200)": 4,
    "history:accesses as secretary (403)": 3,
    "history:list as org (200)": 9,
    "history:list as secretary (200)": 8,
    "home as org (302)": 4,
    "home as secretary (302)": 4,
    "org:children as org (200)": 9,
    "org:children as secretary (404)": 4,
    "org:close as org (403)": 6,
    "org:close as secretary (404)": 4,
    "org:create as org (200)": 5,
    "org:create as secretary (403)": 3,
    "org:edit as org (200)": 8,
    "org:edit as secretary (404)": 4,
    "org:history as org (200)": 6,
    "org:history as secretary (200)": 6,
    "org:merge as org (403)": 6,
    "org:merge as secretary (404)": 4,
    "org:move as org (403)": 6,
    "org:move as secretary (404)": 4,
    "org:rename as org (403)": 6,
    "org:rename as secretary (404)": 4,
    "org:split as org (403)": 6,
    "org:split as secretary (404)": 4,
    "org:tree as org (200)": 9,
    "org:tree as secretary (200)": 8,
    "org:unit as org (200)": 23,
    "org:unit as secretary (200)": 23,
    "people:create as org (200)": 3,
    "people:create as secretary (200)": 3,
    "people:detail as org (200)": 13,
    "people:detail as secretary (200)": 13,
    "people:edit as org (200)": 5,
    "people:edit as secretary (404)": 4,
    "people:history as org (200)": 7,
    "people:history as secretary (200)": 7,
    "people:list as org (200)": 9,
    "people:list as secretary (200)": 8,
    "pipeline:confirm as org (200)": 7,
    "pipeline:confirm as secretary (404)": 4,
    "pipeline:course as org (200)": 5,
    "pipeline:course as secretary (404)": 4,
    "pipeline:course_new as org (200)": 3,
    "pipeline:course_new as secretary (403)": 3,
    "pipeline:course_results as org (200)": 5,
    "pipeline:course_results as secretary (404)": 4,
    "pipeline:courses as org (200)": 4,
    "pipeline:courses as secretary (200)": 4,
    "pipeline:dossier as org (200)": 18,
    "pipeline:dossier as secretary (404)": 4,
    "pipeline:dossier_form as secretary (404)": 4,
    "pipeline:dossier_forms as secretary (404)": 4,
    "pipeline:dossier_new as org (200)": 3,
    "pipeline:dossier_new as secretary (200)": 3,
    "pipeline:dossiers as org (200)": 6,
    "pipeline:dossiers as secretary (200)": 6,
    "pipeline:members as org (200)": 4,
    "pipeline:members as secretary (200)": 4,
    "pipeline:registration as org (200)": 5,
    "pipeline:registration as secretary (404)": 4,
    "pipeline:source_edit as org (200)": 5,
    "pipeline:source_edit as secretary (404)": 4,
    "pipeline:source_new as org (200)": 3,
    "pipeline:source_new as secretary (200)": 3,
    "pipeline:sources as org (200)": 4,
    "pipeline:sources as secretary (200)": 4,
    "pipeline:step_annul as org (200)": 4,
    "pipeline:step_annul as secretary (404)": 4,
    "pipeline:step_correct as org (200)": 4,
    "pipeline:step_correct as secretary (404)": 4,
    "plans:at_risk as org (200)": 7,
    "plans:at_risk as secretary (404)": 5,
    "plans:finding_close as org (200)": 4,
    "plans:finding_close as secretary (404)": 4,
    "plans:finding_new as org (200)": 5,
    "plans:finding_new as secretary (404)": 5,
    "plans:findings as org (200)": 5,
    "plans:findings as secretary (404)": 5,
    "plans:target_allocate as org (200)": 33,
    "plans:target_allocate as secretary (404)": 4,
    "plans:target_edit as org (200)": 6,
    "plans:target_edit as secretary (404)": 4,
    "plans:target_new as org (200)": 5,
    "plans:target_new as secretary (404)": 5,
    "plans:targets as org (200)": 6,
    "plans:targets as secretary (404)": 5,
    "reports:achievement as org (200)": 12,
    "reports:achievement as secretary (404)": 5,
    "reports:composition as org (200)": 10,
    "reports:composition as secretary (200)": 10,
    "reports:dashboard as org (200)": 30,
    "reports:dashboard as secretary (404)": 5,
    "reports:funnel as org (200)": 10,
    "reports:funnel as secretary (404)": 4,
    "reports:index as org (200)": 4,
    "reports:index as secretary (200)": 4,
    "reports:newly_admitted as org (200)": 10,
    "reports:newly_admitted as secretary (404)": 5,
    "restructuring:event as org (200)": 10,
    "restructuring:event as secretary (200)": 9,
    "restructuring:list as org (200)": 4,
    "restructuring:list as secretary (200)": 4,
    "tasks:detail as org (404)": 4,
    "tasks:detail as secretary (404)": 4,
    "tasks:index as org (200)": 4,
    "tasks:index as secretary (200)": 4,
    "transfers:detail as org (200)": 6,
    "transfers:detail as secretary (200)": 6,
    "transfers:incoming as org (200)": 3,
    "transfers:incoming as secretary (200)": 3,
    "transfers:list as org (200)": 4,
    "transfers:list as secretary (200)": 4,
    "transfers:new as org (200)": 6,
    "transfers:new as secretary (404)": 4,
}


# Pages the route tables reach only with parameters: also requested plainly.
PLAIN = (Route("deadlines:worklist"),)


def _pages():
    pages = [(f"{route.name} plain", route) for route in PLAIN]
    for path in sorted(TESTS_DIR.rglob("routes.py")):
        module_name = ".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts)
        for route in importlib.import_module(module_name).ROUTES:
            if route.method != "get" or route.api or route.public:
                continue
            if any(word in route.name for word in NOT_PAGES):
                continue
            pages.append((route.name, route))
    return pages


def _table(found):
    lines = ["EXPECTED = {"]
    for key in sorted(found):
        lines.append(f'    "{key}": {found[key]},')
    lines.append("}")
    return "\n".join(lines)


def test_no_page_sends_more_queries_than_recorded(client, town, settings):
    settings.PAGE_CACHE_SECONDS = 0
    found = {}
    for label, route in _pages():
        with transaction.atomic():  # each route on the same town (its builders add records)
            url = reverse(route.name, kwargs=route.build_kwargs(town))
            data = route.build_data(town) or None
            for username in USERS:
                client.force_login(town.user(username))
                client.get(url, data)  # warm per-process caches
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, data)
                if response.get("Content-Type", "").startswith("text/html"):
                    key = f"{label} as {username} ({response.status_code})"
                    found[key] = len(captured)
            transaction.set_rollback(True)
    if os.environ.get("PRINT_QUERY_COUNTS"):
        print(_table(found))
    grown = [
        f"{key}: {n} queries, recorded {EXPECTED[key]}"
        for key, n in found.items()
        if key in EXPECTED and n > EXPECTED[key]
    ]
    new = sorted(set(found) - set(EXPECTED))
    gone = sorted(set(EXPECTED) - set(found))
    problems = [*grown]
    if new:
        problems.append(f"not recorded (a new page, or a new status): {new}")
    if gone:
        problems.append(f"recorded but not requested any more: {gone}")
    assert not problems, (
        "Query counts differ from tests/perf/test_query_counts.py EXPECTED:\n"
        + "\n".join(problems)
        + "\n\nIf the change is meant, replace EXPECTED with:\n"
        + _table(found)
    )

"""A signed-in user's pages, kept for a few minutes and given again while nothing changed.

Most page views show data that has not changed since the same user saw the same page a
minute before: a committee member going back and forth between the dashboard, the work
list and a dossier. This keeps the HTML a page view made and answers the next identical
request with it, as long as the data cannot have changed:

- **The generation** (`history.generation`): a counter that every change of what pages
  show moves on (history rows, saved models, bulk writers, and every POST, PUT, PATCH or
  DELETE that did what it was asked, which this middleware adds when nothing else did). A page is kept under the generation read before
  its view ran, so a page made while data changed is never found again.
- **The key.** The generation, the user, the session and its CSRF cookie (a form on the
  page carries a token for that cookie; without the cookie nothing is kept), the
  language, today's date (the work list counts days), the htmx headers and the full path
  with its query. A kept page is given only to the session that made it.
- **The pages.** Only the read-only pages named in `PAGES`, answering GET with 200, no
  cookie set, no attachment, no message waiting to be shown. Pages that show the progress
  of background work (the data exchange, my tasks) or the log of reads are not kept, nor
  a page that read from a replica (`grassroots.replicas`), which may lag the primary.
- **The log of reads.** A page that logs the people it showed (`history.services
  .record_reads`, `record_access`) logs them again, at the new time, when it is given from
  the cache: the log is the same as without it.
- **Where.** The cache alias `pages`: each process's memory in the embedded mode, Redis
  with REDIS_URL. `PAGE_CACHE_SECONDS` (default 300) bounds how long a page is kept;
  0 turns the cache off. Each process start makes new keys, so pages of an older release
  are never given.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone

from grassroots import bulk, replicas
from grassroots.history import generation
from grassroots.history.models import Access
from grassroots.history.services import ACCESS_COLUMNS

# The read-only pages kept (URL names): the most-used pages of every role
# (bench/load_bench.py). A page is listed only if its HTML depends on nothing but the
# data, the user, the session, the language, the date and the request's path.
PAGES = frozenset(
    {
        "org:unit",
        "org:tree",
        "people:list",
        "people:detail",
        "deadlines:worklist",
        "deadlines:notifications",
        "reports:dashboard",
        "reports:achievement",
        "pipeline:sources",
        "pipeline:dossiers",
        "pipeline:dossier",
        "pipeline:members",
        "transfers:list",
        "plans:targets",
        "accounts:users",
    }
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
BOOT = secrets.token_hex(6)


def seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def _cache():
    """The alias `pages` (settings), or the default cache where a deployment's own CACHES
    names no such alias."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def _log_again(user, rows):
    at = bulk.adapt_datetime(timezone.now())
    bulk.insert_values(Access, ACCESS_COLUMNS, [(at, user.pk, *row) for row in rows])


def _key(request, current):
    hx = sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))
    parts = (
        BOOT,
        current,
        request.user.pk,
        request.session.session_key,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.LANGUAGE_CODE,
        timezone.localdate().isoformat(),
        hx,
        request.get_full_path(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _has_messages(request):
    storage = getattr(request, "_messages", None)
    return storage is not None and len(messages.get_messages(request)) > 0


def _keepable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Content-Disposition")
    )


def _done(request, response):
    """A write request that did what it was asked: a form's redirect, or an API answer
    other than an error."""
    if request.path_info.startswith("/api/"):
        return response.status_code < 400
    return 300 <= response.status_code < 400


class PageCacheMiddleware:
    """Last in MIDDLEWARE: what it gives again goes out through every other middleware
    (headers, CSP, sessions) as the view's own answer would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writing = request.method not in SAFE_METHODS
        if writing:
            moved, watch = generation.watching()
        try:
            response = self.get_response(request)
        finally:
            if writing:
                generation.stop_watching(watch)
            keeping = getattr(request, "_page_cache", None)
            if keeping is not None:
                generation.stop_noting(keeping["token"])
                replicas.stop_noting(keeping["replica_token"])
        if writing and not moved[0] and _done(request, response):
            # Every change already moved the generation on (history, saves, bulk
            # writers); this covers what changed otherwise. Not after a form shown again
            # with its errors, which changed nothing: it need not wait for SQLite's writer.
            generation.data_changed()
        elif keeping is not None and _keepable(response) and not keeping["replica"][0]:
            _cache().set(
                keeping["key"],
                (response.content, list(response.items()), keeping["reads"]),
                seconds(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "GET"
            or not seconds()
            or request.resolver_match is None
            or request.resolver_match.view_name not in PAGES
            or not request.user.is_authenticated
            or request.session.session_key is None
            # A page's forms carry a token for the CSRF cookie: without one yet, the page
            # made now sets it, and a kept copy would carry a token nobody holds.
            or not request.COOKIES.get(settings.CSRF_COOKIE_NAME)
            or _has_messages(request)
        ):
            return None
        current = generation.current_generation()
        if current is None:
            return None
        key = _key(request, current)
        kept = _cache().get(key)
        if kept is not None:
            content, headers, reads = kept
            if reads:
                _log_again(request.user, reads)
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        reads, token = generation.noting_reads()
        replica, replica_token = replicas.noting_replica_reads()
        request._page_cache = {
            "key": key,
            "reads": reads,
            "token": token,
            "replica": replica,
            "replica_token": replica_token,
        }
        return None

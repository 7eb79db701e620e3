"""Pages per second under load: gunicorn on PostgreSQL, driven by wrk, beside the log-in page.

    .venv/bin/python bench/load_bench.py [--database-url URL] [--recreate] [--generated]
        [--workers 4] [--connections 50] [--threads 2] [--duration 10s] [--alone]
        [--no-page-cache] [--changes-per-second N]

Prepares a PostgreSQL database of its own (default `grassroots_load`; the script refuses
the `postgres` database): with --recreate, or when it does not exist, it is created,
migrated and filled with the demo town (`grassroots demo`), or with --generated with a
20,000-unit, 400,000-person organisation (`grassroots generate`) and a superuser
`bench-admin`; then today's forecasts are stored, as the worker's nightly job would have
them (`grassroots forecasts`). Then it starts `gunicorn grassroots.wsgi` with --workers
workers, signs in each role (the demo's `org`, `admin` and `secretary`, password `demo`;
`bench-admin` on a generated database), checks that every page of its set answers 200 with that session, and
drives wrk (/usr/bin/wrk) against:

- the log-in page, signed out: the baseline of the same server in the same run;
- for each role, its most-used pages mixed (round robin, the session cookie on each
  request);
- with --alone, each page on its own as well.

Signed-in pages are given from the page cache (core/pagecache.py) when the same session
asks the same page again while no data changed, which is what wrk's round robin does
after the warm-up; `--no-page-cache` runs the server with PAGE_CACHE_SECONDS=0, so that
every request makes its page anew (the figure for a first view). `--changes-per-second N`
moves the data's generation on N times a second while the mixed sets run, as N changes
anywhere in the organisation would: after each, every page is made anew once.

For each it prints requests/s, p50/p95/p99 latency (ms), responses other than 2xx, and
socket errors; and the ratio of each mixed set's requests/s to the log-in page's. wrk's
own threads share the machine with the server, as they would in any single-machine run.
"""

import argparse
import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grassroots_load"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

# The most-used pages of each role on the demo town (DN the city, DB the former town,
# DB-PPT the high-school cell). {person} and {dossier} are filled from the database.
DEMO_PAGES = {
    "org": [
        "/units/DN/",
        "/units/",
        "/people/",
        "/people/?q=nguyen",
        "/people/{person}/",
        "/deadlines/",
        "/deadlines/reminders/",
        "/reports/dashboard/DN/",
        "/reports/achievement/?unit=DB&from=2023-01-01&to=2023-12-31&by=children",
        "/pipeline/sources/",
        "/pipeline/dossiers/",
        "/pipeline/dossiers/{dossier}/",
        "/pipeline/members/",
        "/transfers/",
        "/plans/targets/",
    ],
    "admin": [
        "/units/DN/",
        "/units/",
        "/people/",
        "/deadlines/",
        "/reports/dashboard/DN/",
        "/accounts/users/",
        "/exchange/",
        "/pipeline/members/",
    ],
    "secretary": [
        "/units/DB-PPT/",
        "/people/",
        "/people/{person}/",
        "/deadlines/",
        "/pipeline/dossiers/",
        "/pipeline/dossiers/{dossier}/",
        "/pipeline/members/",
    ],
}
GENERATED_PAGES = {
    "bench-admin": [
        "/units/{root}/",
        "/units/",
        "/units/{middle}/",
        "/people/",
        "/people/?q=nguyen+van+an",
        "/people/{person}/",
        "/deadlines/",
        "/reports/dashboard/{root}/",
        "/reports/achievement/?unit={root}&from=2025-01-01&to=2025-12-31&by=children",
        "/pipeline/members/",
        "/plans/targets/",
    ],
}
PASSWORDS = {"org": "demo", "admin": "demo", "secretary": "demo", "bench-admin": "bench-admin-pw-7"}

LUA = r"""
local paths = {%(paths)s}
local cookie = "%(cookie)s"
local counter = 0
local threads = {}
non2xx = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  counter = counter %% #paths + 1
  if cookie == "" then
    return wrk.format("GET", paths[counter])
  end
  return wrk.format("GET", paths[counter], {["Cookie"] = cookie})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%.1f %%.1f %%.1f\n",
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true", help="drop and fill it again")
    parser.add_argument("--generated", action="store_true", help="20,000 units, not the demo")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", default="10s", help="per run, wrk syntax")
    parser.add_argument("--alone", action="store_true", help="each page on its own too")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--changes-per-second",
        type=float,
        default=0,
        help="while the mixed sets run, move the data's generation on this often, as that "
        "many changes anywhere would (every kept page is made anew after each)",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="every page made anew (PAGE_CACHE_SECONDS=0), as before core/pagecache.py",
    )
    return parser.parse_args()


def environment(database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        PYTHONPATH=f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}",
        DEBUG="0",
        PYTHONWARNINGS="ignore",
        # wrk and the sign-in come from one address: no lock-out of the bench itself.
        LOGIN_FAILURE_LIMIT="1000",
    )
    env.pop("DATA_DIR", None)
    return env


def grassroots(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "grassroots.cli", *args],
        env=env,
        check=True,
        **kwargs,
    )


def sql(database_url, query, params=(), database=None):
    import psycopg

    url = urllib.parse.urlsplit(database_url)
    if database:
        url = url._replace(path="/" + database)
    with psycopg.connect(urllib.parse.urlunsplit(url), autocommit=True) as conn:
        rows = conn.execute(query, params)
        return rows.fetchall() if rows.description else None


def prepare(args, env):
    name = urllib.parse.urlsplit(args.database_url).path.lstrip("/")
    if not name or name == "postgres":
        sys.exit("refusing to use the postgres database: name a database of its own")
    exists = sql(
        args.database_url,
        "SELECT 1 FROM pg_database WHERE datname = %s",
        [name],
        database="postgres",
    )
    if exists and not args.recreate:
        print(f"using the existing database {name}", flush=True)
        nightly_forecasts(env)
        return
    if exists:
        sql(args.database_url, f'DROP DATABASE "{name}" WITH (FORCE)', database="postgres")
    sql(args.database_url, f'CREATE DATABASE "{name}"', database="postgres")
    print(f"created {name}; migrating and filling it (minutes)…", flush=True)
    grassroots(env, "migrate", "--verbosity", "0")
    if args.generated:
        grassroots(env, "generate", "--units", "20000", "--people", "400000", "--seed", "1")
    else:
        grassroots(env, "demo", stdout=subprocess.DEVNULL)
    nightly_forecasts(env)


def nightly_forecasts(env):
    """Today's forecasts stored, as a deployment has them once its worker ran the nightly
    job (`plans.forecasts`, 02:00): the dashboards read them instead of forecasting on
    each visit (docs/planning.md). Idempotent for the day."""
    grassroots(env, "forecasts", stdout=subprocess.DEVNULL)


def ensure_bench_admin(env):
    code = (
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        "u = U.objects.filter(username='bench-admin').first() or "
        "U.objects.create_superuser('bench-admin', 'bench@example.org', 'x'); "
        f"u.set_password({PASSWORDS['bench-admin']!r}); u.save()"
    )
    grassroots(env, "shell", "-c", code, stdout=subprocess.DEVNULL)


def fill(database_url, generated):
    """Values for the page templates, read from the database."""
    if generated:
        root = sql(database_url, "SELECT code FROM org_unit WHERE depth = 1 ORDER BY path LIMIT 1")
        middle = sql(
            database_url, "SELECT code FROM org_unit WHERE depth = 3 ORDER BY path LIMIT 1"
        )
        person = sql(database_url, "SELECT national_id FROM people_person ORDER BY id LIMIT 1")
        return {"root": root[0][0], "middle": middle[0][0], "person": person[0][0]}
    person = sql(
        database_url,
        "SELECT p.national_id FROM people_person p JOIN org_unit u ON u.id = p.unit_id "
        "WHERE u.code = 'DB-PPT' ORDER BY p.id LIMIT 1",
    )
    dossier = sql(
        database_url,
        "SELECT d.id FROM pipeline_dossier d JOIN org_unit u ON u.id = d.unit_id "
        "WHERE u.code = 'DB-PPT' ORDER BY d.id LIMIT 1",
    )
    return {"person": person[0][0], "dossier": dossier[0][0]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env, port, workers):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "grassroots.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,  # its own process group: stopped as one
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base, username):
    """The Cookie header of a signed-in session of `username`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORDS[username], "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
    try:
        opener.open(request)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit(f"could not sign in as {username}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def status(base, path, cookie):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=300) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drain(base):
    """Wait until the server has answered what the last run left queued (wrk stops at its
    duration; the requests still waiting in the listen queue are served after it)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        start = time.monotonic()
        status(base, "/login/", "")
        if time.monotonic() - start < 1.0:
            return


def wrk(args, base, paths, cookie):
    drain(base)
    lua = LUA % {
        "paths": ", ".join('"' + p.replace('"', '\\"') + '"' for p in paths),
        "cookie": cookie.replace('"', '\\"'),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    try:
        out = subprocess.run(
            [
                WRK,
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                base + paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    found = re.search(r"^RESULT (.*)$", out, re.M)
    requests, duration, bad, errors, p50, p95, p99 = found[1].split()
    return {
        "rps": int(requests) / (int(duration) / 1e6),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "p99": float(p99) / 1000,
        "non2xx": int(bad),
        "errors": int(errors),
        "requests": int(requests),
    }


@contextlib.contextmanager
def changing(database_url, per_second):
    """A thread that moves the generation of the data on `per_second` times a second, as
    that many changes anywhere would (history/generation.py): a kept page is not given
    again after one."""
    if not per_second:
        yield
        return
    import psycopg

    stop = threading.Event()

    def run():
        with psycopg.connect(database_url, autocommit=True) as conn:
            while not stop.wait(1 / per_second):
                conn.execute("SELECT nextval('history_generation')")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def row(label, result):
    if not result["requests"]:
        print(f"| {label} | no request finished within the run | | | | | |", flush=True)
        return
    print(
        f"| {label} | {result['rps']:,.1f} | {result['p50']:,.0f} | {result['p95']:,.0f} | "
        f"{result['p99']:,.0f} | {result['non2xx']} | {result['errors']} |",
        flush=True,
    )


def main():
    args = parse_args()
    if not Path(WRK).exists():
        sys.exit("wrk is missing: apt-get install -y wrk")
    env = environment(args.database_url)
    if args.no_page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    prepare(args, env)
    if args.generated:
        ensure_bench_admin(env)
    pages = GENERATED_PAGES if args.generated else DEMO_PAGES
    values = fill(args.database_url, args.generated)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, args.workers)
    try:
        sets = {}
        for username, templates in pages.items():
            cookie = sign_in(base, username)
            paths, refused = [], []
            for template in templates:
                path = template.format(**values)
                code = status(base, path, cookie)
                (paths if code == 200 else refused).append((path, code))
            for path, code in refused:
                print(f"left out for {username}: {path} answered {code}", flush=True)
            sets[username] = (cookie, [p for p, _c in paths])
        # Warm every worker's per-process caches before measuring.
        for cookie, paths in sets.values():
            for _ in range(args.workers):
                for path in paths:
                    status(base, path, cookie)
        print(
            f"\ngunicorn {args.workers} workers, wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}, {os.cpu_count()} cores, page cache "
            f"{'off' if args.no_page_cache else 'on'}, "
            f"{args.changes_per_second:g} changes/s during the mixed sets, load average "
            f"{os.getloadavg()[0]:.1f} at the start\n"
        )
        print("| what | requests/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |")
        print("|---|---|---|---|---|---|---|")
        login = wrk(args, base, ["/login/"], "")
        row("log-in page (signed out)", login)
        mixed = {}
        for username, (cookie, paths) in sets.items():
            with changing(args.database_url, args.changes_per_second):
                mixed[username] = wrk(args, base, paths, cookie)
            row(f"{username}: {len(paths)} pages mixed", mixed[username])
            if args.alone:
                for path in paths:
                    row(f"{username}: `{path}`", wrk(args, base, [path], cookie))
        print()
        for username, result in mixed.items():
            if login["rps"]:
                ratio = result["rps"] / login["rps"]
                print(f"ratio {username} mixed ÷ log-in page: {ratio:.2f}")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()

"""Settings, read from the environment with defaults that make the embedded mode work.

Nothing here needs configuring for `make demo`: SQLite in WAL mode under `data/`,
English by default, DEBUG off (users never see a stack trace; developers set DEBUG=1), a
secret key generated once and kept in `data/secret_key`. Production sets DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS and SECURE_COOKIES=1 (see the README and docs/security.md).
"""

import datetime as dt
import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# django-ninja is not an installed app: importing it (and pydantic) at start-up costs every
# process, command and worker about 130 ms. Its Swagger UI page and files are found here
# instead (without importing the package); `api.LocalSwagger` renders that page.
NINJA_DIR = Path(importlib.util.find_spec("ninja").submodule_search_locations[0])
BASE_DIR = Path(os.environ.get("GRASSROOTS_HOME", PACKAGE_DIR.parent.parent)).resolve()
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", LOCAL_HOSTS[:3])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# A form refused for its security token: explained in the user's language (core/errors.py).
CSRF_FAILURE_VIEW = "grassroots.core.errors.csrf_failure"


def secret_key(environ, allowed_hosts, data_dir):
    """SECRET_KEY from the environment. Without one, an installation that serves only this
    machine (the embedded mode: ALLOWED_HOSTS all local) generates a random key once and
    keeps it in DATA_DIR/secret_key (readable by its owner only); one that serves other
    hosts refuses to start, since a key nobody set is a key nobody keeps safe."""
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    public = sorted(set(allowed_hosts) - set(LOCAL_HOSTS))
    if public:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set, and ALLOWED_HOSTS names {', '.join(public)}: set "
            "SECRET_KEY to a long random value (e.g. the output of `python3 -c "
            '"import secrets; print(secrets.token_urlsafe(50))"`), the same on every app server.'
        )
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret_key.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # atomic: two processes starting at once keep one key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = secret_key(os.environ, ALLOWED_HOSTS, DATA_DIR)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    *envlist("TASKS_APPS", []),
    "grassroots.workdays",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "grassroots.history",
    "grassroots.org",
    "grassroots.people",
    "grassroots.accounts",
    "grassroots.tasks",
    "grassroots.pipeline",
    "grassroots.transfers",
    "grassroots.deadlines",
    "grassroots.plans",
    "grassroots.reports",
    "grassroots.conferences",
    "grassroots.exchange",
    "grassroots.demo",
    "grassroots.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: every response but a static file is marked not to be stored.
    "grassroots.core.middleware.no_store",
    # Above everything that may answer a 4xx of its own (CSRF, log-in, Django's 404 and
    # 405, a body too large): under /api/ such answers take the API's Error shape.
    "grassroots.api_errors.json_errors",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grassroots.accounts.middleware.idle_session",
    "grassroots.accounts.middleware.account_preferences",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a log-in refused for too many failures into the page saying when to retry.
    "axes.middleware.AxesMiddleware",
    # Last, nearest the view: a kept page goes out through every middleware above
    # (core/pagecache.py).
    "grassroots.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grassroots.core.context.navigation",
            ],
            # `{% url %}` remembering what it reversed (core/quickurl.py); `|grouped`
            # numbers in the reader's format (core/numbers.py).
            "builtins": ["grassroots.core.quickurl", "grassroots.core.numbers"],
        },
    }
]

# The embedded default is SQLite in WAL mode; DATABASE_URL (dj-database-url syntax) switches.
SQLITE_PATH = DATA_DIR / "grassroots.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
# A PostgreSQL replica of the primary for the reports' reads (grassroots.replicas). In
# tests it is the test database itself (a second connection to it), so that what the
# tests write, the reports read.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Without a replica the router sends everything to the primary.
DATABASE_ROUTERS = ["grassroots.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's full set: not like the user name or e-mail, long, not common, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "grassroots.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a log-in while the account or the address is locked out (django-axes).
    "grassroots.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The project-wide static folder (htmx, app.css) belongs to no app: name it for the finders.
STATICFILES_DIRS = [PACKAGE_DIR / "static", NINJA_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed, cache-busted files once `collectstatic` has run (production);
        # straight from the package folders before that (the embedded demo, tests).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# Scans of dossier documents: never under STATIC, served only through a scoped view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "grassroots@localhost")

# Background tasks (imports, exports, PDF packs, big reports): Django's tasks framework.
# The embedded default keeps the queue in the database (django-tasks-db), worked by
# `grassroots worker`; TASKS_BACKEND switches to a distributed queue (see the README).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}
if os.environ.get("RQ_REDIS_URL"):
    # For TASKS_BACKEND=django_tasks_rq.RQBackend (with TASKS_APPS=django_rq,django_tasks_rq).
    RQ_QUEUES = {"default": {"URL": os.environ["RQ_REDIS_URL"], "DEFAULT_TIMEOUT": 3600}}
# Uploads waiting for a task, progress and result files: on storage that the web servers
# and the workers share.
TASKS_DIR = Path(os.environ.get("TASKS_DIR", DATA_DIR / "tasks"))
# How long a finished task's result (file, problems) is kept before `cleanup_tasks` removes it.
TASK_RESULT_HOURS = envint("TASK_RESULT_HOURS", 7 * 24)
# A running task whose worker has not reported for this long was interrupted.
TASK_STALE_SECONDS = envint("TASK_STALE_SECONDS", 60)

# Working days: the country's public holidays (the `holidays` package) plus days
# an administrator adds in the app.
HOLIDAY_COUNTRY = os.environ.get("HOLIDAY_COUNTRY", "VN")

# Log-in throttling (django-axes): LOGIN_FAILURE_LIMIT failed log-ins in a row for one
# account, or from one address, lock that account or address for LOGIN_LOCKOUT_MINUTES;
# `grassroots unlock` lifts a lock-out early. Behind a reverse proxy set PROXY_COUNT (the
# number of proxies that append to X-Forwarded-For), or every client has the proxy's address.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A failure during a lock-out does not extend it: the page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "grassroots.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
AXES_VERBOSE = False
PROXY_COUNT = envint("PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Sessions end after SESSION_IDLE_MINUTES without a request (accounts.middleware.idle_session
# renews the expiry at most once a minute) ...
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
# ... and SESSION_MAX_HOURS after the log-in, however busy.
SESSION_MAX_SECONDS = envint("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a TLS proxy in production: SECURE_COOKIES=1. Off by default so that the embedded
# demo on http://127.0.0.1 can log in.
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
FORMAT_MODULE_PATH = ["grassroots.formats"]

# Content-Security-Policy (django-csp): scripts, styles, fonts and requests only from this
# server; no inline script or event handler, no inline style, no frames, no plugins.
# Images also as data: URIs (the empty favicon, Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions and the cache: in the database and in each process's memory by default (the
# embedded mode); with REDIS_URL in Redis, shared by every app server (docs/scaling.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
# A signed-in user's pages are given again while no data changed, for at most this long
# (core/pagecache.py); 0 turns that off.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Kept pages: about 30-100 KB each, a few hundred per process.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", 500)},
    },
}
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "grassroots") + suffix,
        }
        for alias, suffix in (("default", ""), ("pages", "-pages"))
    }
    # Read from Redis, written through to the database: a restart of Redis logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
# WhiteNoise warns at every start when STATIC_ROOT is missing (before `collectstatic`).
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass

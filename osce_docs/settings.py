"""Settings for the OSCE anti-trafficking document library.

Everything that differs between a laptop and production is read from the
environment. Development defaults are safe (SQLite, local files, DEBUG on only
when asked for); ``DJANGO_ENV=production`` refuses to start without the
settings production needs.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value in (None, ""):
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # Development only: a key that is obviously not a secret.
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "simple_history",
    "axes",
    "osce_docs",
    "decisions",
    "alliance",
]

MIDDLEWARE = [
    "osce_docs.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a page served from the cache skips everything below.
    "osce_docs.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

# Whole public pages, kept until the content changes (osce_docs/pagecache.py);
# 0 turns the page cache off. The cache is this process's memory unless CACHES
# is changed: correct either way, because the key holds the database's
# content version.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 1000)},
    }
}

AUTHENTICATION_BACKENDS = [
    # Refuses logins from a locked-out user name and address before the password is checked.
    "osce_docs.backends.WebLoginThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "osce_docs.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "osce_docs.wsgi.application"

# SQLite file by default; DATABASE_URL=postgres://postgres@127.0.0.1:5432/osce_docs for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with PRAGMA optimize before each close (osce_docs/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "osce_docs.sqlite"
    # WAL lets readers carry on while one writer commits; IMMEDIATE avoids
    # "database is locked" upgrades half-way through a write transaction.
    # Each connection's page cache: SQLite's default of 2 MB is smaller than
    # what one sampled count reads at a million documents (its 50 runs join
    # thousands of rows across three tables' indexes), so pages it had read
    # were dropped and read again from the operating system (the explorer's
    # count 7.8 -> 4.2 ms with 64 MB). Memory is taken only as pages are read.
    cache_mb = env_int("DATABASE_SQLITE_CACHE_MB", 64)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            + (f" PRAGMA cache_size=-{cache_mb * 1024};" if cache_mb > 0 else ""),
            "transaction_mode": "IMMEDIATE",
        }
    )

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel workers for a web request by default: a page's query is
    # small or stops at a LIMIT, and workers started for it read far past what
    # it needs before the first row (a country dossier's newest-first walk
    # waited 140 ms for two workers at a million documents; 300 -> 130 ms a
    # page without) while taking cores from the requests beside it.
    # No JIT compilation either, unless asked for: PostgreSQL compiles a query
    # whose estimated cost passes jit_above_cost, and a page's query can pass
    # it through branches that never run (a windowed count's fallback): 35 ms
    # of compiling for a 3 ms count at a million documents.
    # Random reads costed as what they are when the library sits in memory or
    # on an SSD (PostgreSQL's documentation suggests 1.1), not a disk head's
    # seek (4, the default): with 4, three filters on the reports joined all
    # 166,000 links of a topic instead of probing the links of one country's
    # 1,435 reports (38 -> 25 ms at a million documents). Empty: the server's.
    random_page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
    try:
        float(random_page_cost or 0)
    except ValueError:
        raise ImproperlyConfigured(f"DATABASE_RANDOM_PAGE_COST must be a number, not {random_page_cost!r}") from None
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        f"-c max_parallel_workers_per_gather={env_int('DATABASE_PARALLEL_WORKERS', 0)}"
        f" -c jit={'on' if env_bool('DATABASE_JIT', False) else 'off'}"
        + (f" -c random_page_cost={random_page_cost}" if random_page_cost else ""),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is locked out for
# AXES_COOLOFF_HOURS; a successful login clears the count. Locking by the pair
# keeps a guesser from locking a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the client address is the last one it appends.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 1 if PRODUCTION else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PRODUCTION else ["REMOTE_ADDR"]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Vienna"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Files: local disk by default; S3-compatible storage when a bucket is named,
# so several app servers can share one store.
_file_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        # Hashed, compressed names need collectstatic, which production runs.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Downloads: "" sends the bytes from Django; "nginx" answers with
# X-Accel-Redirect to FILES_ACCEL_PREFIX + the stored name (an `internal`
# location aliased to MEDIA_ROOT); "sendfile" answers with X-Sendfile and the
# file's path (Apache mod_xsendfile). Django still decides what is public.
FILES_ACCEL_REDIRECT = env_str("FILES_ACCEL_REDIRECT", "")
if FILES_ACCEL_REDIRECT not in {"", "nginx", "sendfile"}:
    raise ImproperlyConfigured("FILES_ACCEL_REDIRECT must be empty, 'nginx' or 'sendfile'")
FILES_ACCEL_PREFIX = env_str("FILES_ACCEL_PREFIX", "/internal-media/")

# Lists count their results and serve pages only this far (osce_docs/pagination.py):
# beyond it they say "more than N" and ask for filters or words, so that no page
# reads a number of rows that grows with the library.
LIST_RESULT_WINDOW = env_int("LIST_RESULT_WINDOW", 1000)

# Uploads: the size limit for one attached file, in bytes.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 250 * 1024 * 1024)
# Keep uploads over 2.5 MB on disk while they are read, never whole in memory,
# and stop reading a file as soon as it passes ATTACHMENT_MAX_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "osce_docs.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Background tasks (text extraction). The immediate backend runs them in the
# request; production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend and
# runs `python manage.py db_worker` beside the app server.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Search: how many matches per tier are ranked (the rest are counted as
# "more"), how much of a document's file text is indexed, and the largest file
# whose text is read.
SEARCH_CANDIDATES = env_int("SEARCH_CANDIDATES", 200)
SEARCH_MAX_FILE_CHARS = env_int("SEARCH_MAX_FILE_CHARS", 200_000)
# A search that has not found its candidates in this time is stopped with a
# message (a phrase of common words in an unusual order can read every
# document holding them), so one visitor's query cannot hold a worker.
SEARCH_TIME_LIMIT_MS = env_int("SEARCH_TIME_LIMIT_MS", 5000)
TEXT_EXTRACTION_MAX_BYTES = env_int("TEXT_EXTRACTION_MAX_BYTES", 100 * 1024 * 1024)

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Every page, in every environment (so the tests see it): nothing but the
# site's own scripts, styles and images, no plugins, no framing, no <base>
# tricks, forms post only to the site. No inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer probes /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    if SECURE_HSTS_SECONDS < 31_536_000:
        raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be at least a year (31536000) in production")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is the domain owner's decision,
        # not this application's; the header is sent either way.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Production logs are one JSON object a line on stdout, for the log
# collector; development keeps Django's readable lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            # ISO 8601 with the UTC offset, so collectors need no guessing.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if PRODUCTION else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

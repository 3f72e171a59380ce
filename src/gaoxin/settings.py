"""The one settings module. Every deployment value comes from a GAOXIN_* environment variable
(documented in docs/operations.md); the defaults make an embedded demo on SQLite under the data dir."""

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"GAOXIN_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
# Under the test runner: plain HTTP on the live server, tasks run in-process, a throw-away data dir.
TESTING = env_bool("TESTING", "pytest" in sys.modules)
DATA_DIR = Path(env("DATA_DIR") or (tempfile.mkdtemp(prefix="gaoxin-test-") if TESTING else "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """GAOXIN_SECRET_KEY in production; for the embedded demo a key generated once into the data dir."""
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "gaoxin.core.errorpages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "gaoxin.core",  # before django_tasks_db: its `db_worker` first recovers runs a killed worker left
    "django_tasks_db",
    "ninja",
    "gaoxin.accounts",
    "gaoxin.enterprises",
    "gaoxin.govservices",
    "gaoxin.policies",
    "gaoxin.investment",
    "gaoxin.talent",
    "gaoxin.innovation",
    "gaoxin.economy",
    "gaoxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gaoxin.core.middleware.RequestIdMiddleware",
    "gaoxin.core.logs.AccessLogMiddleware",
    "gaoxin.core.middleware.RequestBodyMiddleware",
    "gaoxin.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gaoxin.core.middleware.ApiErrorMiddleware",
]

ROOT_URLCONF = "gaoxin.urls"
WSGI_APPLICATION = "gaoxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gaoxin.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'gaoxin.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60") or 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server and the task worker share the file; IMMEDIATE makes a write transaction
    # take the lock at BEGIN so concurrent writers queue instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: a year's sums over
    # the zone's 100,000 enterprises spent ~300 ms compiling and ~30 ms running (bench/economy_review.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if env("TEST_DB_NAME"):
    # Lets two working copies run their suites against one PostgreSQL server at the same time.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file like the demo does (WAL, busy timeout, IMMEDIATE), not a shared-cache in-memory
    # database, whose table locks fail concurrent writers at once instead of queueing them.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
REPLICA_URL = env("REPLICA_URL")
if REPLICA_URL:
    # A streaming replica of the primary: statistics and cockpit reads ask for it with
    # gaoxin.core.dbrouter.using_replica(); everything else, and every write, stays on the primary.
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL,
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60") or 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASE_ROUTERS = ["gaoxin.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory per process by default; GAOXIN_CACHE_URL=redis://host:6379/1 shares one cache
# between every app server and worker.
CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_PREFIX", "gaoxin"),
            "TIMEOUT": int(env("CACHE_TIMEOUT", "300") or 300),
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gaoxin"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gaoxin.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lock an account for LOCKOUT_MINUTES after LOCKOUT_THRESHOLD consecutive failed logins.
LOCKOUT_THRESHOLD = int(env("LOCKOUT_THRESHOLD", "5") or 5)
LOCKOUT_MINUTES = int(env("LOCKOUT_MINUTES", "15") or 15)
API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "30") or 30)
# Public licence verifications a client (IP address) may make per minute; 0 turns the limit off.
VERIFY_RATE_PER_MINUTE = int(env("VERIFY_RATE_PER_MINUTE", "30") or 0)
# The self-service kiosk (无人超市): one-time login codes a kiosk may request per minute, how long a code
# lives, and the idle time after which a kiosk session ends.
KIOSK_CODES_PER_MINUTE = int(env("KIOSK_CODES_PER_MINUTE", "6") or 0)
KIOSK_CODE_MINUTES = int(env("KIOSK_CODE_MINUTES", "5") or 5)
KIOSK_IDLE_SECONDS = int(env("KIOSK_IDLE_SECONDS", "120") or 120)
# Reverse proxies in front of the application whose X-Forwarded-For is trusted for the client's address.
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0") or 0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["gaoxin.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end libraries come from npm (package.json) and are served as local static files: ECharts at
# the root, PDF.js (the clerk's inline preview of PDF materials) under pdfjs/.
_NODE = BASE_DIR.parent.parent / "node_modules"
_STATIC_SOURCES = [
    ("", BASE_DIR / "static"),
    ("", _NODE / "echarts" / "dist"),
    ("pdfjs", _NODE / "pdfjs-dist" / "build"),
]
STATICFILES_DIRS = [(prefix, d) if prefix else d for prefix, d in _STATIC_SOURCES if d.exists()]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# GAOXIN_TASK_BACKEND: `db` (queued in the database, `gaoxin db_worker`; the embedded default),
# `rq` (queued in Redis at GAOXIN_REDIS_URL, `gaoxin rqworker`), `immediate` (in-process; tests),
# or the dotted path of any django-tasks backend.
TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env("TASK_BACKEND") or ("immediate" if TESTING else "db")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(_task_backend.strip().lower(), _task_backend)}}
# A running task whose worker has not reported for this long (on another machine, where its process
# cannot be looked up) is taken for dead when a worker starts, and marked failed so it can be rerun.
TASK_STALE_MINUTES = int(env("TASK_STALE_MINUTES", "30") or 30)
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["rq"]:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # Seconds a job may run before the worker kills it (a whole-zone batch is minutes).
            "DEFAULT_TIMEOUT": int(env("TASK_TIMEOUT", "3600") or 3600),
        }
    }
    # Workers run jobs through django-tasks-rq's job class, so `gaoxin rqworker` needs no flag.
    # RQ keeps a job's outcome for minutes only; the TaskRun row keeps it for good.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gaoxin@localhost")
# The SMS gateway of the outbox (core/notify.py): a class with send(phone, text). The default logs.
SMS_ADAPTER = env("SMS_ADAPTER", "gaoxin.core.notify.LoggingSmsAdapter")
# Working days a department has to rectify a bad rating (好差评; local rules say 5 or 15).
RECTIFICATION_WORKDAYS = int(env("RECTIFICATION_WORKDAYS", "5") or 5)

# Production hardening: on whenever DEBUG is off and the site is served over HTTPS (the default).
HTTPS = env_bool("HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000" if HTTPS else "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy on every response (django-csp): scripts and styles only from the platform's
# own static files, no inline script, handler or style attribute (tests/core/test_csp.py sweeps them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The platform's public address: licence QR codes point to it. A production (HTTPS) server refuses to
# start without it; a demo or test server falls back to the address the request came to.
SITE_URL = (env("SITE_URL", "") or "").strip().rstrip("/")
if HTTPS and not (DEBUG or TESTING) and not SITE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "GAOXIN_SITE_URL must be set in production (the public address licence QR codes point to)"
    )
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
# Request body limits (core.middleware.RequestBodyMiddleware answers a request over them with a 413):
# a non-multipart body or multipart's text fields, the number of fields, the number of files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

# GAOXIN_LOG_FORMAT: `json` (one object a line with the request id, identifiers masked; the default)
# or `text`. The access log (gaoxin.access) is one line a request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gaoxin.core.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if (env("LOG_FORMAT", "json") or "").lower() == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "gaoxin.access": {
            "level": env("ACCESS_LOG_LEVEL") or ("WARNING" if TESTING else env("LOG_LEVEL", "INFO"))
        },
    },
}
# Bearer token the Prometheus scraper sends to /metrics (operators signed in may read it too).
METRICS_TOKEN = env("METRICS_TOKEN", "") or ""
# Audit events are kept at least 180 days (网络安全法 art. 21: network logs kept six months or more);
# `gaoxin audit export` writes sealed blocks older than this out for archiving.
AUDIT_RETENTION_DAYS = int(env("AUDIT_RETENTION_DAYS", "365") or 365)
if AUDIT_RETENTION_DAYS < 180:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("GAOXIN_AUDIT_RETENTION_DAYS must be at least 180 (six months)")

SITE_TITLE = _("高新区管委会综合服务平台")
ZONE_NAME = env("ZONE_NAME", "示范高新技术产业开发区")

"""Ronda settings: one module, driven by the environment.

Every value that differs between a laptop and a production server comes from an
environment variable (or from a ``NAME_FILE`` variable pointing at a secret file).
SQLite at ``var/ronda.sqlite3`` is the embedded default; ``DATABASE_URL`` switches
to PostgreSQL. ``RONDA_ENV=production`` turns on every safety net and refuses to
start on an unsafe configuration.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "ronda-insecure-development-key-change-me"  # noqa: S105 - refused in production


def env_str(name: str, default: str = "") -> str:
    """Read a string; ``NAME_FILE`` (a path to a secret file) wins over ``NAME``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit to sign a production deployment's sessions and tokens, or None.

    Length alone is not enough: fifty times the same letter, or a short word repeated, is long
    and guessable. A key from ``secrets.token_urlsafe(50)`` (or ``openssl rand -hex 32``) passes.
    """
    if key == DEFAULT_SECRET_KEY or "insecure" in key.lower():
        return "it is the development key"
    if len(key) < 50:
        return "it is shorter than 50 characters"
    counts = {ch: key.count(ch) for ch in set(key)}
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if len(counts) < 12 or bits < 200:
        return "it has too little variety to be random"
    if re.search(r"(.)\1{5}", key):
        return "it repeats one character six times in a row"
    if key in (key + key)[1:-1]:
        return "it is one piece repeated"
    return None


RONDA_ENV = env_str("RONDA_ENV", "development")
if RONDA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("RONDA_ENV must be development, test or production")
PRODUCTION = RONDA_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    # Refuse to start rather than run a child-protection system unsafely.
    if DEBUG:
        raise ImproperlyConfigured("RONDA_ENV=production refuses DEBUG=true")
    _key_problem = secret_key_problem(SECRET_KEY)
    if _key_problem:
        raise ImproperlyConfigured(
            f"RONDA_ENV=production needs a random SECRET_KEY of 50+ characters, and {_key_problem}. "
            'Generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("RONDA_ENV=production needs ALLOWED_HOSTS")
    if any("*" in host for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "RONDA_ENV=production refuses '*' in ALLOWED_HOSTS: list the host names Ronda answers to"
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "ronda.core",
    "ronda.territory",
    "ronda.accounts",
    "ronda.tablero",
    "ronda.coordination",
    "ronda.planning",
    "ronda.council",
    "ronda.defenders",
    "ronda.cases",
    "ronda.protection",
    "ronda.accountability",
    "ronda.safeguarding",
    "ronda.training",
    # Above the planning cycle's domains: they read plans, meetings and council requests (issue #13).
    "ronda.consultations",
    "ronda.evaluation",
    "ronda.improvement",
    "ronda.links",
    "ronda.certification",
    "ronda.notifications",
    "ronda.portal",  # last: the top layer (home page, navigation, demo), above every domain
]

MIDDLEWARE = [
    # First: a NUL character in the path or the query string is refused before anything reads it.
    "ronda.core.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ronda.accounts.middleware.IdleSessionMiddleware",
    "ronda.core.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's pages and the API's answers are never cached (they may hold a child's record).
    "ronda.core.middleware.PrivateResponsesMiddleware",
    "ronda.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ronda.accounts.middleware.ActiveMembershipMiddleware",
    # After the actor is known: "today" and every time shown are the municipality's.
    "ronda.territory.middleware.MunicipalityTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ronda.core.middleware.DevelopmentNotFoundMiddleware",
]

ROOT_URLCONF = "ronda.urls"
WSGI_APPLICATION = "ronda.wsgi.application"
ASGI_APPLICATION = "ronda.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ronda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ronda.portal.context_processors.ronda",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = Path(env_str("RONDA_SQLITE_PATH", str(BASE_DIR / "var" / "ronda.sqlite3")))
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
        # Server-side parameters, and psycopg prepares a statement the fifth time a connection runs
        # it: PostgreSQL stops re-planning the same joins on every request (decision 0013). Behind
        # PgBouncer in transaction mode older than 1.21, set DB_PREPARED_STATEMENTS=false.
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # WAL + a busy timeout keep a small deployment usable with several users.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every web and job worker on every machine (decision 0016): a table in the
# database by default (`manage.py createcachetable`, run by `make run` and the deploy; the test
# runner creates it itself), or Redis with RONDA_CACHE_URL=redis://host:6379/0 (pip install '.[redis]').
RONDA_CACHE_URL = env_str("RONDA_CACHE_URL", "")
if RONDA_CACHE_URL:
    if not RONDA_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("RONDA_CACHE_URL must be a redis://, rediss:// or unix:// URL")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": RONDA_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ronda_cache"}}

# --- Background jobs (decision 0016) ----------------------------------------------------
# django-tasks with its database backend: a job is a row in the database, and any number of
# `manage.py db_worker` processes, on any machine, claim rows with SELECT … FOR UPDATE SKIP LOCKED.
# `make run` starts one beside the web server. RONDA_TASKS_IMMEDIATE runs each job at once inside
# the commit that enqueues it (the default in tests, so they need no worker).
if env_bool("RONDA_TASKS_IMMEDIATE", RONDA_ENV == "test"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# What rebuilds a job's actor from the ids it carries (ronda.core.jobs; core imports no app).
RONDA_JOB_ACTOR_LOADER = "ronda.accounts.jobs.actor_for_job"

# --- Accounts and security ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "ronda.accounts.backends.RondaModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ronda.accounts.validators.CharacterVarietyValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("RONDA_SESSION_IDLE_MINUTES", 30) * 60
# Sliding idle expiry: ronda.accounts.middleware.IdleSessionMiddleware saves the session again at most
# once a minute instead of on every request (SESSION_SAVE_EVERY_REQUEST would write on every page).
RONDA_SESSION_TOUCH_SECONDS = env_int("RONDA_SESSION_TOUCH_SECONDS", 60)
# However active it is, a signed-in session ends this many hours after sign-in (absolute lifetime).
RONDA_SESSION_MAX_HOURS = env_int("RONDA_SESSION_MAX_HOURS", 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ronda.core.errors_views.csrf_failure"

# Sign-in throttling (ronda.accounts.throttle): per account + address, per account from any address
# (with back-off) and per address across accounts; password-reset requests per address and e-mail.
RONDA_SIGNIN_THROTTLE = env_bool("RONDA_SIGNIN_THROTTLE", True)
RONDA_SIGNIN_WINDOW_MINUTES = env_int("RONDA_SIGNIN_WINDOW_MINUTES", 15)
RONDA_SIGNIN_PAIR_LIMIT = env_int("RONDA_SIGNIN_PAIR_LIMIT", 5)
RONDA_SIGNIN_ACCOUNT_LIMIT = env_int("RONDA_SIGNIN_ACCOUNT_LIMIT", 10)
RONDA_SIGNIN_ADDRESS_LIMIT = env_int("RONDA_SIGNIN_ADDRESS_LIMIT", 20)
RONDA_SIGNIN_MAX_LOCK_MINUTES = env_int("RONDA_SIGNIN_MAX_LOCK_MINUTES", 15)
RONDA_DEVICE_COOKIE_DAYS = env_int("RONDA_DEVICE_COOKIE_DAYS", 180)
RONDA_RESET_ADDRESS_LIMIT = env_int("RONDA_RESET_ADDRESS_LIMIT", 5)
RONDA_RESET_EMAIL_LIMIT = env_int("RONDA_RESET_EMAIL_LIMIT", 3)
# Reverse proxies in front of Ronda that append to X-Forwarded-For. 0 (the default, also in
# production) trusts no forwarded header: set it to the number of proxies you run, never more.
RONDA_PROXY_HOPS = env_int("RONDA_PROXY_HOPS", 0)

OTP_TOTP_ISSUER = "Ronda"
# Demo-only: demo users (User.is_demo) skip the TOTP step so people can try Ronda at once.
# Production refuses demo users entirely, so this can never weaken a real deployment.
RONDA_DEMO_OTP_EXEMPT = env_bool("RONDA_DEMO_OTP_EXEMPT", not PRODUCTION)
RONDA_API_TOKEN_DAYS = env_int("RONDA_API_TOKEN_DAYS", 30)
# Longest break-glass grant an administrator may open to read children's personal data.
RONDA_BREAK_GLASS_MAX_MINUTES = env_int("RONDA_BREAK_GLASS_MAX_MINUTES", 240)
# The OpenAPI schema and interactive docs (/api/v1/openapi.json, /api/v1/docs) without signing in:
# on in development, off in production (then a session or a bearer token is needed).
RONDA_API_DOCS_PUBLIC = env_bool("RONDA_API_DOCS_PUBLIC", not PRODUCTION)
# The key that seals credentials of other systems kept in the database (a ministry's DHIS2 token,
# ronda/core/sealing.py). Empty: derived from SECRET_KEY (rotating that one then means saving those
# tokens again). Set it apart from SECRET_KEY in production so that a database backup alone never
# holds a usable token.
RONDA_SECRETS_KEY = os.environ.get("RONDA_SECRETS_KEY", "")
RONDA_UPLOAD_MAX_BYTES = env_int("RONDA_UPLOAD_MAX_MB", 20) * 1024 * 1024
# A case's attachments (a report of an institution, a photo of a document), in MB.
RONDA_CASE_ATTACHMENT_MAX_MB = env_int("RONDA_CASE_ATTACHMENT_MAX_MB", 10)
# Days after an emergency entry into alternative care within which its gatekeeping record must be
# completed (ronda/protection/services/placements.py); a pending record past it is an alert.
RONDA_GATEKEEPING_DAYS = env_int("RONDA_GATEKEEPING_DAYS", 3)
# How old (seconds) the kept figures of alternative care may be before a page counts them again
# (decision 0026, "The figures' snapshot"; the periodic job recomputes them every 10 minutes). The
# tests count every time: a test's records are seen at once.
RONDA_PROTECTION_FIGURES_TTL = env_int("RONDA_PROTECTION_FIGURES_TTL", 0 if RONDA_ENV == "test" else 900)
# The Tablero's files of values (CSV/XLSX imports): a national month, a million values, is ~43 MB of CSV.
RONDA_IMPORT_MAX_BYTES = env_int("RONDA_IMPORT_MAX_MB", 256) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^salud$"]  # the load balancer's health probe speaks plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ronda <no-reply@localhost>")
# The public address of this installation (e.g. https://ronda.loja.gob.ec): the links of e-mails built
# by background jobs, where no request tells the host (ronda.core.site.absolute_url). Empty: http://localhost:8000
# outside production; production warns (ronda.accounts.checks) until it is set.
RONDA_SITE_URL = env_str("RONDA_SITE_URL", "").strip().rstrip("/")
if RONDA_SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", RONDA_SITE_URL):
    raise ImproperlyConfigured("RONDA_SITE_URL must be an address such as https://ronda.example.org")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One long and one short date per language (ronda/core/formats/); numbers and money: ronda.core.formatting.
# USE_THOUSAND_SEPARATOR stays off: it would also group ids and years written by plain {{ value }}.
FORMAT_MODULE_PATH = ["ronda.core.formats"]
TIME_ZONE = env_str("TIME_ZONE", "America/Costa_Rica")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ronda_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# What stores a person's language (User.language: their e-mails, their pages after sign-in) for the
# language switcher and "My notifications" (ronda.core.site; core imports no app).
RONDA_LANGUAGE_SAVER = "ronda.accounts.services.set_own_language"

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "ronda" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded and generated files (evidence, reports) go through Django's storage API: MEDIA_ROOT on
# local disk by default, or S3-compatible object storage with RONDA_STORAGE=s3 (pip install '.[s3]').
# Either way they are private: views stream them, or redirect to a URL signed for
# RONDA_SIGNED_URL_SECONDS (ronda.core.files.private_file_response).
RONDA_STORAGE = env_str("RONDA_STORAGE", "local")
RONDA_SIGNED_URL_SECONDS = env_int("RONDA_SIGNED_URL_SECONDS", 60)
if RONDA_STORAGE == "local":
    _media_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif RONDA_STORAGE == "s3":
    if not env_str("RONDA_S3_BUCKET"):
        raise ImproperlyConfigured("RONDA_STORAGE=s3 needs RONDA_S3_BUCKET")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("RONDA_S3_BUCKET"),
            "endpoint_url": env_str("RONDA_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, Garage …; empty: AWS
            "region_name": env_str("RONDA_S3_REGION") or None,
            # Empty: boto3 finds credentials itself (AWS_* variables, an instance role).
            "access_key": env_str("RONDA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("RONDA_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("RONDA_S3_PREFIX", ""),
            "addressing_style": env_str("RONDA_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO setups
            "signature_version": "s3v4",
            # Private objects, reached only through URLs signed per download; never overwritten.
            "querystring_auth": True,
            "querystring_expire": RONDA_SIGNED_URL_SECONDS,
            "default_acl": None,
            "file_overwrite": False,
            "custom_domain": None,
        },
    }
else:
    raise ImproperlyConfigured("RONDA_STORAGE must be local or s3")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or RONDA_ENV == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if RONDA_ENV == "test":
    # Fast hashing keeps the suite quick; never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

RONDA_DEMO_PASSWORD = "ronda-demo-2026"  # noqa: S105 - demo only; `demo` is refused in production

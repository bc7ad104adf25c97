"""Settings for the ILP platform, driven entirely by environment variables.

``ILP_ENV`` picks the mode: ``development`` (default: embedded SQLite, in-process tasks, demo
friendly), ``test`` or ``production``. Production refuses to start on insecure defaults and names
the variable at fault.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

ILP_ENV = env.str("ILP_ENV", default="development")
if ILP_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"ILP_ENV must be development, test or production (got {ILP_ENV!r})."
    )
PRODUCTION = ILP_ENV == "production"

_INSECURE_KEY = "django-insecure-development-key-do-not-use-in-production"
if PRODUCTION:
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured("SECRET_KEY must be set when ILP_ENV=production.")
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 random characters in production."
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)

# Off unless asked for, in every mode: `make run` shows what users see (the site's own error
# pages, JSON 404s under /api/), not Django's debug pages. Developers set DEBUG=true in .env.
DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ILP_ENV=production.")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when ILP_ENV=production.")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_htmx",
    "ilp",
    "ilp.twofactor",
    "collection",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ilp.middleware.ApiRequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ilp.audit.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Sends a session that owes a second factor to it (after htmx: it reads request.htmx).
    "ilp.twofactor.middleware.TwoFactorMiddleware",
    # Axes must come last so it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

# WhiteNoise serves the static files in every mode (no CDN, no extra server): in production the
# collected, content-hashed files; elsewhere straight from the static folders, re-read on change,
# so `make run` needs no collectstatic.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

ROOT_URLCONF = "ilp.urls"
WSGI_APPLICATION = "ilp.wsgi.application"
ASGI_APPLICATION = "ilp.asgi.application"

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
                "ilp.context_processors.navigation",
            ],
        },
    },
]


def _database_config() -> dict[str, object]:
    """Parse DATABASE_URL, refusing a malformed value by name instead of failing later."""
    default = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    raw = env.str("DATABASE_URL", default="") or default
    if raw == default:
        if PRODUCTION:
            raise ImproperlyConfigured(
                "DATABASE_URL must name a PostgreSQL database in production."
            )
        VAR_DIR.mkdir(exist_ok=True)
    try:
        config = env.db_url_config(raw)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    engine = str(config.get("ENGINE", ""))
    if PRODUCTION and engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database in production.")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// (or, for development, sqlite://) URL; "
            f"got scheme for engine {engine or 'unknown'!r}."
        )
    if engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL is malformed: it names no database.")
        # Reuse connections, but check them before use so the first request after a
        # PostgreSQL restart gets a fresh connection instead of an error.
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database_config()}
# Covering indexes (INCLUDE columns) speed up PostgreSQL; the embedded SQLite default simply
# builds them without the extra columns, which is all a laptop trial needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ilp.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request size: the API refuses larger bodies with 413 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
ILP_IMPORT_MAX_UPLOAD_BYTES = env.int("ILP_IMPORT_MAX_UPLOAD_BYTES", default=100_000_000)
# Date-times outside these years are refused as typing mistakes (e.g. 0861 for 1861 or 2016).
ILP_MIN_YEAR = 1900
ILP_MAX_YEAR = 2200

# --- Django REST framework and the OpenAPI schema -------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ilp.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: form encodings blur "empty" and "absent". File uploads opt in per view.
    "DEFAULT_PARSER_CLASSES": ["ilp.api.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": (
        ["rest_framework.renderers.JSONRenderer"]
        if PRODUCTION
        else [
            "rest_framework.renderers.JSONRenderer",
            "rest_framework.renderers.BrowsableAPIRenderer",
        ]
    ),
    "DEFAULT_PAGINATION_CLASS": "ilp.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ilp.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_INPUT_FORMATS": ["iso-8601"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ILP platform API",
    "DESCRIPTION": (
        "REST API of the Intelligence-Led Policing platform. Partner systems authenticate with "
        "`Authorization: Token <key>`; every list uses cursor pagination; every error has the "
        'shape `{"error": {"status", "code", "message", "details"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs describe what partners may call: only for signed-in users.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ilp.api.schema.add_error_responses",
    ],
    "APPEND_COMPONENTS": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["status", "code", "message"],
                        "properties": {
                            "status": {"type": "integer"},
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "details": {},
                        },
                    }
                },
            }
        }
    },
}

# --- Celery -------------------------------------------------------------------------------------
# With no broker (the embedded default) tasks run in-process, after the transaction commits, and
# Celery gets its in-memory transport so that nothing looks for a server; `make worker` and
# `make beat` refuse to start on it (ilp/celery.py).
IN_PROCESS_BROKER_URL = "memory://localhost/"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or IN_PROCESS_BROKER_URL
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == IN_PROCESS_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
# A job is acknowledged only when it finishes, and a job whose worker dies is put back on the
# queue (reject_on_worker_lost). The visibility timeout must outlast the longest job, or Redis
# would hand a still-running job to a second worker.
CELERY_LONGEST_JOB_SECONDS = env.int("CELERY_LONGEST_JOB_SECONDS", default=4 * 3600)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_LONGEST_JOB_SECONDS + 600}
CELERY_TASK_TIME_LIMIT = CELERY_LONGEST_JOB_SECONDS
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_LONGEST_JOB_SECONDS - 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "analysis-fail-stuck-jobs": {"task": "analysis.jobs_fail_stuck", "schedule": 15 * 60},
    "review-due": {"task": "ilp.review_due", "schedule": 24 * 3600},
}

# --- Login protection (django-axes) ------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=10))
# Lock an account after repeated failures, and an address that tries many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
# Behind a TLS proxy every request comes from the proxy's address; name how many trusted proxies
# add X-Forwarded-For so lockouts hit the client, not everyone at once.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Two-factor sign-in (TOTP, django-otp; see docs/permissions.md#accounts) --------------------
# The roles that can see restricted material (ilp.roles.TWO_FACTOR_ROLES) must enter a code from an
# authenticator app after their password. Off by default in development only, so the demo logins
# of `make run` work without an app; anyone may still enrol there, and is then asked every time.
ILP_REQUIRE_2FA = env.bool("ILP_REQUIRE_2FA", default=ILP_ENV in {"production", "test"})
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ILP platform")
# Administrators reset a lost device by deleting it; they never need to read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A code typed at the second step is masked in axes's records of failures, like a password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Idle sessions end: the 30-minute lifetime restarts with every request (CJIS 5.5.5).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Map tiles: none by default, so maps work on closed networks --------------------------------
ILP_TILE_URL = env.str("ILP_TILE_URL", default="")
ILP_TILE_ATTRIBUTION = env.str("ILP_TILE_ATTRIBUTION", default="")
# Above this many incidents a map layer is sent as H3 cell counts instead of points.
ILP_MAP_MAX_POINTS = env.int("ILP_MAP_MAX_POINTS", default=20000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # In-process tasks would log a line per task into `make run`'s console; failures still show.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

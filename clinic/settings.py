"""CareSessions settings: one module, configured from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "knox",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "clinic",
    "sessions_app",
    "calendars",
    "audit",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files keep their long cache; every other answer is no-store.
    "clinic.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.middleware.LanguageMiddleware",
    "audit.middleware.AuditMiddleware",
    # Django's, sending a form's sender back to the form's page after logging in again.
    "clinic.middleware.LoginRequiredMiddleware",
    "clinic.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it tells the person why they were logged out.
    "clinic.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "clinic.security.MFARequiredMiddleware",
    # Last, so that it sees a view's exception first: the demo's (DEBUG) error pages.
    "clinic.middleware.ProductErrorPagesMiddleware",
]
if env.bool("QUERY_COUNT_HEADER", default=False):
    MIDDLEWARE.insert(0, "clinic.querycount.QueryCountMiddleware")

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "clinic.context_processors.roles",
    "notifications.context_processors.bell",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "clinic.jinja2.environment",
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "django"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _CONTEXT_PROCESSORS},
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN: racing writers queue, not fail half-way as "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side cursors cost extra round trips and fail behind PgBouncer in transaction mode.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Server-side binding lets psycopg prepare repeated statements, so PostgreSQL stops re-planning.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = [
    "clinic.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "clinic:home"

INVITATION_TIMEOUT = env.int("INVITATION_TIMEOUT", default=7 * 24 * 3600)

ACCOUNT_ADAPTER = "clinic.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# The product's own subjects, without "[host name]" in front.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_FORMS = {"login": "clinic.forms.LoginForm"}
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,20/5m/ip",
    "reset_password": "5/5m/ip,5/5m/key",
}
# Proxies in front that append to X-Forwarded-For, so per-IP limits see the client (0: trust none).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# No emailed code: a session holder who reads the mailbox must not change address or password.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")

# Providers and staff see client records: they must set up an authenticator (off only in the demo).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CareSessions"
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
# The stored session expires with the absolute limit too, so clearsessions can remove it.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

API_TOKEN_TTL = env.int("API_TOKEN_TTL", default=90 * 24 * 3600)
KNOX_TOKEN_MODEL = "clinic.ApiToken"  # noqa: S105 - a model's name, not a secret
# knox's model is swapped out: its unused table's key to the users would block a TRUNCATE flush.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": timedelta(seconds=API_TOKEN_TTL), "AUTH_HEADER_PREFIX": "Token"}
# Deeper JSON bodies are refused with 400 (sessions_app/api/parsers.py), before any recursion.
API_JSON_MAX_DEPTH = 100

API_THROTTLE_USER = env.str("API_THROTTLE_USER", default="600/minute")
# A calendar app fetches a feed every few minutes at most: more is a leaked URL being scraped.
CALENDAR_FEED_FETCHES_PER_HOUR = env.int("CALENDAR_FEED_FETCHES_PER_HOUR", default=60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not logged in" a 401, not a 403.
        "clinic.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "clinic.permissions.MFAEnrolled",
    ],
    "DEFAULT_RENDERER_CLASSES": ["sessions_app.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["sessions_app.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "sessions_app.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "sessions_app.api.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": API_THROTTLE_USER,
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
    },
    "EXCEPTION_HANDLER": "sessions_app.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CareSessions API",
    "DESCRIPTION": (
        "Sessions of care, homework, feedback and messages. Authenticate with "
        "`Authorization: Bearer <key>` or `Authorization: Token <key>`, a key made on the API "
        "token page (or the browser session). A body nested more than "
        + str(API_JSON_MAX_DEPTH)
        + " levels deep is refused with 400. Times are ISO 8601 with an "
        "offset, given in the clinic's time zone; a time sent without an offset is read in "
        "the clinic's time zone. Each user may make "
        + API_THROTTLE_USER
        + " requests; past that the answer is 429 with Retry-After. Every answer counted carries "
        "RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset. Every error is an RFC 9457 "
        "problem (`application/problem+json`) with a stable `code`; a 400 lists each invalid "
        "value in `errors`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "clinic.permissions.MFAEnrolled",
    ],
    # No validator (it calls swagger.io); no deep links (links in buttons defeat screen readers).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # drf-spectacular's enum hook, then the API's own touches (sessions_app/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sessions_app.api.schema.postprocess",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is an accelerator, not a single point of failure (issue 20): a server that is away or
# hung costs a call at most these timeouts (seconds), then clinic.cache goes on without it for
# a while (sessions from PostgreSQL, per-process rate limits) and takes it back when it answers.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.25)
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://caresessions")
    if not REDIS_URL
    else {
        "BACKEND": "clinic.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_TIMEOUT,
        },
    }
}
if REDIS_URL:
    # Not with a per-process cache: a logout would linger in another process's memory. While
    # Redis is away, sessions are read from and written to the database alone (clinic.cache).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CareSessions <no-reply@localhost>")
# Where emails' links lead (they are written by workers, away from any request).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# Celery over Redis; without a broker (or with CELERY_TASK_ALWAYS_EAGER) jobs run in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# A web process must not wait on a broker that is away: one try with short timeouts, no retry
# (notifications.services._enqueue leaves the broker alone for a while after a failure); the
# rows are in the database, and the beat's sweep (deliver_due) sends what was not queued.
# Workers, which wait on the broker for their jobs, get longer reads (clinic/celery.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "visibility_timeout": 3600,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "notifications-deliver-due": {"task": "notifications.tasks.deliver_due", "schedule": 60.0},
    "notifications-reminders": {"task": "notifications.tasks.record_reminders", "schedule": 600.0},
    "notifications-digests": {"task": "notifications.tasks.send_digests", "schedule": 600.0},
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["clinic.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp: no inline style; inline scripts only with the response's nonce. data: images are
# Bootstrap's icons and the MFA QR code. Enforced in the demo too; CSP_REPORT_ONLY=1 only reports.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Not a setting of its own: django-csp 4 refuses its 3.x names, CSP_REPORT_ONLY among them.
_csp_report_only = env.bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _csp_report_only else None
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # __Host- cookies must be Secure, host-only and path /: a sibling subdomain cannot plant them.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"

# One line per record. A failed request is one line with its request id and the exception's
# type (clinic.failures, logger "clinic.requests"); its traceback comes once a minute per kind
# and process (every time at LOG_LEVEL=DEBUG), never once per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

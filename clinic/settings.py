"""CareSessions settings: one module, configured from the environment (django-environ)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; a real deployment must bring its own.
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "clinic",
    "sessions_app",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files keep their long cache; every other answer is no-store.
    "clinic.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the person's chosen language, else the browser's.
    "clinic.middleware.LanguageMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clinic.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it tells the person why they were logged out.
    "clinic.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "clinic.security.MFARequiredMiddleware",
]
# The benchmark (scripts/bench.py) reads each response's query count from a header.
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
]
# The product's pages are Jinja2 templates (templates/): fast, and translatable. allauth's
# pages, the admin's and the emails stay on Django's engine (templates/django/), whose
# base.html draws the same layout from templates/layout/.
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

# The embedded default is a SQLite file beside the project, for trying the app out;
# production and CI run PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so racing writers queue instead of failing
    # with "database is locked" half-way through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server: psycopg prepares a statement it has run five times on
    # a connection, and PostgreSQL stops planning it again (planning was most of the
    # database's time on the list pages).
    # QuerySet.iterator() (forms' model choices) would open a server-side cursor: three
    # round trips where one does, and no use behind PgBouncer in transaction mode.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
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

# Invitation links: valid for a week, and only until the password is set.
INVITATION_TIMEOUT = env.int("INVITATION_TIMEOUT", default=7 * 24 * 3600)

# django-allauth: email log-in, accounts made by the clinic (no open sign-up).
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
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,20/5m/ip",
    "reset_password": "5/5m/ip,5/5m/key",
}
# The per-IP limits need the client's address, not the proxy's: set this to the number of
# proxies in front of the app that append to X-Forwarded-For (0 trusts none of it).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Adding or changing an email address asks for the password again when the last one was
# given more than five minutes ago; changing the password asks for the current one anyway.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# By the password, or by the authenticator app for those who have one; not by a code sent
# to the email address (allauth 65.22 offers that by default): whoever holds a logged-in
# session and reads the mailbox must not be able to change the address or the password.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")

# Two-factor authentication (allauth.mfa): an authenticator app and single-use recovery
# codes. Providers and staff see client records, so without an activated authenticator they
# are sent to set one up first (clinic.security); only the local demo turns that off.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CareSessions"
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

# Automatic logoff (clinic.security.SessionTimeoutMiddleware), in seconds: after this long
# without a request, and this long after logging in whatever the activity.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
# The stored session expires with the absolute limit too, so clearsessions can remove it.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# The JSON API (DESIGN.md section 6): token or browser session, deny by default.
API_THROTTLE_USER = env.str("API_THROTTLE_USER", default="600/minute")
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
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "sessions_app.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, with each user's log in one Redis sorted set (one round trip a request).
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
        "`Authorization: Token <key>` (or the browser session). Times are ISO 8601 with an "
        "offset, given in the clinic's time zone; a time sent without an offset is read in "
        "the clinic's time zone. Each user may make "
        + API_THROTTLE_USER
        + " requests; past that the answer is 429 with Retry-After."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Deny by default: the schema and docs are for people and programs that have logged in.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "clinic.permissions.MFAEnrolled",
    ],
    # No validator badge: it would send the schema's address to swagger.io.
    # No deep links: they put a link inside each operation's toggle button, which screen
    # readers cannot use (nested interactive controls).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://caresessions")
    if not env.str("REDIS_URL", default="")
    else {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.str("REDIS_URL"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
if env.str("REDIS_URL", default=""):
    # Sessions are read from Redis (shared by every web process) and written through to
    # the database, which keeps them across a Redis restart: one query fewer per request.
    # Not with the per-process local cache: a logout in one process would leave the
    # session in another's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CareSessions <no-reply@localhost>")

LANGUAGE_CODE = "en"
# The languages a person may choose on their account page (User.language); without a
# choice, the browser's Accept-Language picks one of these, then English.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# How the pages write moments and days in each language (clinic/formats).
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
# Sent by clinic.security.SecurityHeadersMiddleware. No inline script or style anywhere:
# JSON data goes in <script type="application/json">, behaviour in static files. Images may
# be data: URIs (Bootstrap's icons in its CSS, the QR code of the authenticator set-up).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # __Host- cookies are refused by browsers unless Secure, host-only and for path /: a
    # sibling subdomain cannot plant or overwrite them. Plain HTTP (DEBUG) keeps plain names.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

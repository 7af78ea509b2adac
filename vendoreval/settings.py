"""VendorEval settings, read from environment variables with safe local defaults.

Local default: DEBUG on only when asked (`DEBUG=1`, which `make run` sets), SQLite under var/. With DEBUG off,
SECRET_KEY and ALLOWED_HOSTS must be given and the deployment checks pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VENDOREVAL_VAR_DIR", BASE_DIR / "var"))
DATA_DIR = BASE_DIR / "data"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=...)")
    SECRET_KEY = "django-insecure-local-development-only-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "vendoreval.accounts",
    "vendoreval.checklist",
    "vendoreval.catalog",
    "vendoreval.evaluations",
    "vendoreval.reports",
    "vendoreval.vendors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vendoreval.middleware.RequestGuardMiddleware",  # NUL characters and unreadable form bodies: 400, before all else
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language cookie, else the browser's Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vendoreval.accounts.middleware.UserLanguageMiddleware",  # a signed-in user's chosen language wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vendoreval.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "vendoreval.js_messages.js_messages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vendoreval.accounts.context_processors.membership",
            ],
            "builtins": ["vendoreval.evaluations.templatetags.evaluation_tags", "django.templatetags.i18n"],
        },
    },
]

WSGI_APPLICATION = "vendoreval.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vendoreval.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before its first use in each request (and worker round): after a PostgreSQL
        # restart or failover a dead connection is replaced instead of failing the request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: an autosave takes the write lock before it reads, so two fields saved at once never overwrite each
    # other (PostgreSQL gets the same guarantee from SELECT ... FOR UPDATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A catalog change reason is written by an editor and may run past 100 characters (the
# admin accepts 500); simple-history keeps it in a text column instead of varchar(100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# English, French and German; each user chooses (the browser's preference until they do). Translations live in
# locale/ (compiled by `make run` / `make test`); the checklist's own texts are translated in data/checklist.yaml.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "vendoreval_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("VENDOREVAL_PLAIN_STATIC")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vendoreval@localhost")

# --- security headers ----------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4): everything from this origin, no inline script or style, no eval.
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
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- login throttling (django-axes) --------------------------------------------------------------------------------
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Per client, not per proxy: behind BEHIND_TLS_PROXY the client is read from X-Forwarded-For, trusting as many entries
# from the right as there are proxies that append to it (PROXY_HOPS, default 1: the TLS proxy). See client_ip.py.
AXES_CLIENT_IP_CALLABLE = "vendoreval.accounts.client_ip.client_ip"
VENDOREVAL_PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "1")) if env_bool("BEHIND_TLS_PROXY") else 0

# --- background tasks (django-tasks) -------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend" if not DEBUG else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# --- VendorEval ----------------------------------------------------------------------------------------------------
VENDOREVAL_STALE_AFTER_DAYS = 548  # 18 months
# Where people reach the app: links in e-mails (invitations, catalog alerts) start with it.
VENDOREVAL_BASE_URL = os.environ.get("VENDOREVAL_BASE_URL", "http://127.0.0.1:8000")
VENDOREVAL_DEMO_ACCOUNT = DEBUG and env_bool("VENDOREVAL_DEMO", True)
# Generated PDF reports; on several web servers, a shared directory (NFS, a mounted volume).
VENDOREVAL_REPORT_STORE = Path(os.environ.get("VENDOREVAL_REPORT_STORE", VAR_DIR / "reports"))
# A render writes a heartbeat every HEARTBEAT seconds; one silent for LEASE seconds lost its worker and is retried once.
VENDOREVAL_REPORT_HEARTBEAT = float(os.environ.get("VENDOREVAL_REPORT_HEARTBEAT_SECONDS", "10"))
VENDOREVAL_REPORT_LEASE = float(os.environ.get("VENDOREVAL_REPORT_LEASE_SECONDS", "60"))

# Vendor self-assessments (vendoreval/vendors): links expire after this many days unless the editor says otherwise;
# uploaded PDFs are kept outside the web root (on several web servers: a shared directory, like the report store).
VENDOREVAL_VENDOR_REQUEST_DAYS = 30
VENDOREVAL_VENDOR_UPLOADS = Path(os.environ.get("VENDOREVAL_VENDOR_UPLOADS", VAR_DIR / "vendor-uploads"))
# below nginx's client_max_body_size (5m in docs/deployment.md), with room for the form around the file
VENDOREVAL_VENDOR_UPLOAD_MAX_BYTES = int(os.environ.get("VENDOREVAL_VENDOR_UPLOAD_MAX_MB", "4")) * 1024 * 1024
# Rate limits of the vendor pages: (requests, seconds) per link and per client address; opening a link (a token
# lookup) is limited harder, so guessing tokens is slow as well as hopeless.
VENDOREVAL_VENDOR_RATE_PER_REQUEST = (600, 3600)
VENDOREVAL_VENDOR_RATE_PER_IP = (1200, 3600)
VENDOREVAL_VENDOR_RATE_LINK_PER_IP = (30, 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

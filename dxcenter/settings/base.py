"""Settings shared by every environment; everything that differs between machines comes from
the environment."""

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap

from django.utils.translation import gettext_lazy as _

from .local_apps import LOCAL_APPS

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-insecure-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # project apps first so their templates override third-party ones (settings/local_apps.py)
    *LOCAL_APPS,
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # third party
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time recovery codes
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous page views are answered from the cache before sessions and auth are touched.
    "cms.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.errors.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "common.security.SessionLimitMiddleware",
    "common.security.AdminOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # axes last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dxcenter.urls"
WSGI_APPLICATION = "dxcenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and the worker share the file. IMMEDIATE
    # transactions take the write lock when they begin, so a second writer waits for the busy
    # timeout instead of failing with "database is locked" when its read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "partners.auth.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Japanese is the default and unprefixed, English lives under /en/.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Japanese for Wagtail's admin messages its own catalogue lacks: committed here (not in the .po,
# which makemessages regenerates) and merged into the compiled catalogue by compile_catalogues.
CATALOGUE_SUPPLEMENTS = {"ja": BASE_DIR / "dxcenter" / "wagtail_ja.json"}
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dxcenter.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "dxcenter" / "static",
    # Bootstrap 5 from the xstatic-bootstrap wheel: no CDN, no npm.
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Private uploads (case attachments) live outside MEDIA_ROOT and STATIC_ROOT and are
# served only by views that check permission.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Case attachments (common.storage); production.py moves it to a private bucket.
    "private": {"BACKEND": "common.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": env("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env("CACHE_LOCATION", "dxcenter_cache"),
    },
    # Stored pages and site-wide fragments (cms.cache): files every worker process on this
    # machine shares, so a cache hit makes no SQL query (production uses Redis with REDIS_URL).
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "pagecache")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Staff and partners: logged out after 30 minutes idle (the absolute 12-hour limit is
# enforced by common.middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

# Mail: every message goes through the outbox (common.mail).
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "みえDXセンター <dx-center@example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = env("STAFF_NOTIFICATION_EMAIL", "dx-center@example.jp")
ANYMAIL = {"WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET")}
DXCENTER_MAIL_WEBHOOKS = True  # production serves them only with ANYMAIL_WEBHOOK_SECRET
# Only this provider's webhook URLs are mounted (none without a provider).
DXCENTER_MAIL_PROVIDER = env("ANYMAIL_PROVIDER")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Crash safety (issue 20): a mail a worker took is its own for this long (then another worker
# sends it again, with the same Message-ID); a task RUNNING this long is taken to have lost its
# worker and runs again (scheduled job tasks_requeue_stale).
DXCENTER_OUTBOX_LEASE_SECONDS = int(env("OUTBOX_LEASE_SECONDS", "300"))
DXCENTER_TASK_STALE_SECONDS = int(env("TASK_STALE_SECONDS", "900"))

WAGTAIL_SITE_NAME = "みえDXセンター"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
SITE_BASE_URL = env("SITE_BASE_URL", WAGTAILADMIN_BASE_URL)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "common.search_backend"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff reset their password here, partners in the portal; neither form resets the other's people.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "common.auth_forms.AdminPasswordResetForm"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-axes: 5 failures against one account (from anywhere, however its name is typed) lock
# it for 30 minutes; separately, 20 failures from one client address lock that address.
AXES_FAILURE_LIMIT = 5
DXCENTER_LOGIN_IP_FAILURE_LIMIT = int(env("LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "common.security.LockoutHandler"
AXES_RESET_ON_SUCCESS = True  # the account's own count only (LockoutHandler)
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# One count per account however the name is typed, and the same client address as the rate limit.
AXES_USERNAME_CALLABLE = "common.security.lockout_username"
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_ip"
# Second factor (TOTP) for staff, managers and superusers. Production refuses to start without
# it; development and the tests may turn it off (DXCENTER_REQUIRE_STAFF_OTP=false).
DXCENTER_REQUIRE_STAFF_OTP = env_bool("DXCENTER_REQUIRE_STAFF_OTP", True)
OTP_TOTP_ISSUER = "みえDXセンター"
# Reverse proxies in front of Django that append to X-Forwarded-For (0: none, trust REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Content security policy for every page: no inline script, nonces where needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
    # The Wagtail admin uses inline script and styles; the policy covers the public site.
    "EXCLUDE_URL_PREFIXES": ("/admin/", "/django-admin/"),
}

# Domain settings
# The same consultation (address and text) posted again within this many minutes is one case.
DXCENTER_DUPLICATE_CONSULTATION_MINUTES = int(env("DUPLICATE_CONSULTATION_MINUTES", "10"))
DXCENTER_FIRST_RESPONSE_BUSINESS_DAYS = int(env("FIRST_RESPONSE_BUSINESS_DAYS", "3"))
DXCENTER_ACCEPTANCE_BUSINESS_DAYS = int(env("ACCEPTANCE_BUSINESS_DAYS", "3"))
# Escalations, acceptance reminders, the morning list and the digest go out on business days
# from this hour (Japan time, 0-23) on.
DXCENTER_OFFICE_HOUR = int(env("DXCENTER_OFFICE_HOUR", "9"))
# What the admin's one search finds (common.people_search); each kind needs its app's provider.
DXCENTER_SEARCH_KINDS = ["person", "organisation", "case", "registration", "booking"]
DXCENTER_CASE_RETENTION_FISCAL_YEARS = int(env("CASE_RETENTION_FISCAL_YEARS", "5"))
DXCENTER_REGISTRATION_RETENTION_YEARS = int(env("REGISTRATION_RETENTION_YEARS", "3"))
# A newsletter subscription no longer in force (unsubscribed, bounced, never confirmed) is
# anonymised this many years after its last change (its person too, when nothing else needs it).
DXCENTER_SUBSCRIPTION_RETENTION_YEARS = int(env("SUBSCRIPTION_RETENTION_YEARS", "3"))
# Access-log entries are deleted after this many days (never fewer than 366).
DXCENTER_ACCESS_LOG_RETENTION_DAYS = int(env("ACCESS_LOG_RETENTION_DAYS", "400"))
# Page cache for anonymous visitors (cms.cache): purged on publish, else expires after this.
DXCENTER_PAGE_CACHE = env_bool("PAGE_CACHE", True)
DXCENTER_PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
# Public form posts (django-ratelimit rates: "60/h", "5/10m", "5/600" = per 600 s), per form:
# per client IP (generous: an office shares one gateway) and per e-mail address (or survey link).
# PUBLIC_POST_RATE, the former single per-IP limit, is still read as the IP limit when set.
DXCENTER_PUBLIC_POST_RATE_IP = env("PUBLIC_POST_RATE_IP", "") or env("PUBLIC_POST_RATE", "60/h")
DXCENTER_PUBLIC_POST_RATE_EMAIL = env("PUBLIC_POST_RATE_EMAIL", "5/h")
# Password-reset requests (both logins): per address asked for, and per client address.
DXCENTER_PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", "3/3600")
DXCENTER_PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", "10/3600")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Translations of labels that Django does not know
_ = _
AXES_VERBOSE = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no outside requests: the admin shows initials

"""Settings for the load benchmarks: production-like (DEBUG off), on loopback, no rate limit."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", "bench-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DXCENTER_RATE_LIMIT_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "common.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Keep database connections across requests, as production does (base sets 0 for SQLite so the
# development server's threads never share one).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DXCENTER_REQUIRE_STAFF_OTP = False  # the journeys and benchmarks log in with a password only

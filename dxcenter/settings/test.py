from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "common.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "common.search_backend"}}
# Tests of the lockout and rate limits switch these back on where they need them.
AXES_ENABLED = env("AXES_ENABLED", "true") == "true"
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The page cache is switched on by the tests that are about it (cms/tests/test_cache.py).
DXCENTER_PAGE_CACHE = False
# Off unless a test turns it on (common/tests/test_otp.py proves it is enforced).
DXCENTER_REQUIRE_STAFF_OTP = env_bool("DXCENTER_REQUIRE_STAFF_OTP", False)
# The webhook tests post as this provider; only its webhook URLs are mounted.
DXCENTER_MAIL_PROVIDER = "postmark"

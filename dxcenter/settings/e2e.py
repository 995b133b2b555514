"""Settings for the browser journeys: a real server process, mail written to files."""

from .base import env
from .bench import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "/tmp/dxcenter-e2e-mail")
DXCENTER_RATE_LIMIT_ENABLED = True
DXCENTER_PUBLIC_POST_RATE_IP = "50/60"
DXCENTER_PUBLIC_POST_RATE_EMAIL = "50/60"
AXES_ENABLED = True
SITE_BASE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", "/tmp/dxcenter-e2e-private")
# One cache shared by the server's workers and the test's own manage.py calls, as in production
# (Redis there): publishing from the test purges the pages the workers have stored.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dxcenter_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dxcenter_cache",
        "KEY_PREFIX": "pages",
    },
}

"""The cluster test's settings (tests/cluster/): production, as an operator configures it from
the environment (PostgreSQL, Redis, S3-compatible private storage, SMTP), with the few changes a
test on loopback needs. Never for a real deployment."""

from .base import env
from .production import *  # noqa: F403

# Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Static files from the source tree (no collectstatic step in the test).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DXCENTER_RATE_LIMIT_ENABLED = True
# The test moves the schedulers' clock through reminder days (common.scheduling).
DXCENTER_SCHEDULER_OFFSET_FILE = env("SCHEDULER_OFFSET_FILE") or None

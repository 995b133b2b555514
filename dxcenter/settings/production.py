"""Production: every secret from the environment; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("dev-"):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not env("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")

if not env_bool("DXCENTER_REQUIRE_STAFF_OTP", True):
    raise ImproperlyConfigured(
        "DXCENTER_REQUIRE_STAFF_OTP cannot be turned off in production: staff, managers and "
        "superusers need a second factor."
    )
DXCENTER_REQUIRE_STAFF_OTP = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Mail: a provider through django-anymail when ANYMAIL_PROVIDER is set, SMTP otherwise.
_provider = env("ANYMAIL_PROVIDER")
if _provider:
    EMAIL_BACKEND = f"anymail.backends.{_provider}.EmailBackend"
# The provider's keys, e.g. ANYMAIL_SENDGRID_API_KEY or ANYMAIL_MAILGUN_SENDER_DOMAIN, go into
# ANYMAIL as anymail documents them (SENDGRID_API_KEY, ...). Amazon SES reads the AWS_* keys.
ANYMAIL = {
    **{
        key.removeprefix("ANYMAIL_"): value
        for key, value in os.environ.items()
        if key.startswith("ANYMAIL_") and key not in ("ANYMAIL_PROVIDER", "ANYMAIL_WEBHOOK_SECRET")
    },
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET"),
}
# Without a secret anymail accepts any request at /anymail/…/tracking/, and anybody could mark
# addresses as bouncing. With a provider the secret is required; with SMTP (no provider, no
# secret) the webhook URLs are not served at all.
if ANYMAIL["WEBHOOK_SECRET"] and ":" not in ANYMAIL["WEBHOOK_SECRET"]:
    raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must have the form user:password.")
if _provider and not ANYMAIL["WEBHOOK_SECRET"]:
    raise ImproperlyConfigured(
        "ANYMAIL_WEBHOOK_SECRET must be set for production with ANYMAIL_PROVIDER, as "
        "user:password (the provider's webhook URL carries it: https://user:password@host/anymail/…)."
    )
DXCENTER_MAIL_WEBHOOKS = bool(ANYMAIL["WEBHOOK_SECRET"])
DXCENTER_MAIL_PROVIDER = _provider

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "pages",
        },
    }
# Keep database connections across requests (each gunicorn sync worker has one thread), checked
# before reuse so a restarted database server costs one failed check, not a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

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

# Shared cache (issue 20): Redis when REDIS_URL is set (pip install ".[redis]"). The rate limits,
# the login lockout (django-axes counts in the database, its cache handler is not used), the
# page cache and its purge, and /healthz's heartbeat all use the default cache, so every web node
# sees the same counts and purges. SESSION_CACHE=true keeps sessions there too (cached_db: Redis
# in front, the database behind, so a Redis restart logs nobody out).
if env("REDIS_URL"):
    CACHES = {
        **CACHES,  # noqa: F405 (aliases defined in base.py, e.g. the page cache, move along)
        **{
            alias: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": env("REDIS_URL"),
                "KEY_PREFIX": alias if alias != "default" else "",
            }
            for alias in CACHES  # noqa: F405
        },
    }
    if env_bool("SESSION_CACHE", False):
        SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Keep database connections across requests (each gunicorn sync worker has one thread), checked
# before reuse so a restarted database server costs one failed check, not a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Files (issue 20): with PRIVATE_STORAGE_BUCKET (pip install ".[s3]") case attachments go to a
# private S3-compatible bucket (prefix PRIVATE_STORAGE_PREFIX): no public ACL, no public URL;
# the app streams a file after its permission check. AWS_STORAGE_BUCKET_NAME moves Wagtail's
# images and documents (the default storage) to object storage the same way (documents are
# served through the app, WAGTAILDOCS_SERVE_METHOD = "serve_view"). Endpoint and keys:
# AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME.
_s3_common = {
    "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
    "region_name": env("AWS_S3_REGION_NAME") or None,
    "access_key": env("AWS_ACCESS_KEY_ID") or None,
    "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
}
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_common,
                "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
                "location": env("MEDIA_STORAGE_PREFIX", "media"),
                "file_overwrite": False,
            },
        },
    }
if env("PRIVATE_STORAGE_BUCKET"):
    STORAGES = {
        **STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_common,
                "bucket_name": env("PRIVATE_STORAGE_BUCKET"),
                "location": env("PRIVATE_STORAGE_PREFIX", "private"),
                "default_acl": "private",
                "querystring_auth": True,  # any URL made is signed and short-lived
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret-8f3a1c")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
INTERNAL_IPS = ["127.0.0.1"]
# The second factor is off on a development machine unless asked for (README: Logins and security).
DXCENTER_REQUIRE_STAFF_OTP = env_bool("DXCENTER_REQUIRE_STAFF_OTP", False)

"""The portal's people for password reset: partners and advisors who are not staff."""

from django.conf import settings

from common.password_reset import register_reset_audience
from common.security import is_staff_account

from .selectors import is_portal_user


def is_portal_only_account(user) -> bool:
    return is_portal_user(user) and not is_staff_account(user)


register_reset_audience(
    "portal",
    template="password_reset",
    confirm_url_name="partner:password_reset_confirm",
    base_url=lambda: settings.SITE_BASE_URL,
    includes=is_portal_only_account,
)

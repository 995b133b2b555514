"""Password reset for the two logins: staff in the Wagtail admin, partners in the portal.

Each login resets only its own people (an *audience*): the admin's form only staff (anyone who
may use the admin, superusers included), the portal's form only partners and advisors who are
not staff. The portal registers its audience (``cases.portal.password_reset``).

What a request does is the same whether the address is known or not: after the rate limits
(per address, per client address), it queues one task. The task, in the worker, looks the
address up and queues a mail for each matching account. The mail row stores the user's id only;
the reset link (uid + token) is made when the message is sent (``register_secret_builder``), so
no database row, admin page or disclosure ever holds a usable link.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .mail import outbox_add, register_secret_builder
from .ratelimit import client_ip, parse_rate
from .security import is_staff_account
from .text import canonical_email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Audience:
    name: str
    template: str
    confirm_url_name: str
    base_url: Callable[[], str]
    includes: Callable[[object], bool]


_AUDIENCES: dict[str, Audience] = {}


def register_reset_audience(
    name: str,
    *,
    template: str,
    confirm_url_name: str,
    base_url: Callable[[], str],
    includes: Callable[[object], bool],
) -> None:
    """A login's people: `includes(user)` says whether its form may reset that account."""
    _AUDIENCES[name] = Audience(name, template, confirm_url_name, base_url, includes)

    def build(context: dict) -> dict:
        return {"reset_url": reset_url(_AUDIENCES[name], context.get("user_id"))}

    register_secret_builder(template, build)


def _matching_users(email: str, audience: Audience) -> Iterable:
    User = get_user_model()
    for user in User._default_manager.filter(email__iexact=email.strip(), is_active=True):
        if user.has_usable_password() and audience.includes(user):
            yield user


def reset_url(audience: Audience, user_id) -> str:
    """A fresh one-time link, made at send time; refused if the account left the audience."""
    User = get_user_model()
    user = User._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not audience.includes(user):
        raise ValueError("the account can no longer be reset from this form")
    path = reverse(
        audience.confirm_url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{audience.base_url().rstrip('/')}{path}"


def _over_limit(key: str, rate: str) -> bool:
    limit, window = parse_rate(rate)
    if cache.add(key, 1, timeout=window):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False


def password_reset_request(request, email: str, audience: str) -> bool:
    """Handle one form post; the same work, and the same answer, for any address.

    Returns whether the request was passed on (False when a rate limit held it back); the page
    shown to the visitor does not depend on it.
    """
    from .tasks import password_reset_dispatch  # tasks imports this module

    email = email.strip()
    if getattr(settings, "DXCENTER_RATE_LIMIT_ENABLED", True):
        address = hashlib.sha256(canonical_email(email).encode()).hexdigest()[:32]
        over_address = _over_limit(
            f"pwreset:addr:{address}", settings.DXCENTER_PASSWORD_RESET_RATE_PER_ADDRESS
        )
        over_ip = _over_limit(
            f"pwreset:ip:{client_ip(request)}", settings.DXCENTER_PASSWORD_RESET_RATE_PER_IP
        )
        if over_address or over_ip:
            logger.warning("password reset rate limit reached (%s)", audience)
            return False
    password_reset_dispatch.enqueue(email, audience)
    return True


def password_reset_queue(email: str, audience: str) -> int:
    """In the worker: queue a reset mail to each account of the audience with this address."""
    target = _AUDIENCES[audience]
    count = 0
    with transaction.atomic():
        for user in _matching_users(email, target):
            outbox_add(
                to=user.email,
                template=target.template,
                context={"user_id": user.pk},
                related=user,
                related_label=user.get_username(),
            )
            count += 1
    return count


register_reset_audience(
    "staff",
    template="password_reset_admin",
    confirm_url_name="wagtailadmin_password_reset_confirm",
    base_url=lambda: settings.WAGTAILADMIN_BASE_URL,
    includes=is_staff_account,
)

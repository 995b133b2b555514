"""Rate limits for public POSTs (django-ratelimit): per form, per IP and per e-mail address.

One office, one gateway: many people register from the same IP within minutes, so the IP limit
is generous (``PUBLIC_POST_RATE_IP``, 60 an hour) while one address may post only a few times
(``PUBLIC_POST_RATE_EMAIL``, 5 an hour). Each form counts on its own.
"""

from django_ratelimit.core import get_usage

from django.conf import settings
from django.utils.translation import gettext as _

from .text import canonical_email


def client_ip(request) -> str:
    """The visitor's address, for the rate limit and the login lockout (django-axes).

    With no proxy in front (TRUSTED_PROXY_COUNT=0) it is REMOTE_ADDR, and X-Forwarded-For is
    ignored: anybody can send that header. Behind N trusted proxies, each of which appends the
    address it saw, the client is the N-th address from the right; addresses further left were
    written by the client and are not believed.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [a for a in hops if a]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/600" → (5, 600): the count and the window in seconds (password_reset's own counter)."""
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def _over(request, *, group: str, value: str, rate: str) -> bool:
    usage = get_usage(
        request, group=group, key=lambda _group, _request: value, rate=rate, increment=True
    )
    return bool(usage and usage["should_limit"])


def public_post_limited(request, *, form: str, identity: str = "") -> bool:
    """Count one POST of a public `form`; True when its IP or its address went over the limit.

    ``identity`` is the e-mail address typed into the form (or the survey's token): the same
    address posting again and again is stopped long before the office's shared IP would be.
    The address counts in its canonical form, so victim@ｅxample.net is victim@example.net.
    """
    if not getattr(settings, "DXCENTER_RATE_LIMIT_ENABLED", True):
        return False
    over = _over(
        request,
        group=f"public:{form}:ip",
        value=client_ip(request),
        rate=settings.DXCENTER_PUBLIC_POST_RATE_IP,
    )
    identity = canonical_email(identity)
    if identity:
        over = (
            _over(
                request,
                group=f"public:{form}:id",
                value=identity,
                rate=settings.DXCENTER_PUBLIC_POST_RATE_EMAIL,
            )
            or over
        )
    return over


def rate_limit_message() -> str:
    return _("短時間に多くの送信がありました。しばらく時間をおいてから、もう一度送信してください。")


def form_rate_limited(request, form, *, name: str, identity: str = "") -> bool:
    """Count one POST of the public form ``name``; over the limit, ``form`` carries the message.

    The caller answers 429 with the form re-rendered (what was typed is kept).
    """
    if not public_post_limited(request, form=name, identity=identity):
        return False
    form.is_valid()
    form.add_error(None, rate_limit_message())
    return True

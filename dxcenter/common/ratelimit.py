"""Cache-based rate limit for public POSTs (per client IP)."""

from django.conf import settings
from django.core.cache import cache


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
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def rate_limited(request, scope: str, rate: str | None = None) -> bool:
    """Count this request; True when the IP went over `rate` ("5/600") for `scope`."""
    if not getattr(settings, "DXCENTER_RATE_LIMIT_ENABLED", True):
        return False
    limit, window = parse_rate(rate or settings.DXCENTER_PUBLIC_POST_RATE)
    key = f"rl:{scope}:{client_ip(request)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False
    return count > limit

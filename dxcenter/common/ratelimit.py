"""Cache-based rate limit for public POSTs (per client IP)."""

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the proxy the first X-Forwarded-For address is the client's.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "USE_X_FORWARDED_FOR", False):
        return forwarded.split(",")[0].strip()
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

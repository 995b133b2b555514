"""The page cache: anonymous GETs of public pages served from the cache, purged on publish.

A response is stored only when it is safe to give to anyone: the request carried no session,
CSRF or messages cookie, and the response is a 200 that sets no cookie and does not say
no-cache/no-store/private (forms with a CSRF token set a cookie, so they are never stored).
Purging bumps a generation number that is part of every key, so one write drops every page.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

GENERATION_KEY = "pagecache:generation"
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/partner/",
    "/documents/",
    "/static/",
    "/media/",
    "/i18n/",
    "/anymail/",
    "/healthz",
)
SKIPPED_HEADERS = {"set-cookie", "x-page-cache"}


def enabled() -> bool:
    return getattr(settings, "DXCENTER_PAGE_CACHE", True)


def timeout() -> int:
    return getattr(settings, "DXCENTER_PAGE_CACHE_SECONDS", 300)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def purge() -> None:
    """Drop every cached page and fragment (they all carry the generation in their key)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def fragment_key(name: str, *parts) -> str:
    """A cache key for a site-wide fragment (menu, footer) that the next purge drops."""
    return ":".join(["pagefragment", str(generation()), name, *map(str, parts)])


def _language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _request_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    if request.path_info.startswith(SKIPPED_PREFIXES):
        return False
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or settings.CSRF_COOKIE_NAME in cookies
        or "messages" in cookies
    )


def _response_cacheable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("no-cache", "no-store", "private"))


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:{generation()}:{_language(request)}:{request.get_host()}:{digest}"


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_cacheable(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content if request.method == "GET" else b"", headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and _response_cacheable(response):
            headers = {k: v for k, v in response.items() if k.lower() not in SKIPPED_HEADERS}
            cache.set(key, (response.content, headers), timeout())
            response["X-Page-Cache"] = "miss"
        return response

"""The page cache: anonymous GETs of public pages served from the cache, purged on publish.

A response is stored only when it is safe to give to anyone: the request had no query string and
carried no session, CSRF or messages cookie, and the response is a 200 that sets no cookie other than the CSRF one
and does not say no-cache/no-store/private. Pages with a form (a seminar with its registration,
the consultation page) are stored with their CSRF tokens replaced by a placeholder; each visitor
served from the cache gets a fresh secret in their own cookie and a token for it in the form,
exactly as if the page had been rendered for them.
Purging bumps a generation number that is part of every key, so one write drops every page.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

# The generation counter lives in the base so that apps below the cms can read it.
from dxcenter.common.page_cache import GENERATION_KEY, generation, purge  # noqa: F401

SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/partner/",
    "/en/partner/",
    "/documents/",
    "/static/",
    "/media/",
    "/i18n/",
    "/anymail/",
    "/healthz",
)
SKIPPED_HEADERS = {"set-cookie", "x-page-cache"}
CSRF_PLACEHOLDER = b"__dx_page_cache_csrf_token__"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def enabled() -> bool:
    return getattr(settings, "DXCENTER_PAGE_CACHE", True)


def timeout() -> int:
    return getattr(settings, "DXCENTER_PAGE_CACHE_SECONDS", 300)


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
    if request.META.get("QUERY_STRING"):
        # A query string is whatever the link's author typed: a page that varies by it is
        # never stored, and the stored plain page is never served for it.
        return False
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or settings.CSRF_COOKIE_NAME in cookies
        or "messages" in cookies
    )


def _response_cacheable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("no-cache", "no-store", "private"))


def _key(request) -> str:
    digest = hashlib.sha256(request.path.encode()).hexdigest()[:32]
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
            with_form = CSRF_PLACEHOLDER in content
            if with_form:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content if request.method == "GET" else b"", headers=headers)
            if with_form:
                _set_csrf_cookie(request, response)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and _response_cacheable(response):
            headers = {k: v for k, v in response.items() if k.lower() not in SKIPPED_HEADERS}
            content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            cache.set(key, (content, headers), _timeout_for(response))
            response["X-Page-Cache"] = "miss"
        return response


def _timeout_for(response) -> int:
    """The page cache's timeout, shortened by the page's own max-age (seat counts, for one)."""
    match = re.search(r"max-age=(\d+)", response.get("Cache-Control", ""))
    return min(timeout(), int(match.group(1))) if match else timeout()


def _set_csrf_cookie(request, response) -> None:
    """The cookie CsrfViewMiddleware would have set for a freshly rendered form."""
    response.set_cookie(
        settings.CSRF_COOKIE_NAME,
        request.META["CSRF_COOKIE"],
        max_age=settings.CSRF_COOKIE_AGE,
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    response.headers.setdefault("Vary", "Cookie")

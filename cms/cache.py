"""The page cache: anonymous GETs of public pages served from the cache, purged on publish.

A response is stored only when it is safe to give to anyone: the request had no query string and
carried no session, CSRF or messages cookie, and the response is a 200 that sets no cookie other than the CSRF one
and does not say no-cache/no-store/private. Pages with a form (a seminar with its registration,
the consultation page) are stored with their CSRF tokens replaced by a placeholder; each visitor
served from the cache gets a fresh secret in their own cookie and a token for it in the form,
exactly as if the page had been rendered for them.
Purging bumps a generation number that is part of every key, so one write drops every page.

Pages and site-wide fragments live in the `pages` cache alias: with the default settings a
directory of files that every gunicorn worker on the machine reads without SQL (Redis where
REDIS_URL is set). The generation is read once per request (the middleware remembers it for the
request), so a page stored while a publish happens is stored under the old generation and never
served; the next request of every worker reads the new generation from the shared cache.
"""

import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from wagtail.models import Site
from wagtail.url_routing import RouteResult

# The generation and the store live in the base so that apps below the cms can read them.
from common.page_cache import (  # noqa: F401
    GENERATION_KEY,
    generation,
    purge,
    request_memo,
    store,
)

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
        with request_memo():
            return self._respond(request)

    def _respond(self, request):
        if not _request_cacheable(request):
            if request.method in ("GET", "HEAD") and not request.path_info.startswith(
                SKIPPED_PREFIXES
            ):
                return self._render(request)
            return self.get_response(request)
        key = _key(request)
        pages = store()
        stored = pages.get(key)
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
        response = self._render(request)
        if request.method == "GET" and _response_cacheable(response):
            headers = {k: v for k, v in response.items() if k.lower() not in SKIPPED_HEADERS}
            content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            pages.set(key, (content, headers), _timeout_for(response))
            response["X-Page-Cache"] = "miss"
        return response

    def _render(self, request):
        """Render a public page with Wagtail's site and route lookups answered from the cache."""
        routed = _prime(request)
        response = self.get_response(request)
        if not routed:
            _remember_route(request)
        return response


def _prime(request) -> bool:
    """Give Wagtail the request's site (its root page loaded), the site root paths and, once a
    request has found it, the route to the page: from the page cache, purged whenever a site or
    page changes, instead of the database and the database cache. True if the route was given."""
    pages = store()
    host = request._get_raw_host()
    site_key = f"pagesite:{generation()}:{host}"
    route_key = _route_key(request)
    stored = pages.get_many([site_key, route_key])
    site = stored.get(site_key)
    if site is None:
        found = Site._find_for_request(request)
        if found is not None:
            # The root page as Wagtail's routing asks for it (site.root_page.specific).
            found.root_page = found.root_page.specific
        site = (found, Site.get_site_root_paths())
        pages.set(site_key, site, timeout())
    request._wagtail_site, request._wagtail_cached_site_root_paths = site
    route = stored.get(route_key)
    if route is None:
        return False
    label, pk, args, kwargs = route
    page = apps.get_model(label).objects.filter(pk=pk).first()
    if page is None:
        return False
    request._wagtail_route_for_request = RouteResult(page, args, kwargs)
    return True


def _route_key(request) -> str:
    digest = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    return f"pageroute:{generation()}:{request._get_raw_host()}:{digest}"


def _remember_route(request) -> None:
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is None:
        return
    page, args, kwargs = route
    value = (page._meta.label, page.pk, tuple(args or ()), dict(kwargs or {}))
    store().set(_route_key(request), value, timeout())


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

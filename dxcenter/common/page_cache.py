"""The page cache's generation: part of every cached page's and fragment's key.

Bumping it drops every stored page at once. Here in the base so that any app can put it in a
cache key (a seminar's seat count, a menu fragment) without importing the cms.

It lives with the pages in the `pages` cache alias (files every worker process on the machine
shares without SQL with the default settings; Redis with REDIS_URL), and is read once per request:
the cms page-cache middleware opens a per-request memo (`request_memo()`), so a page rendered while
a publish happens is stored under the generation it started with and never served after it.
"""

import contextlib
import contextvars
import time

from django.core.cache import caches

ALIAS = "pages"
GENERATION_KEY = "pagecache:generation"

# What this request has read already (the generation, ...); None outside a request.
_request_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "page_cache_request_memo", default=None
)


def store():
    """The cache that holds pages and fragments (shared by every worker, no SQL on a hit)."""
    return caches[ALIAS]


@contextlib.contextmanager
def request_memo():
    """Everything `per_request` computes inside is computed once."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def per_request(name: str, compute):
    """compute() once per request (every call outside a request computes afresh)."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def _fresh_generation() -> int:
    # Never a number used before, even if the stored one was evicted: the clock in microseconds.
    return time.time_ns() // 1000


def _read_generation() -> int:
    pages = store()
    value = pages.get(GENERATION_KEY)
    if value is None:
        pages.add(GENERATION_KEY, _fresh_generation(), None)
        value = pages.get(GENERATION_KEY) or _fresh_generation()
    return value


def generation() -> int:
    """The current generation: part of every page and fragment key; read once per request."""
    return per_request("generation", _read_generation)


def purge() -> None:
    """Drop every cached page and fragment (they all carry the generation in their key)."""
    value = _fresh_generation()
    store().set(GENERATION_KEY, value, None)
    memo = _request_memo.get()
    if memo is not None:
        memo["generation"] = value  # what this request renders after the purge is current

"""The page cache's generation: part of every cached page's and fragment's key.

Bumping it drops every stored page at once. Here in the base so that any app can put it in a
cache key (a seminar's seat count, a menu fragment) without importing the cms.
"""

from django.core.cache import cache

GENERATION_KEY = "pagecache:generation"


def generation() -> int:
    """The current generation (1 on a fresh cache)."""
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

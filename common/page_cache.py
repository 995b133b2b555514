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
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

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


# What public pages show: a save or delete of any registered model drops every cached page.
_SHOWN: dict[str, type] = {}
# Models Wagtail offers editors as content (snippets, settings) that no public page shows.
_NOT_SHOWN: dict[str, str] = {}


def _purge_after_commit(sender=None, **kwargs) -> None:
    # Now, and again after the commit: a page rendered meanwhile read the old row under the
    # generation it started with (read once per request), and the second purge drops it.
    purge()
    transaction.on_commit(purge)


def shown_on_public_pages(*models) -> None:
    """The public pages show these models: saving, deleting or relinking one (its many-to-many
    fields too: a seminar's lecturers) purges the page cache once the change is committed.

    Every Wagtail snippet and site setting must be registered here or with
    `not_on_public_pages` (system check common.E011): a record that moved out of the page tree
    would otherwise stay stale on the public site until the cache expired."""
    for model in models:
        label = model._meta.label
        _SHOWN[label] = model
        uid = f"page_cache_{label}"
        post_save.connect(_purge_after_commit, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_purge_after_commit, sender=model, weak=False, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _purge_after_commit, sender=through, weak=False, dispatch_uid=f"{uid}_{field.name}"
            )


def not_on_public_pages(label: str, *, reason: str) -> None:
    """Declare an editor-facing model (snippet, setting) that no public page shows."""
    _NOT_SHOWN[label] = reason


def shown_models() -> dict[str, type]:
    return dict(_SHOWN)


def unregistered_content_models() -> list[str]:
    """Snippets and site settings neither shown_on_public_pages nor not_on_public_pages."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.snippets.models import get_snippet_models

    labels = {m._meta.label for m in get_snippet_models()}
    labels |= {m._meta.label for m in settings_registry}
    return sorted(labels - set(_SHOWN) - set(_NOT_SHOWN))

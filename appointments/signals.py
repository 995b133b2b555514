"""The sessions version: every booking, cancellation and series or slot change bumps it, so the
sessions section cached on seminar pages (wagtail_hooks.seminar_sessions_section) is redrawn on
the next visit, on every worker."""

from django.db.models.signals import post_delete, post_save

from common import page_cache

from .models import SessionBooking, SessionSeries, SessionSlot

SESSIONS_VERSION_KEY = "sessions-version"


def sessions_changed(**kwargs) -> None:
    store = page_cache.store()
    if not store.add(SESSIONS_VERSION_KEY, 1, None):
        try:
            store.incr(SESSIONS_VERSION_KEY)
        except ValueError:  # evicted in between: any new value changes the key
            store.set(SESSIONS_VERSION_KEY, 1, None)


for _model in (SessionBooking, SessionSeries, SessionSlot):
    post_save.connect(sessions_changed, sender=_model, dispatch_uid=f"sessions-{_model.__name__}")
    post_delete.connect(
        sessions_changed, sender=_model, dispatch_uid=f"sessions-del-{_model.__name__}"
    )

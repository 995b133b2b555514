"""One place that knows every scheduled job.

Apps register a job with `@scheduled_job("name")` in their `tasks.py` (imported by the app's
`ready()`); `python manage.py run_scheduled` (cron, or the worker's schedule) calls every job.
A job takes `now` and enqueues or does the work that is due; it must be idempotent, because it
runs again on the next tick. Daily work asks `due_today(name, now)` first.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int | None]
_JOBS: dict[str, Job] = {}


def scheduled_job(name: str) -> Callable[[Job], Job]:
    """Register `func(now)` as a scheduled job under `name`."""

    def register(func: Job) -> Job:
        _JOBS[name] = func
        return func

    return register


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def due_today(name: str, now: dt.datetime) -> bool:
    """True the first time a daily job asks on a local day; the cache remembers the day."""
    key = f"dxcenter:daily:{name}:{timezone.localdate(now).isoformat()}"
    return cache.add(key, now.timestamp(), timeout=2 * 24 * 3600)

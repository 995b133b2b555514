"""One place that knows every scheduled job.

Apps register a job with `@scheduled_job("name")` in their `tasks.py` (imported by the app's
`ready()`); `python manage.py run_scheduled` (cron, or the worker's schedule) calls every job.
A job takes `now` and enqueues or does the work that is due; it must be idempotent, because it
runs again on the next tick.
"""

import datetime as dt
import logging
from collections.abc import Callable

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

"""One place that knows every scheduled job.

Apps register a job with `@scheduled_job("name")` in their `tasks.py` (imported by the app's
`ready()`); `python manage.py run_scheduled` (cron, or the worker's schedule) calls every job.
A job takes `now` and enqueues or does the work that is due; it must be idempotent, because it
runs again on the next tick. Daily work asks `due_today(name, now)` first.

Work meant for staff and partners (escalations, acceptance reminders, the morning list, the
digest) asks `office_open(now)` before it claims its day: it runs on business days (weekends,
Japanese holidays and the year-end closure excluded, as for the deadlines) from the office hour
(DXCENTER_OFFICE_HOUR, Japan time) on, so a tick at midnight or on Sunday claims nothing and the
first tick of the next working morning does the work.

More than one scheduler (one per machine, issue 20): on PostgreSQL a job runs inside a
session-level advisory lock (`job_lock`), so while one scheduler runs it another skips it, and the
next run finds the work done (the jobs mark what they sent: reminded_at, thanked_at, ...). A daily
job's day is a row (ScheduledRun, unique per job and day) that only one scheduler can insert. On
SQLite there is no advisory lock: one scheduler is assumed (the development set-up).
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .dates import is_business_day
from .models import ScheduledRun

logger = logging.getLogger(__name__)
TOKYO = ZoneInfo("Asia/Tokyo")

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
    """True the first time a daily job asks on a local day, in any scheduler."""
    return claim_period(name, timezone.localdate(now).isoformat())


def office_open(now: dt.datetime) -> bool:
    """True on a business day from the office hour on (Japan time): when staff work arrives."""
    local = now.astimezone(TOKYO)
    return is_business_day(local.date()) and local.hour >= settings.DXCENTER_OFFICE_HOUR


def claim_period(job: str, period: str) -> bool:
    """Insert the (job, period) row; False when another scheduler (or an earlier tick) did."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, period=period)
    except IntegrityError:
        return False
    return True


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, per job name."""
    return int.from_bytes(
        hashlib.sha256(f"dxcenter:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yield True when this scheduler may run the job now (PostgreSQL: nobody else runs it)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def scheduler_now() -> dt.datetime:
    """The scheduler's clock: real time, moved by a test-only offset file when one is set.

    DXCENTER_SCHEDULER_OFFSET_FILE (the cluster test's settings only) holds seconds to add, so
    the test can walk the schedulers through reminder days while they run."""
    now = timezone.now()
    offset_file = getattr(settings, "DXCENTER_SCHEDULER_OFFSET_FILE", None)
    if offset_file:
        try:
            now += dt.timedelta(seconds=float(Path(offset_file).read_text() or 0))
        except (OSError, ValueError):
            logger.warning("scheduler offset file %s unreadable", offset_file)
    return now

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.db import connection

TOKYO = ZoneInfo("Asia/Tokyo")


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK") or None,
        help=(
            "run the suite as if it were this moment (ISO date or date-time, Japan time unless an "
            "offset is given; the clock keeps ticking from there). Also TEST_CLOCK."
        ),
    )


def parse_clock(value: str) -> dt.datetime:
    """'2027-03-31', '2027-03-31T23:59' or '2027-03-31T14:59:30+00:00' → an aware datetime."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


def pytest_configure(config):
    """The whole run travels to --clock: what a machine whose clock reads that day would see."""
    value = config.getoption("--clock")
    if value:
        config._clock_traveller = time_machine.travel(parse_clock(value), tick=True)
        config._clock_traveller.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_clock_traveller", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    value = config.getoption("--clock")
    if value:
        moment = parse_clock(value)
        return [
            f"clock: the suite runs as if it were {moment.isoformat()} "
            f"({moment.astimezone(TOKYO):%Y-%m-%d %H:%M} in Japan); replay with --clock={value}"
        ]
    return []


def pytest_collection_modifyitems(config, items):
    """Tests that only mean something on PostgreSQL are skipped, with the reason, on SQLite.

    Browser journeys build on each other (a later journey books the seminar an earlier one
    opened), so a random order (pytest-randomly) never reaches them: they run last, as written.
    """
    from django.conf import settings

    browser = [item for item in items if "e2e" in item.keywords]
    if browser:
        others = [item for item in items if "e2e" not in item.keywords]
        browser.sort(key=lambda item: (str(item.path), item.reportinfo()[1] or 0))
        items[:] = others + browser

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, concurrency): run make test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and the page cache live in the cache: each test starts with it empty."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """A request under /en/ leaves English active in the thread; each test starts in Japanese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

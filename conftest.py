import pytest

from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests that only mean something on PostgreSQL are skipped, with the reason, on SQLite."""
    from django.conf import settings

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
    from django.core.cache import cache

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

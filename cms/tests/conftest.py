import copy

import pytest

from cms import demo


@pytest.fixture
def site(db):
    """The demo portal: home, pages and translations (no advisors or seminars)."""
    return demo.seed_site()


@pytest.fixture
def production_caches(settings, tmp_path, db):
    """The cache configuration a center runs without REDIS_URL (dxcenter.settings.base): the
    database cache as the default and the page cache in files, under a temporary directory."""
    from django.core.management import call_command

    from dxcenter.settings import base

    caches = copy.deepcopy(base.CACHES)
    caches["pages"]["LOCATION"] = str(tmp_path / "pagecache")
    settings.CACHES = caches
    settings.DXCENTER_PAGE_CACHE = True
    call_command("createcachetable", verbosity=0)
    return caches

"""Publishing is seen by every gunicorn worker on its next request: the page cache lives in
files the workers share, and its generation is read from there on every request."""

import os
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from django.db import connection

from cms.management.commands import bench_pages
from cms.models import NewsPage
from common.bench import database_url, gunicorn_process

PUBLISH = """
from cms.models import NewsPage
page = NewsPage.objects.get(pk={pk})
page.title = "公開し直したタイトル"
page.save_revision().publish()
"""


def _fetch_many(base: str, path: str, n: int = 16) -> list[tuple[str, str]]:
    def fetch(_):
        request = urllib.request.Request(base + path, headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers.get("X-Page-Cache"), response.read().decode()

    with ThreadPoolExecutor(max_workers=4) as pool:  # more at once than there are workers
        return list(pool.map(fetch, range(n)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_is_served_by_every_worker_on_its_next_request():
    from cms import demo

    demo.seed_site()
    news = NewsPage.objects.live().filter(locale__language_code="ja").first()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = bench_pages._production_env(workdir)
        env["STATIC_ROOT"] = bench_pages._static_root(bench_pages.PRODUCTION)
        if connection.vendor == "sqlite":  # the test database lives in memory: copy it
            bench_pages._copy_current_sqlite(workdir / "db.sqlite3")
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
        else:  # the test database on the server, committed (transaction=True)
            env["DATABASE_URL"] = database_url()
        manage = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": bench_pages.PRODUCTION}
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"],
            cwd=bench_pages.ROOT,
            env=manage,
            check=True,
        )
        connection.close()
        with gunicorn_process(
            workers=2, settings=bench_pages.PRODUCTION, db_url=env["DATABASE_URL"], extra_env=env
        ) as (base, _):
            assert _fetch_many(base, news.url, n=1)[0][0] == "miss"  # stored by one worker
            before = _fetch_many(base, news.url)
            assert {hit for hit, _ in before} == {"hit"}  # and served by both
            assert all(news.title in html for _, html in before)

            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", PUBLISH.format(pk=news.pk)],
                cwd=bench_pages.ROOT,
                env=manage,
                check=True,
            )

            after = _fetch_many(base, news.url)
            assert all("公開し直したタイトル" in html for _, html in after)
            assert [hit for hit, _ in after].count("miss") >= 1

"""bench_pages: how fast the public pages answer, from the page cache and rendered afresh.

Starts gunicorn on loopback against this database (run `seed_demo` first, or pass --seed),
then for each of the home page, a seminar, a news page and a case study sends requests from
C concurrent clients for S seconds, twice: as an anonymous visitor (served from the page cache
after the first request) and with a cookie that bypasses the cache (rendered each time).
Prints one JSON line per page and mode: path, cache, requests, rps, p50_ms, p95_ms, errors,
cache_hits. Pages with a form (the next seminar's registration) are cached too: each visitor
gets a fresh CSRF token in the stored page and the seat count is at most 30 s old.
"""

import http.client
import io
import json
import os
import threading
import time
import urllib.parse

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dxcenter.common.bench import gunicorn, percentile


def pages_to_measure() -> list[str]:
    from django.utils import timezone

    from wagtail.models import Locale

    from cms.models import CaseStudyPage, HomePage, NewsPage
    from events.models import SeminarPage

    ja = Locale.objects.filter(language_code="ja").first()
    found = []
    for model in (HomePage, SeminarPage, NewsPage, CaseStudyPage):
        pages = model.objects.live().filter(locale=ja).order_by("path")
        if model is SeminarPage:  # the next seminar, with its registration form, if there is one
            upcoming = pages.filter(starts_at__gte=timezone.now()).order_by("starts_at")
            pages = upcoming if upcoming.exists() else pages
        page = pages.first()
        if page is None:
            raise CommandError(f"No live {model.__name__}: run `python manage.py seed_demo` first.")
        found.append(page.url)
    return found


def hammer(base: str, path: str, *, seconds: float, concurrency: int, cached: bool) -> dict:
    """C clients, each with one connection at a time, for S seconds."""
    parts = urllib.parse.urlsplit(base)
    headers = {"Accept-Language": "ja"}
    if not cached:
        headers["Cookie"] = "csrftoken=bench-bypasses-the-page-cache"
    timings: list[float] = []
    errors = hits = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        nonlocal errors, hits
        mine, bad, hit = [], 0, 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                hit += response.getheader("X-Page-Cache") == "hit"
                conn.close()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            timings.extend(mine)
            errors += bad
            hits += hit

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "path": path,
        "cache": "cached" if cached else "uncached",
        "requests": len(timings),
        "rps": round(len(timings) / elapsed, 1),
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "errors": errors,
        "cache_hits": hits,
    }


class Command(BaseCommand):
    help = "Load-test the home, a seminar, a news page and a case study over gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument(
            "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
        )
        parser.add_argument("--seed", action="store_true", help="run seed_demo first")
        parser.add_argument(
            "--mode", choices=["both", "cached", "uncached"], default="both", help="what to measure"
        )

    def handle(self, *args, concurrency, seconds, workers, seed, mode, **options):
        if seed:
            call_command("seed_demo", stdout=io.StringIO())
        paths = pages_to_measure()
        connection.close()  # gunicorn has its own connections
        modes = {"both": [True, False], "cached": [True], "uncached": [False]}[mode]
        with gunicorn(workers=workers) as base:
            for path in paths:
                for cached in modes:
                    # Warm up: the workers import templates, the first request fills the cache.
                    hammer(base, path, seconds=1, concurrency=workers, cached=cached)
                    result = hammer(
                        base, path, seconds=seconds, concurrency=concurrency, cached=cached
                    )
                    self.stdout.write(json.dumps(result))

"""bench_pages: what production serves, from the page cache and rendered afresh.

By default it builds the demo site in a SQLite database in a temporary directory (migrate,
seed_demo, the cache table), collects the static files once (kept in var/bench-static), starts
gunicorn with dxcenter.settings.production (DEBUG off, the default cache configuration: the
database cache and the page cache in files, no Redis, persistent connections) and drives it from
C concurrent clients for S seconds per page and mode. `--settings` runs another settings module
to compare (dxcenter.settings.bench: in-memory caches); `--database current` runs against this
process's database instead (copied to a file first when it is an in-memory SQLite database, as
under the tests).

Pages: the home page, the news index, the next seminar with its registration form, a news page
and a case study. Modes: "cached" is an anonymous visitor (served from the page cache after the
first request), "uncached" carries a cookie that bypasses the page cache (rendered each time).
Prints one JSON line per page and mode: page, path, cache, requests, rps, p50_ms, p95_ms,
errors, cache_hits and cpu_ms_per_request (the CPU time of gunicorn's master and workers during
the run divided by the requests: the figure that other load on a shared machine disturbs least).
"""

import asyncio
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from common.bench import database_url, gunicorn_process, percentile, process_cpu_seconds

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = "dxcenter.settings.production"


def pages_to_measure() -> list[tuple[str, str]]:
    from django.utils import timezone

    from wagtail.models import Locale

    from cms.models import CaseStudyPage, HomePage, NewsIndexPage, NewsPage
    from events.models import SeminarPage

    ja = Locale.objects.filter(language_code="ja").first()
    found = []
    for name, model in (
        ("home", HomePage),
        ("news index", NewsIndexPage),
        ("seminar with its form", SeminarPage),
        ("news page", NewsPage),
        ("case study", CaseStudyPage),
    ):
        pages = model.objects.live().filter(locale=ja).order_by("path")
        if model is SeminarPage:  # the next seminar, with its registration form, if there is one
            upcoming = pages.filter(seminar__starts_at__gte=timezone.now()).order_by(
                "seminar__starts_at"
            )
            pages = upcoming if upcoming.exists() else pages
        page = pages.first()
        if page is None:
            raise CommandError(f"No live {model.__name__}: run `python manage.py seed_demo` first.")
        found.append((name, page.url))
    return found


def _request_bytes(host: str, path: str, cached: bool) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Accept-Language: ja",
        "X-Forwarded-Proto: https",  # as the TLS-terminating proxy in front of gunicorn says
        "Connection: close",
    ]
    if not cached:
        lines.append("Cookie: csrftoken=bench-bypasses-the-page-cache")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _hammer(host: str, port: int, path: str, *, seconds, concurrency, cached) -> dict:
    request = _request_bytes(f"{host}:{port}", path, cached)
    timings: list[float] = []
    counts = {"errors": 0, "hits": 0}
    deadline = time.perf_counter() + seconds

    async def client():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                response = await asyncio.wait_for(reader.read(-1), 30)
                writer.close()
                head = response.split(b"\r\n\r\n", 1)[0]
                if not head.startswith(b"HTTP/1.1 200"):
                    counts["errors"] += 1
                counts["hits"] += b"\r\nX-Page-Cache: hit" in head
            except (TimeoutError, OSError):
                counts["errors"] += 1
            timings.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(timings),
        "rps": round(len(timings) / elapsed, 1),
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "errors": counts["errors"],
        "cache_hits": counts["hits"],
    }


def hammer(base: str, path: str, *, seconds, concurrency, cached, pid=None) -> dict:
    """C clients, each with one connection at a time, for S seconds; the server's CPU time."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    cpu_before = process_cpu_seconds(pid) if pid else 0.0
    result = asyncio.run(
        _hammer(host, int(port), path, seconds=seconds, concurrency=concurrency, cached=cached)
    )
    cpu = process_cpu_seconds(pid) - cpu_before if pid else 0.0
    return {
        "path": path,
        "cache": "cached" if cached else "uncached",
        **result,
        "cpu_ms_per_request": round(cpu * 1000 / max(result["requests"], 1), 2),
    }


def _manage(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _copy_current_sqlite(target: Path) -> None:
    """This process's SQLite database, committed state, into a file gunicorn can open."""
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _static_root(settings_module: str) -> str | None:
    """Collected static files with their manifest, as production serves them: collected with the
    server's settings once per set of static files (var/bench-static/<fingerprint>; a few
    seconds), so a clean checkout collects and a changed file is never served from a stale copy."""
    if settings_module != PRODUCTION:
        return None
    root = ROOT / "var" / "bench-static" / _static_fingerprint()
    if not (root / "staticfiles.json").exists():
        _manage(
            "collectstatic",
            "--noinput",
            "-v0",
            env=_production_env(root.parent)
            | {"STATIC_ROOT": str(root), "DJANGO_SETTINGS_MODULE": settings_module},
        )
    return str(root)


def _static_fingerprint() -> str:
    """A digest of every static file the finders see (its path, size and modification time)."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _production_env(workdir: Path) -> dict:
    return {
        "SECRET_KEY": "bench-only-not-a-production-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PAGE_CACHE_DIR": str(workdir / "pagecache"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
    }


class Command(BaseCommand):
    help = "Load-test the public pages over gunicorn with the production settings."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument(
            "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
        )
        parser.add_argument(
            "--server-settings",
            dest="server_settings",
            default=PRODUCTION,
            help="settings gunicorn runs with (default: production without Redis)",
        )
        parser.add_argument(
            "--database",
            choices=["temp", "current"],
            default="temp",
            help="temp: the demo site in a new SQLite database; current: this database",
        )
        parser.add_argument("--seed", action="store_true", help="run seed_demo first (current)")
        parser.add_argument(
            "--mode", choices=["both", "cached", "uncached"], default="both", help="what to measure"
        )

    def handle(
        self, *args, concurrency, seconds, workers, server_settings, database, seed, mode, **options
    ):
        # `--settings` is Django's own option (the settings of this process); when given, gunicorn
        # runs with the same module unless --server-settings says otherwise.
        if options.get("settings") and server_settings == PRODUCTION:
            server_settings = options["settings"]
        modes = {"both": [True, False], "cached": [True], "uncached": [False]}[mode]
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
            workdir = Path(tmp)
            env = _production_env(workdir)
            if static_root := _static_root(server_settings):
                env["STATIC_ROOT"] = static_root
            if database == "temp":
                db_url = f"sqlite:///{workdir / 'demo.sqlite3'}"
                build = {**env, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": PRODUCTION}
                _manage("migrate", "-v0", env=build)
                _manage("seed_demo", env=build)
                paths = self._paths_in(db_url)
            else:
                if seed:
                    call_command("seed_demo", stdout=io.StringIO())
                paths = pages_to_measure()
                db_url = database_url()
                if connection.vendor == "sqlite" and connection.is_in_memory_db():
                    _copy_current_sqlite(workdir / "copy.sqlite3")
                    db_url = f"sqlite:///{workdir / 'copy.sqlite3'}"
            _manage(
                "createcachetable",
                env={**env, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": server_settings},
            )
            connection.close()  # gunicorn has its own connections
            with gunicorn_process(
                workers=workers, settings=server_settings, db_url=db_url, extra_env=env
            ) as (base, process):
                for name, path in paths:
                    for cached in modes:
                        # Warm up: the workers import templates, the first request fills the cache.
                        warm = min(1.0, seconds)
                        hammer(base, path, seconds=warm, concurrency=workers, cached=cached)
                        result = hammer(
                            base,
                            path,
                            seconds=seconds,
                            concurrency=concurrency,
                            cached=cached,
                            pid=process.pid,
                        )
                        self.stdout.write(json.dumps({"page": name, **result}))

    @staticmethod
    def _paths_in(db_url: str) -> list[tuple[str, str]]:
        """pages_to_measure() asked of the temporary database, in a child process."""
        code = (
            "import django, json; django.setup(); "
            "from cms.management.commands.bench_pages import pages_to_measure; "
            "print(json.dumps(pages_to_measure()))"
        )
        env = {
            **os.environ,
            **_production_env(Path(tempfile.gettempdir())),
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
        }
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
        )
        return [tuple(p) for p in json.loads(out.stdout.decode().strip().splitlines()[-1])]

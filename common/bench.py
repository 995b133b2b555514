"""Shared pieces of the load benchmarks: a gunicorn on loopback and an HTTP client."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

# What a TLS-terminating proxy adds: production settings redirect plain http to https otherwise.
HEALTH_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_postgres_database(settings_dict: dict, name: str) -> Callable[[], None]:
    """Create the empty database ``name`` on the server of ``settings_dict``; return its dropper."""
    import psycopg  # the PostgreSQL driver: only benchmarks and tests on PostgreSQL come here

    params = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
        "dbname": "postgres",
    }
    # CREATE DATABASE cannot run inside a transaction: a connection of its own.
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


def database_url() -> str:
    """The database this process uses (the test database under pytest), as a URL."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return f"postgres://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live child processes (gunicorn's master and
    workers), from /proc; 0.0 where /proc is missing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, ..., utime (14th field) and stime (15th).
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


@contextlib.contextmanager
def gunicorn(**kwargs):
    """Start gunicorn on a free loopback port with this process's database; yield its base URL."""
    with gunicorn_process(**kwargs) as (base, _process):
        yield base


@contextlib.contextmanager
def gunicorn_process(
    *,
    workers: int = 4,
    threads: int = 1,
    settings: str = "dxcenter.settings.bench",
    db_url: str | None = None,
    extra_env: dict | None = None,
    port: int | None = None,
):
    """gunicorn as above; yield its base URL and its master process."""
    port = port or free_port()
    root = Path(django_settings.BASE_DIR)  # `settings` names the settings module here
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": db_url or database_url(),
        "PYTHONPATH": str(root),
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dxcenter.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=root,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = urllib.request.Request(base + "/healthz", headers=HEALTH_HEADERS)
                urllib.request.urlopen(health, timeout=2).read()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]

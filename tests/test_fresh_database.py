"""`migrate` is the only database step: every command works on a fresh database right after it.

Runs the commands a person would, in subprocesses with the development settings (whose cache
is the database cache), against a new SQLite file or, in the PostgreSQL leg, a new database on
the same server.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.utils import timezone

from common.dates import fiscal_year_of

# The commands run in subprocesses, which do not follow --clock: the clock leg leaves this out.
pytestmark = pytest.mark.not_clock

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    name = f"fresh_{uuid.uuid4().hex[:12]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(url: str, *args: str, cwd: Path = ROOT) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.dev",
        "DATABASE_URL": url,
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def test_every_command_works_right_after_migrate(fresh_database_url, tmp_path):
    manage(fresh_database_url, "migrate", "--noinput")
    out = manage(fresh_database_url, "seed_demo", "--password", "fresh-demo-pass-1")
    assert "Staff login: http://127.0.0.1:8000/admin/" in out
    assert "open for registration" in out
    # Wagtail's page log lines stay out of what `make run` prints.
    assert "Page published" not in out and "Page created" not in out
    assert len(out.splitlines()) < 20, out

    pdf = tmp_path / "report.pdf"
    this_year = fiscal_year_of(timezone.localdate())
    manage(
        fresh_database_url,
        "yearly_report",
        "--fiscal-year",
        str(this_year),
        "--format",
        "pdf",
        "--output",
        str(pdf),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    # createcachetable stays harmless.
    manage(fresh_database_url, "createcachetable")

    if fresh_database_url.startswith("postgres"):
        out = manage(
            fresh_database_url,
            "bench_registration",
            "--capacity",
            "3",
            "--attempts",
            "6",
            "--concurrency",
            "3",
            "--workers",
            "1",
        )
        figures = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
        assert figures["confirmed"] == 3 and figures["errors_5xx"] == 0, figures

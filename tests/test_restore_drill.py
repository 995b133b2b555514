"""Issue 20 (docs/deploy.md, backups): the restore drill the runbook asks of operators, in CI.

A small seeded database is dumped with pg_dump, restored with pg_restore into a new database,
and the yearly report (the figures the center reports to the assembly) must come out the same."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.db import connection
from django.utils import timezone

from cases.services import case_transition
from cases.tests.factories import make_case, staff_user
from common.dates import fiscal_year_of

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.postgres, pytest.mark.not_clock]  # subprocesses on the real clock


def pg_tool(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else name


def url_of(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{name}"


def yearly_report_json(database_url: str, fiscal_year: int) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "yearly_report", "--fiscal-year", str(fiscal_year)],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "dxcenter.settings.test",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restored_into_a_new_database_gives_the_same_yearly_report():
    import psycopg

    staff = staff_user("drill")
    for category in ("problem_solving", "information", "problem_solving"):
        case = make_case(category=category)
        case_transition(case=case, to_status="triage", by=staff)
    fiscal_year = fiscal_year_of(timezone.localdate())
    original = url_of(connection.settings_dict["NAME"])
    restored_name = f"restore_{uuid.uuid4().hex[:10]}"
    restored = url_of(restored_name)
    dump = subprocess.run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--dbname", original],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    with psycopg.connect(original, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", restored],
            input=dump,
            capture_output=True,
            check=True,
            timeout=120,
        )
        before = yearly_report_json(original, fiscal_year)
        after = yearly_report_json(restored, fiscal_year)
        assert json.loads(before)["cases"]["total"] == 3  # the seeded cases are in it
        assert after == before
    finally:
        with psycopg.connect(original, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

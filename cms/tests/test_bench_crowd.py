"""Issue 27 item 7: the embedded default (SQLite, `make run`'s settings) holds a crowd."""

import io
import json

import pytest

from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.not_clock,  # gunicorn, the worker and the scheduler run on the real clock
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the embedded default: the SQLite leg only"
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_mixed_requests_on_make_runs_sqlite(tmp_path, capsys):
    """gunicorn with 4 workers, a db_worker and a scheduler on a copy of the demo database with
    `make run`'s settings; 50 clients fire at once: staff close cases (完了にする) and change
    their status, visitors register for seminars and book 個別相談会 slots, partners log in,
    others read pages. Nothing answers 5xx, no rate limit answers 429 (one client address, fewer
    posts per form than its limit), every write is in the database, and neither the worker nor
    the scheduler logged a lock error."""
    call_command(
        "seed_demo",
        "--password",
        "crowd-test-password",
        "--password-file",
        str(tmp_path / "demo-password"),
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("bench_crowd", "--database", "current", "--crowd", "50", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    with capsys.disabled():  # the figures belong in the CI log, pass or fail
        print("\nbench_crowd: " + json.dumps(result, ensure_ascii=False))
    assert result["requests"] == 50
    assert result["5xx"] == 0 and result["failed_connections"] == 0, result["first_errors"]
    assert result["429_called_for"] == 0 and result["429"] == 0, result["by_kind"]
    kinds = result["by_kind"]
    assert set(kinds) == {"page", "register", "staff_close", "staff_status", "booking"} | {
        "partner_login"
    }
    assert kinds["page"] == {"200": kinds["page"].get("200")}
    for kind in ("register", "staff_close", "staff_status", "booking", "partner_login"):
        assert set(kinds[kind]) == {"302"}, (kind, kinds[kind])
    assert result["effects"] == result["expected_effects"]
    assert result["logged_errors"] == {"gunicorn": [], "worker": [], "scheduler": []}
    assert all(result["processes_alive"].values())

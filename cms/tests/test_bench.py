import io
import json

import pytest

from django.core.management import call_command


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_pages_small_over_gunicorn_with_the_production_settings(capsys):
    """bench_pages at a small size, against gunicorn with the production settings (this test's
    database copied to a file): one JSON line per page and mode, no errors, cache hits, and the
    server's CPU time per request."""
    from cms import demo
    from events.tests.factories import make_seminar

    demo.seed_site()
    make_seminar(capacity_venue=10)
    out = io.StringIO()
    call_command(
        "bench_pages",
        "--database",
        "current",
        "--concurrency",
        "2",
        "--seconds",
        "0.3",
        "--workers",
        "2",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    with capsys.disabled():  # the figures belong in the CI log
        print("\nbench_pages (small):\n" + out.getvalue().strip())
    assert [(r["page"], r["cache"]) for r in lines][:2] == [
        ("home", "cached"),
        ("home", "uncached"),
    ]
    assert len(lines) == 10
    for result in lines:
        assert set(result) >= {"path", "rps", "p50_ms", "p95_ms", "errors", "cpu_ms_per_request"}
        assert result["errors"] == 0 and result["requests"] > 0
        assert result["cpu_ms_per_request"] > 0
        if result["cache"] == "cached":
            assert result["cache_hits"] == result["requests"]
        else:
            assert result["cache_hits"] == 0

import io
import json

import pytest

from django.core.management import call_command


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_pages_small_over_http():
    """bench_pages at a small size: one JSON line per page and mode, no errors, cache hits."""
    from cms import demo
    from events.tests.factories import make_seminar

    demo.seed_site()
    make_seminar(capacity_venue=10)
    out = io.StringIO()
    call_command(
        "bench_pages", "--concurrency", "2", "--seconds", "0.5", "--workers", "2", stdout=out
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["path"].count("/") > 0, r["cache"]) for r in lines][:2] == [
        (True, "cached"),
        (True, "uncached"),
    ]
    assert len(lines) == 8
    for result in lines:
        assert set(result) >= {"path", "requests", "rps", "p50_ms", "p95_ms", "errors"}
        assert result["errors"] == 0 and result["requests"] > 0
        if result["cache"] == "cached":
            assert result["cache_hits"] == result["requests"]
        else:
            assert result["cache_hits"] == 0

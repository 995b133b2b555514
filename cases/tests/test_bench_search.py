"""The one search's benchmark runs and prints its figures (the timing itself is read, not
asserted: CI's machine is shared); the full-size run is in the branch's report."""

import io
import json

import pytest

from django.core.management import call_command

from cases.models import Case
from crm.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_bench_search_prints_p50_and_p95_for_each_kind_of_search():
    out = io.StringIO()
    call_command(
        "bench_search", people=2000, cases=4000, queries=5, stdout=out, stderr=io.StringIO()
    )
    figures = json.loads(out.getvalue())
    print("\nbench_search (small run):", out.getvalue().strip())
    assert figures["people"] == 2000 and figures["cases"] == 4000
    for kind in ("name_kanji", "name_kana_halfwidth", "email", "phone"):
        assert figures[kind]["p50_ms"] > 0 and figures[kind]["p95_ms"] >= figures[kind]["p50_ms"]
        assert figures[kind]["found_people"] == "5/5", kind
    # Rolled back: the database is as it was.
    assert not Case.objects.filter(reference__startswith="BS").exists()
    assert not Person.objects.exists()

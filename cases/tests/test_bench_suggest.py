"""The suggestion benchmark runs and prints its figures (the timing itself is read, not asserted)."""

import json
from io import StringIO

import pytest

from django.core.management import call_command

from partners.models import Advisor

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_its_figures_and_leaves_the_directory_as_it_was(capsys):
    out = StringIO()
    call_command("bench_suggest", experts=40, requests=3, stdout=out)
    figures = json.loads(out.getvalue())
    with capsys.disabled():
        print("\nbench_suggest (small run):", out.getvalue().strip())
    assert figures["experts"] == 40 and figures["requests"] == 3
    assert {"first_ms", "median_ms", "max_ms"} <= figures.keys()
    assert not Advisor.objects.exists()

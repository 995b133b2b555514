import io
import json
import threading

import pytest

from django.core.management import call_command
from django.db import connection

from events.models import Registration
from events.services import registration_create

from .factories import make_seminar


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_registrations_never_overbook():
    seminar = make_seminar(capacity_venue=5)
    errors = []

    def register(i):
        try:
            registration_create(
                seminar=seminar, name=f"並列{i}", email=f"p{i}@example.jp", mode="venue"
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Registration.objects.filter(status="confirmed").count() == 5
    assert Registration.objects.filter(status="waitlisted").count() == 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_registration_small_over_http():
    out = io.StringIO()
    call_command(
        "bench_registration",
        "--capacity",
        "5",
        "--attempts",
        "20",
        "--concurrency",
        "5",
        "--workers",
        "2",
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["confirmed"] == 5
    assert result["waitlisted"] == 15
    assert result["oversold"] == 0
    assert result["errors_5xx"] == 0
    assert set(result) == {
        "capacity",
        "attempts",
        "confirmed",
        "waitlisted",
        "oversold",
        "errors_5xx",
        "p50_ms",
        "p95_ms",
        "seconds",
    }

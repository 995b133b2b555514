import io
import json
import threading

import pytest

from django.core.management import call_command
from django.db import connection

from crm.requester import Requester
from events.exceptions import TryAgain
from events.models import Registration
from events.services import registration_cancel, registration_create

from .factories import make_seminar


def _as_a_person_would(action):
    """Run `action`; on the friendly "try again" answer (lock timeout under load), try again."""
    for _attempt in range(20):
        try:
            return action()
        except TryAgain:
            continue
    raise AssertionError("still locked after 20 tries")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_registrations_never_overbook():
    seminar = make_seminar(capacity_venue=5)
    errors = []

    def register(i):
        try:
            _as_a_person_would(
                lambda: registration_create(
                    seminar=seminar,
                    requester=Requester(family_name=f"並列{i}", email=f"p{i}@example.jp"),
                    mode="venue",
                )
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
def test_parallel_cancellations_and_registrations_fill_every_seat_and_no_more():
    seminar = make_seminar(capacity_venue=4)
    people = [
        registration_create(
            seminar=seminar,
            requester=Requester(family_name=f"既存{i}", email=f"e{i}@example.jp"),
            mode="venue",
        )
        for i in range(10)
    ]
    confirmed, waiting = people[:4], people[4:]
    errors = []

    def run(action):
        try:
            _as_a_person_would(action)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    actions = [lambda p=p: registration_cancel(registration=p) for p in confirmed[:3]]
    actions += [lambda p=p: registration_cancel(registration=p) for p in waiting[:1]]
    actions += [
        lambda i=i: registration_create(
            seminar=seminar,
            requester=Requester(family_name=f"新規{i}", email=f"n{i}@example.jp"),
            mode="venue",
        )
        for i in range(8)
    ]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    active = Registration.objects.filter(seminar=seminar)
    assert active.filter(status="confirmed").count() == 4  # never more, never a seat left free
    assert active.filter(status="cancelled").count() == 4
    assert active.filter(status="waitlisted").count() == 10
    # The seats went in waiting order: everyone waiting before the rush came first.
    assert set(
        Registration.objects.filter(pk__in=[p.pk for p in waiting[1:4]]).values_list(
            "status", flat=True
        )
    ) == {"confirmed"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_registration_small_over_http(capsys):
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
    with capsys.disabled():  # the figures belong in the CI log
        print("\nbench_registration (small): " + json.dumps(result))
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

"""Issue 20 (found by tests/cluster): two consultations posted at the same moment on two web
nodes computed the same reference number; the loser was a server error instead of taking the
next number."""

import threading
import time

import pytest

from django.db import connection, transaction

from cases.models import Case
from cases.services import lifecycle

from .factories import make_case


@pytest.mark.django_db
def test_a_reference_taken_by_another_request_meanwhile_moves_to_the_next(monkeypatch):
    first = make_case()
    real = lifecycle.case_next_reference
    calls = []

    def stale_once(*, fiscal_year):
        calls.append(fiscal_year)
        if len(calls) == 1:  # what the other request saw before it committed
            return first.sequence, first.reference
        return real(fiscal_year=fiscal_year)

    monkeypatch.setattr(lifecycle, "case_next_reference", stale_once)
    second = make_case()
    assert len(calls) == 2
    assert second.sequence == first.sequence + 1
    assert Case.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_consultations_at_once_each_get_their_own_number():
    """Sixteen requests create a case at the same moment, each holding its transaction open a
    little (as a web request does while it queues the mail): none fails, no number twice."""
    make_case()  # the organisation and municipality rows exist before the rush
    errors = []
    gate = threading.Barrier(16)

    def create():
        try:
            gate.wait()
            with transaction.atomic():
                make_case()
                time.sleep(0.05)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = list(Case.objects.values_list("sequence", flat=True))
    assert sorted(sequences) == list(range(1, 18))

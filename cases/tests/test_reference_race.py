"""Issue 20 (found by tests/cluster): two consultations posted at the same moment on two web
nodes computed the same reference number; the loser was a server error instead of taking the
next number."""

import pytest

from cases.services import lifecycle
from cases.models import Case

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

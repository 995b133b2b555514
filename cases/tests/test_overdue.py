"""The overdue rule: the list filter and the case page's mark agree, on every kind of case."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case
from cases.selectors import overdue_q

from .factories import make_case

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=TOKYO), tick=False)
def test_the_filter_and_the_mark_agree():
    today = dt.date(2026, 6, 15)
    cases = [
        make_case(received_on=today - dt.timedelta(days=10)),  # due long ago: overdue
        make_case(received_on=today),  # due in a few business days
        make_case(received_on=today - dt.timedelta(days=10), first_responded_on=today),
        make_case(received_on=today - dt.timedelta(days=10), status=Case.Status.WITHDRAWN),
    ]
    overdue = set(Case.objects.filter(overdue_q()).values_list("pk", flat=True))
    assert overdue == {cases[0].pk}
    assert {c.pk for c in cases if c.is_overdue} == overdue

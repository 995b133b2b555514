"""Case figures of the yearly report: first response within the deadline counts every case due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case
from cases.services import case_close, case_first_response_record, case_transition
from cases.statistics import first_response_statistics

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=TOKYO), tick=False)
def test_cases_left_without_a_first_response_count_as_late():
    staff = staff_user()
    received = dt.date(2026, 6, 1)
    answered = make_case(received_on=received)
    case_first_response_record(case=answered, on=dt.date(2026, 6, 2))
    # Closed without any recorded contact with the requester.
    closed = make_case(received_on=received)
    case_transition(case=closed, to_status=Case.Status.TRIAGE, by=staff)
    case_close(case=closed, by=staff, support_given="資料を送付", outcome="情報提供")
    # Still open, its deadline long past, nobody called.
    overdue = make_case(received_on=received)
    assert overdue.first_response_due < dt.date(2026, 6, 15)
    # Received today: not due yet, so neither on time nor late.
    make_case(received_on=dt.date(2026, 6, 15))

    figures = first_response_statistics(2026)
    assert figures["responded"] == 1
    assert figures["late_without_response"] == 2
    assert figures["within_deadline_rate"] == round(1 / 3, 3)
    assert figures["median_business_days"] == 1


@time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=TOKYO), tick=False)
def test_a_year_whose_only_case_was_never_answered_is_zero_percent_on_time():
    staff = staff_user()
    case = make_case(received_on=dt.date(2026, 5, 7))
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    case_close(case=case, by=staff, support_given="資料を送付", outcome="情報提供")
    figures = first_response_statistics(2026)
    assert figures["within_deadline_rate"] == 0
    assert figures["median_business_days"] is None and figures["responded"] == 0

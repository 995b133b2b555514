"""Issue 29 item 5: escalations, acceptance reminders and the morning list arrive on business
days (no weekends, Japanese holidays or 29 Dec–3 Jan) from the office hour, Japan time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Assignment, Case
from cases.services import case_assign
from cases.staff_work import staff_morning_list
from cases.tasks import assignment_reminders
from common.models import OutboxMessage
from common.scheduling import office_open
from partners.models import PartnerCompany

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args):
    return dt.datetime(*args, tzinfo=TOKYO)


@pytest.mark.parametrize(
    "moment,open_",
    [
        (at(2026, 11, 28, 10), False),  # Saturday
        (at(2026, 11, 23, 10), False),  # 勤労感謝の日 (Monday holiday)
        (at(2026, 12, 30, 10), False),  # year-end closure, a Wednesday
        (at(2026, 11, 24, 0, 5), False),  # business day, around midnight
        (at(2026, 11, 24, 8, 59), False),  # business day, before the office hour
        (at(2026, 11, 24, 9, 0), True),  # business day, office hour
        (at(2026, 11, 24, 0, 0).astimezone(dt.UTC) + dt.timedelta(hours=10), True),  # UTC clock
    ],
)
def test_office_open_only_on_business_days_from_the_office_hour(moment, open_):
    assert office_open(moment) is open_


def test_the_office_hour_comes_from_the_settings(settings):
    settings.DXCENTER_OFFICE_HOUR = 13
    assert office_open(at(2026, 11, 24, 12, 30)) is False
    assert office_open(at(2026, 11, 24, 13, 0)) is True


def test_a_friday_deadline_is_escalated_on_monday_morning_not_on_saturday():
    with time_machine.travel(at(2026, 11, 24, 10), tick=False):  # Tuesday
        staff = staff_user()
        case = make_case(status=Case.Status.TRIAGE)
        company = PartnerCompany.objects.create(
            name="株式会社テスト", kind="vendor", email="offer@vendor.example.jp"
        )
        assignment = case_assign(case=case, assignee=company, by=staff)
    assert assignment.respond_by == dt.date(2026, 11, 27)  # Friday
    for moment in [at(2026, 11, 28, 10), at(2026, 11, 29, 10), at(2026, 11, 30, 8, 30)]:
        with time_machine.travel(moment, tick=False):
            assignment_reminders(moment)
        assignment.refresh_from_db()
        assert assignment.escalated_at is None, moment
    monday = at(2026, 11, 30, 9, 0)
    with time_machine.travel(monday, tick=False):
        assert assignment_reminders(monday) >= 1
    assignment.refresh_from_db()
    assert assignment.escalated_at == monday
    assert Assignment.objects.filter(reminded_at__isnull=False).exists()


@pytest.mark.parametrize(
    "quiet",
    [
        at(2026, 11, 25, 0, 5),  # Wednesday around midnight
        at(2026, 11, 25, 8, 59),  # Wednesday before nine
        at(2026, 11, 28, 9, 30),  # Saturday
        at(2026, 11, 29, 9, 30),  # Sunday
        at(2026, 11, 23, 9, 30),  # holiday
        at(2026, 12, 30, 9, 30),  # year-end closure
    ],
)
def test_the_morning_list_waits_for_the_office_hour_of_a_business_day(quiet):
    with time_machine.travel(at(2026, 11, 10, 10), tick=False):
        staff_user("alice")
        make_case(received_on=dt.date(2026, 11, 10))  # overdue on every day below
    with time_machine.travel(quiet, tick=False):
        staff_morning_list(quiet)
        assert not OutboxMessage.objects.filter(template="staff_morning_list").exists()
    # The early tick claimed nothing: the list still goes at nine on the next business day.
    following = {
        dt.date(2026, 11, 25): at(2026, 11, 25, 9, 0),
        dt.date(2026, 11, 28): at(2026, 11, 30, 9, 0),
        dt.date(2026, 11, 29): at(2026, 11, 30, 9, 0),
        dt.date(2026, 11, 23): at(2026, 11, 24, 9, 0),
        dt.date(2026, 12, 30): at(2027, 1, 4, 9, 0),
    }[quiet.date()]
    with time_machine.travel(following, tick=False):
        staff_morning_list(following)
    assert OutboxMessage.objects.filter(template="staff_morning_list").count() == 1

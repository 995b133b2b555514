"""Acceptance reminders count business days; a hard-bounced address gets no mail until cleared."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core import mail

from cases.models import Case
from cases.services import case_assign, case_transition
from cases.tasks import assignment_reminders
from common.models import BouncedAddress, OutboxMessage
from partners.models import PartnerCompany

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args):
    return dt.datetime(*args, tzinfo=TOKYO)


def _assigned_on(day: dt.datetime):
    with time_machine.travel(day, tick=False):
        staff = staff_user()
        case = make_case(received_on=day.date(), status=Case.Status.TRIAGE)
        company = PartnerCompany.objects.create(
            name="株式会社テスト", kind="vendor", email="offer@vendor.example.jp"
        )
        return case_assign(case=case, assignee=company, by=staff)


@pytest.mark.parametrize(
    "assigned,due,quiet,reminded",
    [
        # Wednesday → Mon 30 Nov (3 business days); the reminder goes on Friday, not Sunday.
        (at(2026, 11, 25, 10), dt.date(2026, 11, 30), [at(2026, 11, 26, 9)], at(2026, 11, 27, 9)),
        # Before the year-end closure: 28 Dec, then 4 and 5 Jan; reminded on 4 Jan.
        (
            at(2026, 12, 25, 10),
            dt.date(2027, 1, 5),
            [at(2026, 12, 28, 9), at(2026, 12, 31, 9), at(2027, 1, 3, 9)],
            at(2027, 1, 4, 9),
        ),
        # Golden Week: Thu 30 Apr → 1 May, 7 May, 8 May; reminded on Thu 7 May.
        (
            at(2026, 4, 30, 10),
            dt.date(2026, 5, 8),
            [at(2026, 5, 1, 9), at(2026, 5, 6, 9)],
            at(2026, 5, 7, 9),
        ),
    ],
)
def test_the_acceptance_reminder_goes_on_the_business_day_before_the_deadline(
    assigned, due, quiet, reminded, django_capture_on_commit_callbacks
):
    assignment = _assigned_on(assigned)
    assert assignment.respond_by == due
    for moment in quiet:
        with time_machine.travel(moment, tick=False):
            assert assignment_reminders(moment) == 0, moment
    with (
        time_machine.travel(reminded, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert assignment_reminders(reminded) == 1
    assert any("ご回答のお願い" in m.subject for m in mail.outbox)


def test_a_hard_bounced_address_is_not_mailed_until_staff_clear_it(
    client, django_capture_on_commit_callbacks
):
    staff = staff_user()
    case = make_case(status=Case.Status.TRIAGE)
    address = case.contact.email
    BouncedAddress.objects.create(email=address, reason="550 user unknown")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/cases/{case.pk}/consent/request/")
    assert mail.outbox == []
    held = OutboxMessage.objects.get(to_email=address)
    assert held.state == "failed" and "不達" in held.last_error

    page = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    assert "不達を解除" in page
    log = client.get(f"/admin/mail/inspect/{held.pk}/").content.decode()
    assert "不達として記録されているため" in log and "不達を解除" in log

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/bounces/clear/",
            {"email": address, "next": f"/admin/cases/inspect/{case.pk}/"},
        )
    assert response.url == f"/admin/cases/inspect/{case.pk}/"
    assert not BouncedAddress.objects.exists()
    held.refresh_from_db()
    assert held.state == "sent"
    assert [m.to for m in mail.outbox] == [[address]]
    # Closing mails the survey normally again.
    case_transition(case=case, to_status="in_progress", by=staff)


def test_only_staff_may_clear_a_bounce(client):
    from .factories import UserFactory

    BouncedAddress.objects.create(email="gone@example.jp")
    client.force_login(UserFactory(username="nobody"))
    response = client.post("/admin/bounces/clear/", {"email": "gone@example.jp"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert BouncedAddress.objects.exists()

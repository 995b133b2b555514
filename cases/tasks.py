"""Scheduled work of the cases app (registered with common.scheduling)."""

import datetime as dt

from django.utils import timezone

from common.dates import add_business_days
from common.scheduling import office_open, scheduled_job

from . import staff_work  # noqa: F401 - registers the staff digest and morning list
from .models import Assignment, Case
from .services import assignment_escalate, assignment_remind


@scheduled_job("assignment_reminders")
def assignment_reminders(now: dt.datetime) -> int:
    """Remind assignees on the last business day before the answer is due; alert staff after.

    The due date is counted in business days (holidays and 29 Dec–3 Jan excluded), so the
    reminder goes on the business day before it: on Friday for a Monday deadline, not Sunday.
    Both go out in office hours on business days only: a Friday deadline is escalated on
    Monday morning, not on Saturday.
    """
    if not office_open(now):
        return 0
    today = timezone.localdate(now)
    sent = 0
    # An offer on a case staff closed or withdrew can no longer be answered: no reminder.
    proposed = Assignment.objects.filter(
        state=Assignment.State.PROPOSED,
        respond_by__isnull=False,
        case__status__in=Case.OPEN_STATUSES,
    )
    for assignment in proposed.filter(
        respond_by__lte=add_business_days(today, 1), reminded_at=None
    ):
        assignment_remind(assignment=assignment, now=now)
        sent += 1
    for assignment in proposed.filter(respond_by__lt=today, escalated_at=None):
        assignment_escalate(assignment=assignment, now=now)
        sent += 1
    return sent

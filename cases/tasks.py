"""Scheduled work of the cases app (registered with dxcenter.common.scheduling)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dxcenter.common.dates import add_business_days, format_date_ja
from dxcenter.common.mail import outbox_add
from dxcenter.common.scheduling import scheduled_job

from . import staff_work  # noqa: F401 - registers the staff digest and morning list
from .models import Assignment, Case
from .services import assignee_mail


@scheduled_job("assignment_reminders")
def assignment_reminders(now: dt.datetime) -> int:
    """Remind assignees on the last business day before the answer is due; alert staff after.

    The due date is counted in business days (holidays and 29 Dec–3 Jan excluded), so the
    reminder goes on the business day before it: on Friday for a Monday deadline, not Sunday.
    """
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
        with transaction.atomic():
            assignee_mail(
                assignment=assignment,
                template="assignment_reminder",
                respond_by=format_date_ja(assignment.respond_by),
            )
            assignment.reminded_at = now
            assignment.save(update_fields=["reminded_at"])
            sent += 1
    for assignment in proposed.filter(respond_by__lt=today, escalated_at=None):
        with transaction.atomic():
            outbox_add(
                to=settings.STAFF_NOTIFICATION_EMAIL,
                template="assignment_overdue",
                context={
                    "reference": assignment.case.reference,
                    "assignee": str(assignment.assignee),
                    "respond_by": format_date_ja(assignment.respond_by),
                },
                related=assignment.case,
                related_label=assignment.case.reference,
            )
            assignment.escalated_at = now
            assignment.save(update_fields=["escalated_at"])
            sent += 1
    return sent

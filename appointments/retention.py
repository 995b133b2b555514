"""Retention of 個別相談会 bookings: the advisor's notes go when the booking's case is anonymised.

The booking is a case (cases/retention.py anonymises the person and the case text); what the
advisor wrote about the session (``discussed``) may name people, so it goes with it, on the same
day whichever policy runs first, and so does the booker's address kept for the booking limits.
Attendance, dates and states stay for the statistics.
"""

import datetime as dt

from cases.models import Case
from cases.retention import case_expired_q
from common.retention import blank_filled, history_of

from .models import SessionBooking


def session_bookings_anonymise(today: dt.date) -> dict[str, int]:
    """Blank the advisor's notes of bookings whose case is past retention."""
    due = SessionBooking.objects.filter(case__in=Case.objects.filter(case_expired_q(today)))
    ids = list(due.values_list("pk", flat=True))
    blanked = blank_filled(SessionBooking.objects.filter(pk__in=ids), "discussed", "email_key")
    blank_filled(history_of(SessionBooking, ids), "discussed", "email_key")
    return {"session_bookings": blanked}

"""Seminar attendance as an outreach segment filter (registered with crm.segments by
EventsConfig.ready)."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from .models import Registration


def attended_in_period(people, segment: dict):
    """People checked in at a seminar held in the period (their registration links them, or
    names their e-mail address)."""
    start, end = segment.get("seminar_from"), segment.get("seminar_to")
    if not (start or end):
        return people
    attended = Registration.objects.filter(
        Q(person=OuterRef("pk")) | Q(email=OuterRef("email_normalised")),
        status=Registration.Status.CONFIRMED,
        checked_in_at__isnull=False,
    )
    if start:
        attended = attended.filter(seminar__starts_at__date__gte=dt.date.fromisoformat(start))
    if end:
        attended = attended.filter(seminar__starts_at__date__lte=dt.date.fromisoformat(end))
    return people.filter(Exists(attended))


SEGMENT_KEYS = ("seminar_from", "seminar_to")

"""Calendar files (ICS) for a registration: venue address, or the online URL for online people."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from django.conf import settings

from common.calendar import tokyo_timezone

from .models import SeminarSchedule

TOKYO = ZoneInfo("Asia/Tokyo")


def registration_ics(registration, *, cancel: bool = False) -> bytes:
    """An ICS with the seminar's Asia/Tokyo times and where to go (or the online URL).

    Every file for a registration has the same UID; SEQUENCE is the number of changes staff
    published since, so a calendar replaces its entry; `cancel` removes it (METHOD:CANCEL).
    """

    seminar = registration.seminar
    sequence = (
        SeminarSchedule.objects.filter(seminar_id=seminar.pk)
        .values_list("sequence", flat=True)
        .first()
        or 0
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Mie DX Center//Seminars//JA")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    calendar.add_component(tokyo_timezone())
    event = Event()
    event.add("uid", f"seminar-{seminar.pk}-registration-{registration.pk}@dx-center")
    event.add("sequence", sequence)
    if cancel:
        event.add("status", "CANCELLED")
    event.add("summary", seminar.title)
    # Local times with TZID=Asia/Tokyo (the database gives UTC, which would be written as Z).
    event.add("dtstart", seminar.starts_at.astimezone(TOKYO))
    event.add("dtend", seminar.ends_at.astimezone(TOKYO))
    event.add("dtstamp", dt.datetime.now(dt.UTC))  # always UTC (RFC 5545)
    if registration.mode == "online":
        event.add("location", seminar.online_url or "オンライン")
        event.add("url", seminar.online_url or settings.SITE_BASE_URL)
    else:
        event.add("location", f"{seminar.venue_name} {seminar.venue_address}".strip())
    page = seminar.page_in(registration.language)
    event.add("description", page.summary if page else "")
    calendar.add_component(event)
    return calendar.to_ical()

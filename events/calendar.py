"""Calendar files (ICS) for a registration: venue address, or the online URL for online people."""

import datetime as dt

from icalendar import Calendar, Event

from django.conf import settings


def registration_ics(registration) -> bytes:
    """An ICS with the seminar's Asia/Tokyo times and where to go (or the online URL)."""
    seminar = registration.seminar
    calendar = Calendar()
    calendar.add("prodid", "-//Mie DX Center//Seminars//JA")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"seminar-{seminar.pk}-registration-{registration.pk}@dx-center")
    event.add("summary", seminar.title)
    event.add("dtstart", seminar.starts_at)  # aware datetimes keep their time zone
    event.add("dtend", seminar.ends_at)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    if registration.mode == "online":
        event.add("location", seminar.online_url or "オンライン")
        event.add("url", seminar.online_url or settings.SITE_BASE_URL)
    else:
        event.add("location", f"{seminar.venue_name} {seminar.venue_address}".strip())
    event.add("description", seminar.summary)
    calendar.add_component(event)
    return calendar.to_ical()

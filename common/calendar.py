"""Calendar files (ICS, RFC 5545) in Japan time, for every app that mails an appointment."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneStandard

TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo_timezone() -> Timezone:
    """VTIMEZONE for Asia/Tokyo: +0900 all year, no daylight saving time (since 1951).

    Calendar apps that do not know the TZID by name (Outlook among them) read it from here.
    """
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=9))
    standard.add("tzoffsetto", dt.timedelta(hours=9))
    standard.add("tzname", "JST")
    timezone = Timezone()
    timezone.add("tzid", "Asia/Tokyo")
    timezone.add_component(standard)
    return timezone


def ics_event(
    *,
    prodid: str,
    uid: str,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    url: str = "",
    description: str = "",
    sequence: int = 0,
    cancel: bool = False,
) -> bytes:
    """One event in Asia/Tokyo local time; `cancel` removes it from the calendar (METHOD:CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    calendar.add_component(tokyo_timezone())
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    if cancel:
        event.add("status", "CANCELLED")
    event.add("summary", summary)
    # Local times with TZID=Asia/Tokyo (the database gives UTC, which would be written as Z).
    event.add("dtstart", starts_at.astimezone(TOKYO))
    event.add("dtend", ends_at.astimezone(TOKYO))
    event.add("dtstamp", dt.datetime.now(dt.UTC))  # always UTC (RFC 5545)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()

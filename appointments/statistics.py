"""個別相談会 per fiscal year and host, aggregated in SQL: offered, booked, held, no-show."""

import datetime as dt

from django.db.models import Count, Q

from common.calendar import TOKYO
from common.dates import fiscal_year_range

from .models import SessionBooking, SessionSlot

BOOKED = SessionBooking.Status.BOOKED


def session_statistics(fiscal_year: int) -> dict:
    """Slots that started in the fiscal year, by advisor or partner, with the year's totals.

    offered: slots published (not withdrawn); booked: with a booking not cancelled; held and
    no_show: as the advisor or staff recorded them.
    """
    start, end = fiscal_year_range(fiscal_year)
    slots = SessionSlot.objects.filter(
        is_withdrawn=False,
        starts_at__gte=dt.datetime.combine(start, dt.time.min, TOKYO),
        starts_at__lte=dt.datetime.combine(end, dt.time.max, TOKYO),
    )
    active = Q(bookings__status=BOOKED)
    rows = (
        slots.values(
            "series__advisor_id",
            "series__advisor__name",
            "series__company_id",
            "series__company__name",
        )
        .annotate(
            offered=Count("pk", distinct=True),
            booked=Count("bookings", filter=active, distinct=True),
            held=Count(
                "bookings",
                filter=active & Q(bookings__attendance=SessionBooking.Attendance.HELD),
                distinct=True,
            ),
            no_show=Count(
                "bookings",
                filter=active & Q(bookings__attendance=SessionBooking.Attendance.NO_SHOW),
                distinct=True,
            ),
        )
        .order_by("series__advisor__name", "series__company__name")
    )
    by_host = [
        {
            "host": r["series__advisor__name"] or r["series__company__name"],
            "kind": "advisor" if r["series__advisor_id"] else "partner",
            "offered": r["offered"],
            "booked": r["booked"],
            "held": r["held"],
            "no_show": r["no_show"],
        }
        for r in rows
    ]
    totals = {key: sum(r[key] for r in by_host) for key in ("offered", "booked", "held", "no_show")}
    return {"by_host": by_host, **totals}

"""The 個別相談会 part of a disclosure: the bookings of the person with the address."""

from django.db.models import Q

from common.disclosure import field_values

from .models import SessionBooking


def _bookings(email: str):
    return (
        SessionBooking.objects.filter(
            Q(case__contact__email__iexact=email) | Q(case__contact_email__iexact=email)
        )
        .select_related("slot__series", "case")
        .order_by("created_at", "pk")
    )


def session_bookings_disclosed(email: str) -> list[dict]:
    """Each booking: the session, its state, attendance and what the advisor recorded."""
    return [
        {
            "session": booking.slot.series.title,
            "starts_at": booking.slot.starts_at,
            "case": booking.case.reference,
            **field_values(
                booking,
                "status",
                "language",
                "attendance",
                "discussed",
                "follow_up_needed",
                "created_at",
                "cancelled_at",
            ),
        }
        for booking in _bookings(email)
    ]

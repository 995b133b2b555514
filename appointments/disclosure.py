"""The 個別相談会 part of a disclosure: the bookings of the person with the address."""

from django.utils.translation import gettext_lazy as _

from dxcenter.common.disclosure import disclosure_section, field_values

from .models import SessionBooking


def _bookings(email: str):
    return (
        SessionBooking.objects.filter(case__contact__email__iexact=email)
        .select_related("slot__series", "case")
        .order_by("created_at", "pk")
    )


@disclosure_section("session_bookings", title=_("個別相談会のご予約"), order=25, subjects=_bookings)
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

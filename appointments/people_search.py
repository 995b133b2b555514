"""個別相談会 bookings in the admin's one search (common.people_search): a booking is a case, so it
is found as its case is (reference, address, person, organisation)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.people_search import case_ids_matching
from common.people_search import Hit, Search, register_search_provider

from .models import SessionBooking


def find_bookings(search: Search) -> list[Hit]:
    bookings = (
        SessionBooking.objects.filter(case_id__in=case_ids_matching(search))
        .select_related("slot__series", "case__organisation")
        .order_by("-slot__starts_at", "-pk")[: search.limit]
    )
    # A booking's page is its case; who may not open cases gets the list of bookings.
    on_case = search.user.has_perm("cases.view_case")
    return [
        Hit(
            title=f"{booking.slot} ／ {booking.case.organisation.name}",
            detail=" ・ ".join((booking.case.reference, booking.get_status_display())),
            url=reverse("cases:inspect", args=[booking.case_id])
            if on_case
            else reverse("session_bookings"),
            record=booking,
        )
        for booking in bookings
    ]


def register() -> None:
    register_search_provider(
        "booking",
        label=_("個別相談会の予約"),
        perms=["appointments.view_sessionbooking"],
        find=find_bookings,
        order=50,
    )

"""Reads of 個別相談会 that depend on who asks: the public's open series, the host's schedule."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Assignment
from cases.portal.selectors import assignment_shows_contact, assignments_for_user

from .models import SessionBooking, SessionSeries, SessionSlot

BOOKED = SessionBooking.Status.BOOKED


def series_open(*, seminar_id: int | None = None) -> list[SessionSeries]:
    """Published series with a slot still to come, each with `free` (its number of free slots)."""
    now = timezone.now()
    series = (
        SessionSeries.objects.filter(is_published=True, slots__starts_at__gt=now)
        .select_related("advisor", "company")
        .distinct()
        .order_by("starts_at", "pk")
    )
    if seminar_id is not None:
        series = series.filter(seminar_id=seminar_id)
    result = list(series)
    free = dict(
        SessionSlot.objects.filter(series__in=result, starts_at__gt=now, is_withdrawn=False)
        .exclude(bookings__status=BOOKED)
        .values_list("series_id")
        .annotate(n=Count("pk"))
        .values_list("series_id", "n")
    )
    for s in result:
        s.free = free.get(s.pk, 0)
    return result


def series_for_booking(pk: int) -> SessionSeries | None:
    """A published series the public may book from."""
    return (
        SessionSeries.objects.filter(pk=pk, is_published=True)
        .select_related("advisor", "company", "seminar")
        .first()
    )


def _host_filter(user) -> Q:
    return Q(series__advisor__user=user) | Q(series__company__members__user=user)


def _held_assignments(user, case_ids) -> dict[int, Assignment]:
    """The user's own referral on each case (the newest), through the partner portal's selector."""
    held: dict[int, Assignment] = {}
    for assignment in assignments_for_user(user).filter(case_id__in=case_ids).order_by("pk"):
        held[assignment.case_id] = assignment
    return held


def slots_for_host(user, *, upcoming: bool, limit: int | None = None) -> list[SessionSlot]:
    """The user's slots with the bookings they hold, as the portal's assignment page would.

    A slot is the user's when its series is theirs now or when they hold the referral of one of
    its bookings (a series whose host changed leaves the sessions already held with the host who
    held them). Each slot's `active_bookings` are only the bookings whose case is referred to the
    user; each carries `assignment` (the user's referral) and `show_contact` (the assignment
    page's consent rule): a withdrawn consent or an ended referral shows no one. `taken` counts
    the bookings held by someone else (a slot that is not free, with nothing to show).
    """
    if not user.is_authenticated:
        return []
    now = timezone.now()
    held_cases = assignments_for_user(user).values("case_id")
    slots = SessionSlot.objects.filter(
        _host_filter(user) | Q(bookings__status=BOOKED, bookings__case_id__in=held_cases),
        is_withdrawn=False,
    )
    slots = (
        slots.filter(ends_at__gt=now).order_by("starts_at", "pk")
        if upcoming
        else slots.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    )
    slots = slots.select_related("series", "series__advisor", "series__company")
    slots = list(
        slots.prefetch_related(
            Prefetch(
                "bookings",
                queryset=SessionBooking.objects.filter(status=BOOKED).select_related(
                    "case", "case__organisation", "case__contact", "case__municipality"
                ),
                to_attr="booked",
            )
        ).distinct()[:limit]
    )
    held = _held_assignments(user, [b.case_id for slot in slots for b in slot.booked])
    for slot in slots:
        slot.active_bookings = []
        for booking in slot.booked:
            assignment = held.get(booking.case_id)
            if assignment is None:
                continue
            booking.assignment = assignment
            booking.show_contact = assignment_shows_contact(assignment)
            slot.active_bookings.append(booking)
        slot.taken = len(slot.booked) - len(slot.active_bookings)
    return slots


def user_hosts_sessions(user) -> bool:
    """Whether the user has a schedule: a series of their own or a booking referred to them."""
    if not user.is_authenticated:
        return False
    held_cases = assignments_for_user(user).values("case_id")
    return SessionSlot.objects.filter(
        _host_filter(user) | Q(bookings__case_id__in=held_cases)
    ).exists()


def booking_for_host(user, pk: int) -> SessionBooking | None:
    """A booking the user may record on, or None (then the portal answers 404).

    Only the holder of the booking's accepted referral, while it is active and consented (the
    assignment page's rule): not the series' current host as such.
    """
    if not user.is_authenticated:
        return None
    booking = (
        SessionBooking.objects.filter(pk=pk, status=BOOKED)
        .select_related("slot__series", "case", "case__organisation", "case__contact")
        .first()
    )
    if booking is None:
        return None
    assignment = _held_assignments(user, [booking.case_id]).get(booking.case_id)
    if (
        assignment is None
        or assignment.state != Assignment.State.ACCEPTED
        or not assignment_shows_contact(assignment)
    ):
        return None
    booking.assignment = assignment
    return booking


def series_future_bookings(series: SessionSeries, *, now: dt.datetime | None = None):
    """The series' bookings whose slot has not started: those a change of host would cancel."""
    return SessionBooking.objects.filter(
        slot__series=series, status=BOOKED, slot__starts_at__gt=now or timezone.now()
    ).select_related("slot__series", "case")


def open_bookings_of_address(email_key: str, *, now: dt.datetime | None = None):
    """Bookings still to come made with this (normalised) address."""
    return SessionBooking.objects.filter(
        email_key=email_key, status=BOOKED, slot__starts_at__gt=now or timezone.now()
    )


def bookings_for_staff(*, past_days: int = 60) -> QuerySet[SessionBooking]:
    """Bookings of the last `past_days` days and ahead, for the staff list (no-shows)."""
    since = timezone.now() - dt.timedelta(days=past_days)
    return (
        SessionBooking.objects.filter(slot__starts_at__gte=since)
        .select_related(
            "slot__series__advisor", "slot__series__company", "case", "case__organisation"
        )
        .order_by("slot__starts_at", "pk")
    )

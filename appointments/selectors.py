"""Reads of 個別相談会 that depend on who asks: the public's open series, the host's schedule."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

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


def slots_for_host(user, *, upcoming: bool) -> QuerySet[SessionSlot]:
    """The user's own slots (as the advisor, or a member of the partner company), with bookings."""
    if not user.is_authenticated:
        return SessionSlot.objects.none()
    now = timezone.now()
    slots = SessionSlot.objects.filter(_host_filter(user), is_withdrawn=False)
    slots = (
        slots.filter(ends_at__gt=now).order_by("starts_at")
        if upcoming
        else slots.filter(ends_at__lte=now).order_by("-starts_at")
    )
    return (
        slots.select_related("series", "series__advisor", "series__company")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=SessionBooking.objects.filter(status=BOOKED).select_related(
                    "case", "case__organisation", "case__contact", "case__municipality"
                ),
                to_attr="active_bookings",
            )
        )
        .distinct()
    )


def booking_for_host(user, pk: int) -> SessionBooking | None:
    """One booking of the user's slots, or None (then the portal answers 404)."""
    if not user.is_authenticated:
        return None
    return (
        SessionBooking.objects.filter(
            Q(slot__series__advisor__user=user) | Q(slot__series__company__members__user=user),
            pk=pk,
            status=BOOKED,
        )
        .select_related("slot__series", "case", "case__organisation", "case__contact")
        .distinct()
        .first()
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

"""Reads of the events app."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import Registration, SeminarPage


def seminar_attendance(seminar: SeminarPage) -> int:
    """Attendance: the recorded count for seminars held before the system, else check-ins."""
    if seminar.recorded_attendance is not None:
        return seminar.recorded_attendance
    return seminar.registrations.filter(checked_in_at__isnull=False).count()


def seminar_index(index) -> dict:
    """Upcoming and past seminars under an index page, with attendance for past ones."""
    now = timezone.now()
    seminars = (
        SeminarPage.objects.live()
        .child_of(index)
        .annotate(
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False))
        )
        .order_by("starts_at")
    )
    upcoming = [s for s in seminars if s.ends_at >= now]
    past = [s for s in seminars if s.ends_at < now]
    for seminar in past:
        seminar.attendance = (
            seminar.recorded_attendance
            if seminar.recorded_attendance is not None
            else seminar.checked_in
        )
    past.reverse()
    return {"upcoming": upcoming, "past": past}


def seminar_counts(seminar: SeminarPage) -> dict[str, dict[str, int]]:
    """Confirmed and waiting people per attendance mode."""
    rows = (
        Registration.objects.filter(seminar=seminar)
        .exclude(status=Registration.Status.CANCELLED)
        .values("mode", "status")
        .annotate(n=Count("pk"))
    )
    counts = {m: {"confirmed": 0, "waitlisted": 0} for m in Registration.Mode.values}
    for row in rows:
        counts[row["mode"]][row["status"]] = row["n"]
    return counts


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            seminar_id=registration.seminar_id,
            mode=registration.mode,
            status=Registration.Status.WAITLISTED,
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lte=registration.pk)
        )
        .count()
    )


def roster(seminar: SeminarPage, query: str = ""):
    qs = (
        Registration.objects.filter(seminar=seminar)
        .select_related("municipality")
        .order_by("status", "created_at", "pk")
    )
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(name_kana__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__icontains=query)
        )
    return qs

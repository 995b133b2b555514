"""Reads of the events app."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from wagtail.models import Locale

from common import page_cache

from .models import Registration, Seminar, SeminarIndexPage, SeminarPage


def default_locale_id() -> int:
    """The default locale's id, asked of the database once an hour, not on every page view
    (kept in the page cache: files shared by the workers, no SQL)."""
    pk = page_cache.store().get("default-locale-id")
    if pk is None:
        pk = Locale.get_default().pk
        page_cache.store().set("default-locale-id", pk, 3600)
    return pk


def presented_seminars():
    """Seminars that a live page presents (its own, or its programme's): drafts and withdrawn
    pages are left out of statistics and reports. Each seminar once, whatever its languages."""
    live = SeminarPage.objects.filter(live=True)
    return Seminar.objects.filter(
        Exists(live.filter(seminar=OuterRef("pk")))
        | Exists(live.filter(programme_id=OuterRef("programme_id")))
    )


def _listed_pages(pages, locale_id: int) -> list[SeminarPage]:
    """One page per seminar (or programme): the one in `locale_id` where it exists, else the
    original, marked `other_language`; each with `dates` (its seminars) and `when` (the date
    to show first)."""
    pages = pages.select_related("seminar").prefetch_related("programme__seminars")
    chosen = {}
    now = timezone.now()
    for page in pages:
        if page.programme_id:
            page.dates_listed = sorted(
                page.programme.seminars.all(), key=lambda s: (s.starts_at, s.pk)
            )
        else:
            page.dates_listed = [page.seminar] if page.seminar_id else []
        if not page.dates_listed:
            continue
        page.when = next((s for s in page.dates_listed if s.ends_at >= now), page.dates_listed[-1])
        page.other_language = page.locale_id != locale_id
        key = ("programme", page.programme_id) if page.programme_id else page.seminar_id
        current = chosen.get(key)
        if current is None or (current.other_language and not page.other_language):
            chosen[key] = page
    return sorted(chosen.values(), key=lambda p: (p.when.starts_at, p.pk))


def seminar_index(index) -> dict:
    """Upcoming and past seminars under an index page, with attendance for past ones.

    A cancelled seminar stays listed (people look for it), marked 「開催中止」.

    A translated index (the English one) lists every seminar: its translation where one is
    live, else the page in the default language, marked `other_language` for a language note.
    """

    now = timezone.now()
    default = default_locale_id()
    original = index
    if index.locale_id != default:
        original = (
            SeminarIndexPage.objects.filter(
                translation_key=index.translation_key, locale_id=default
            ).first()
            or index
        )
    pages = _listed_pages(
        SeminarPage.objects.live().child_of(index) | SeminarPage.objects.live().child_of(original),
        index.locale_id,
    )
    upcoming = [p for p in pages if p.when.ends_at >= now]
    past = [p for p in pages if p.when.ends_at < now]
    checked_in = dict(
        Registration.objects.filter(
            seminar__in=[s for p in past for s in p.dates_listed], checked_in_at__isnull=False
        )
        .values("seminar_id")
        .annotate(n=Count("pk"))
        .values_list("seminar_id", "n")
    )
    for page in past:
        page.attendance = sum(
            s.recorded_attendance if s.recorded_attendance is not None else checked_in.get(s.pk, 0)
            for s in page.dates_listed
            if not s.is_cancelled
        )
    past.reverse()
    return {"upcoming": upcoming, "past": past}


def upcoming_seminar_pages(locale_id: int, limit: int = 3) -> list[SeminarPage]:
    """The next seminars for the home page: the visitor's language where a page exists, else
    the original; a cancelled one stays listed, marked."""
    now = timezone.now()
    pages = SeminarPage.objects.live().filter(
        Q(seminar__starts_at__gt=now) | Q(programme__seminars__starts_at__gt=now)
    )
    return _listed_pages(pages.distinct().select_related("locale"), locale_id)[:limit]


def seminar_counts(seminar: Seminar) -> dict[str, dict[str, int]]:
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


def seminar_seats(seminar: Seminar, counts: dict | None = None) -> dict:
    """What the public page says about seats, per mode it offers: the capacity, the confirmed
    count never above it, and whether it is full; `full` when every offered mode is (then a
    registration goes on the waiting list, and the page says so before anyone applies)."""
    counts = counts if counts is not None else seminar_counts(seminar)
    modes = {}
    for mode in seminar.modes():
        capacity = seminar.capacity_for(mode)
        confirmed = counts[mode]["confirmed"]
        modes[mode] = {
            "capacity": capacity,
            "confirmed": confirmed if capacity is None else min(confirmed, capacity),
            "full": capacity is not None and confirmed >= capacity,
        }
    return {**modes, "full": bool(modes) and all(m["full"] for m in modes.values())}


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


def roster(seminar: Seminar, query: str = ""):
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

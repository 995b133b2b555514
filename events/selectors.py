"""Reads of the events app."""

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail.models import Locale

from .models import Registration, SeminarIndexPage, SeminarPage


def default_locale_id() -> int:
    """The default locale's id, asked of the database once an hour, not on every page view."""
    pk = cache.get("default-locale-id")
    if pk is None:
        pk = Locale.get_default().pk
        cache.set("default-locale-id", pk, 3600)
    return pk


def canonical_seminar(seminar: SeminarPage) -> SeminarPage:
    """The seminar in the default locale: translations share its registrations and seats.

    A page translated from it (the English copy under /en/) has the same translation_key; a
    seminar with no page in the default locale is its own canonical seminar.
    """
    default = default_locale_id()
    if seminar.locale_id == default:
        return seminar
    return (
        SeminarPage.objects.filter(
            translation_key=seminar.translation_key, locale_id=default
        ).first()
        or seminar
    )


def seminar_in_language(seminar: SeminarPage, language: str) -> SeminarPage:
    """The live page of the seminar in `language` (its title and texts), else the seminar."""
    if language == "ja" or not language:
        return seminar
    translated = (
        SeminarPage.objects.live()
        .filter(translation_key=seminar.translation_key, locale__language_code=language)
        .first()
    )
    return translated or seminar


def canonical_seminars():
    """Seminar pages that are canonical: each seminar once, whatever its translations.

    That is the pages in the default locale, and any page whose seminar has no page there.
    """
    default = default_locale_id()
    in_default = SeminarPage.objects.filter(
        translation_key=OuterRef("translation_key"), locale_id=default
    )
    return SeminarPage.objects.filter(Q(locale_id=default) | ~Exists(in_default))


def seminar_attendance(seminar: SeminarPage) -> int:
    """Attendance: the recorded count for seminars held before the system, else check-ins."""
    if seminar.recorded_attendance is not None:
        return seminar.recorded_attendance
    return seminar.registrations.filter(checked_in_at__isnull=False).count()


def seminar_index(index) -> dict:
    """Upcoming and past seminars under an index page, with attendance for past ones.

    A cancelled seminar stays listed (people look for it), with `is_cancelled` set from the
    canonical page for the template's 「開催中止」 mark.

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
    # A translated index lists translated pages: attendance is the canonical seminar's.
    checked_in = (
        Registration.objects.filter(
            seminar__translation_key=OuterRef("translation_key"), checked_in_at__isnull=False
        )
        .order_by()
        .values("seminar__translation_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    canonical = SeminarPage.objects.filter(
        translation_key=OuterRef("translation_key"), locale_id=default_locale_id()
    )
    seminars = (
        (SeminarPage.objects.live().child_of(index) | SeminarPage.objects.live().child_of(original))
        .annotate(
            checked_in=Coalesce(Subquery(checked_in), 0),
            canonical_recorded=Case(
                When(Exists(canonical), then=Subquery(canonical.values("recorded_attendance")[:1])),
                default=F("recorded_attendance"),
            ),
            # The date is the canonical seminar's too: a translation may not be redone after
            # staff move the seminar.
            canonical_starts=Coalesce(Subquery(canonical.values("starts_at")[:1]), "starts_at"),
            canonical_ends=Coalesce(Subquery(canonical.values("ends_at")[:1]), "ends_at"),
            # So is a cancellation: staff cancel the canonical page.
            canonical_cancelled=Coalesce(
                Subquery(canonical.values("is_cancelled")[:1]), "is_cancelled"
            ),
        )
        .order_by("canonical_starts")
    )
    chosen = {}
    for seminar in seminars:
        seminar.starts_at, seminar.ends_at = seminar.canonical_starts, seminar.canonical_ends
        seminar.is_cancelled = seminar.canonical_cancelled
        seminar.other_language = seminar.locale_id != index.locale_id
        current = chosen.get(seminar.translation_key)
        if current is None or (current.other_language and not seminar.other_language):
            chosen[seminar.translation_key] = seminar
    seminars = sorted(chosen.values(), key=lambda s: (s.starts_at, s.pk))
    upcoming = [s for s in seminars if s.ends_at >= now]
    past = [s for s in seminars if s.ends_at < now]
    for seminar in past:
        seminar.attendance = (
            seminar.canonical_recorded
            if seminar.canonical_recorded is not None
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

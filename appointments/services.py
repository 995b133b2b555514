"""Every write of 個別相談会: slots from a series, booking under a row lock, cancellation, records.

A booking is a consultation: it goes through the intake service (`case_submit`, channel
個別相談会) and the referral services (`case_assign`, `assignment_accept`), so the case counts in
every statistic and the advisor sees it in the partner portal like any referral.
"""

import datetime as dt

from django.core import signing
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Assignment, Case
from cases.services import (
    assignment_accept,
    case_assign,
    case_event_record,
    case_submit,
    case_transition,
)
from common.calendar import ics_event
from common.dates import format_date_ja
from common.links import absolute_url
from common.mail import Attachment, outbox_add
from common.models import PurposeNotice
from crm.normalise import normalise_email
from crm.requester import Requester
from partners.models import Advisor

from .exceptions import BookingLimit, CancellationClosed, SlotClosed, SlotTaken, TryAgain
from .models import SessionBooking, SessionSeries, SessionSlot
from .selectors import open_bookings_of_address, series_future_bookings

CANCEL_SALT = "appointments.booking.cancel"
LOCK_TIMEOUT = "10s"  # few people contend for one slot; waiting beats a retry page
NEXT_FREE = 5
# Upcoming bookings one address may hold across all series (one per series): a visitor cannot
# take every free slot, each with a case, a referral and a mail to the host.
OPEN_BOOKINGS_PER_ADDRESS = 3


def series_slots_sync(*, series: SessionSeries) -> int:
    """Create the series' slots from its period; slots no longer in it are withdrawn if unbooked.

    A booked slot is never moved or withdrawn here: the person was told its time.
    Returns the number of slots created.
    """
    created = 0
    with transaction.atomic():
        wanted = dict(series.slot_times())
        existing = {s.starts_at: s for s in SessionSlot.objects.filter(series=series)}
        booked = set(
            SessionBooking.objects.filter(
                slot__series=series, status=SessionBooking.Status.BOOKED
            ).values_list("slot_id", flat=True)
        )
        for start, end in wanted.items():
            slot = existing.get(start)
            if slot is None:
                SessionSlot.objects.create(series=series, starts_at=start, ends_at=end)
                created += 1
            elif (slot.ends_at != end or slot.is_withdrawn) and slot.pk not in booked:
                slot.ends_at = end
                slot.is_withdrawn = False
                slot.save(update_fields=["ends_at", "is_withdrawn"])
        for start, slot in existing.items():
            if start not in wanted and not slot.is_withdrawn and slot.pk not in booked:
                slot.is_withdrawn = True
                slot.save(update_fields=["is_withdrawn"])
    return created


def series_save(*, series: SessionSeries, by=None, now: dt.datetime | None = None) -> SessionSeries:
    """Save a series (new or edited in the admin) and bring its slots in line with it.

    A change of host cancels the bookings whose slot has not started: the bookers consented to
    share their request with the host named when they booked, not with the new one. Each is
    told in their language (with the calendar entry removed), and so is the host who held it.
    Sessions already started stay with the host who held them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        series.full_clean()
        if series.pk:
            before = (
                SessionSeries.objects.select_for_update()
                .filter(pk=series.pk)
                .values_list("advisor_id", "company_id")
                .first()
            )
            if before and before != (series.advisor_id, series.company_id):
                for booking in series_future_bookings(series, now=now):
                    _cancel(
                        booking=booking,
                        by=by,
                        now=now,
                        person_template="session_host_changed",
                        host_template="session_host_change_cancelled",
                        reason=_("担当者の変更"),
                    )
        series.save()
        series_slots_sync(series=series)
    return series


def series_create(**fields) -> SessionSeries:
    """A new series with its slots (the demo, tests)."""
    return series_save(series=SessionSeries(**fields))


def free_slots(series: SessionSeries, *, now: dt.datetime | None = None, exclude=()):
    """The series' slots still bookable now, earliest first."""
    now = now or timezone.now()
    return (
        SessionSlot.objects.filter(
            series=series, is_withdrawn=False, starts_at__gt=now, series__is_published=True
        )
        .exclude(bookings__status=SessionBooking.Status.BOOKED)
        .exclude(pk__in=exclude)
        .order_by("starts_at", "pk")
    )


def _lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _busy() -> TryAgain:
    return TryAgain(_("予約が集中しています。少し時間をおいて、もう一度お申し込みください。"))


def _lock_booking_keys(*, series_id: int, email_key: str) -> None:
    """Serialise the bookings of one address (all series) and of one series.

    Lock order, the same everywhere: the address, the series, then the slot (series_save takes
    the series, then the slots of the bookings it cancels).
    """
    _lock_timeout()
    try:
        if connection.vendor == "postgresql" and email_key:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"session-booker:{email_key}"]
                )
        SessionSeries.objects.select_for_update().only("pk").get(pk=series_id)
    except OperationalError as exc:
        raise _busy() from exc


def _booking_limits_check(*, series: SessionSeries, email_key: str, now: dt.datetime) -> None:
    """One open booking per address and series, a few across series; refused in the visitor's
    language."""
    if not email_key:
        return
    open_bookings = open_bookings_of_address(email_key, now=now)
    if open_bookings.filter(slot__series=series).exists():
        raise BookingLimit(
            _(
                "このメールアドレスで、既にこの個別相談会を予約されています。"
                "時間を変えたい場合は、予約の確認メールにあるリンクからキャンセルしてから、"
                "改めてお申し込みください。"
            )
        )
    if open_bookings.count() >= OPEN_BOOKINGS_PER_ADDRESS:
        raise BookingLimit(
            _(
                "1つのメールアドレスで同時に予約できる個別相談会は{n}件までです。"
                "予約済みの相談会が終わってから、またはキャンセルしてから、改めてお申し込みください。"
            ).format(n=OPEN_BOOKINGS_PER_ADDRESS)
        )


def _lock_slot(slot: SessionSlot) -> SessionSlot:
    _lock_timeout()
    try:
        return (
            SessionSlot.objects.select_for_update(of=("self",))
            .select_related("series")
            .get(pk=slot.pk)
        )
    except OperationalError as exc:
        raise _busy() from exc


def taken_message() -> str:
    return _("選ばれた枠は、先に別の方が予約されました。空いている枠から選び直してください。")


def _taken(slot: SessionSlot) -> SlotTaken:
    return SlotTaken(
        taken_message(),
        free=list(free_slots(slot.series, exclude=[slot.pk])[:NEXT_FREE]),
    )


def session_book(
    *,
    slot: SessionSlot,
    requester: Requester,
    category: str,
    description: str,
    notice: PurposeNotice | None,
    language: str = "ja",
    now: dt.datetime | None = None,
) -> SessionBooking:
    """Book a slot for one person, under a lock on the slot row; the booking is a case.

    Two people on the same slot: the second waits for the first to commit, finds it booked and
    gets `SlotTaken` with the next free slots. The case is taken through the intake service
    (channel 個別相談会), referred to the series' advisor or partner and accepted at once: the
    consent to share with them is part of the booking form. One address (normalised) holds one
    upcoming booking per series and `OPEN_BOOKINGS_PER_ADDRESS` in all (`BookingLimit`).
    """
    now = now or timezone.now()
    language = "en" if language == "en" else "ja"
    email_key = normalise_email(requester.email)
    try:
        with transaction.atomic():
            _lock_booking_keys(series_id=slot.series_id, email_key=email_key)
            slot = _lock_slot(slot)
            series = slot.series
            if slot.is_withdrawn or not series.is_published or slot.starts_at <= now:
                raise SlotClosed(_("この枠は予約を受け付けていません。"))
            if slot.bookings.filter(status=SessionBooking.Status.BOOKED).exists():
                raise _taken(slot)
            _booking_limits_check(series=series, email_key=email_key, now=now)
            host = series.host
            start = timezone.localtime(slot.starts_at)
            case = case_submit(
                requester=requester,
                category=category,
                subject=f"個別相談会 {start:%Y-%m-%d %H:%M} {host}"[:200],
                description=description,
                referral_consent=True,
                notice=notice,
                language=language,
                channel=Case.Channel.SESSION,
                notify=False,
            )
            case_transition(case=case, to_status=Case.Status.TRIAGE, by=None)
            assignment = case_assign(
                case=case, assignee=host, by=None, note=str(series.title), notify=False
            )
            assignment_accept(assignment=assignment, by=None, notify=False)
            case = Case.objects.get(pk=case.pk)  # as the services left it (in progress)
            booking = SessionBooking(
                slot=slot, case=case, language=language, email_key=email_key, created_at=now
            )
            booking.full_clean(exclude=["slot", "case"])
            booking.save()
            case_event_record(case=case, action="session_booked", comment=slot_label(slot))
            _mail_person(booking, "session_booked", ics=True)
            _mail_host(booking, "session_host_booked")
    except IntegrityError:
        # The partial unique index caught a booking the lock did not (never on PostgreSQL).
        raise _taken(slot) from None
    return booking


def slot_label(slot: SessionSlot) -> str:
    """2026-12-01 15:30–16:00 青山 一郎 (venue or online): for the case's timeline."""
    series = slot.series
    place = series.get_place_display()
    return f"{slot} {series.host} ({place}) #{slot.pk}"


def booking_token(booking: SessionBooking) -> str:
    return signing.Signer(salt=CANCEL_SALT).sign(str(booking.pk))


def booking_from_token(token: str) -> SessionBooking:
    """The booking a signed cancel link names, or SessionBooking.DoesNotExist."""
    try:
        pk = signing.Signer(salt=CANCEL_SALT).unsign(token)
    except signing.BadSignature:
        raise SessionBooking.DoesNotExist from None
    return SessionBooking.objects.select_related("slot__series", "case").get(pk=pk)


def session_cancel(
    *, booking: SessionBooking, by=None, now: dt.datetime | None = None
) -> SessionBooking:
    """Cancel a booking: the slot is free again and the case records it.

    The person's link (`by` is None) works until the slot starts.
    """
    now = now or timezone.now()
    with transaction.atomic():
        return _cancel(
            booking=booking,
            by=by,
            now=now,
            person_template="session_cancelled",
            host_template="session_host_cancelled",
        )


def _cancel(
    *,
    booking: SessionBooking,
    by,
    now: dt.datetime,
    person_template: str,
    host_template: str,
    reason: str = "",
) -> SessionBooking:
    """Cancel under the slot's lock (inside the caller's transaction); the person and the host
    who held the booking are told with `person_template` and `host_template`."""
    slot = _lock_slot(booking.slot)
    booking = (
        SessionBooking.objects.select_for_update(of=("self",))
        .select_related("slot__series", "case")
        .get(pk=booking.pk)
    )
    if booking.status == SessionBooking.Status.CANCELLED:
        return booking
    if by is None and now >= slot.starts_at:
        raise CancellationClosed(
            _("この相談枠は既に始まっているため、キャンセルの受付は終了しました。")
        )
    booking.status = SessionBooking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    comment = slot_label(slot) if not reason else f"{slot_label(slot)} ({reason})"
    case_event_record(case=booking.case, action="session_cancelled", by=by, comment=comment)
    _mail_person(booking, person_template, ics=True, cancel=True)
    _mail_host(booking, host_template, cancel=True)
    return booking


def session_record(
    *,
    booking: SessionBooking,
    by,
    attendance: str,
    discussed: str = "",
    follow_up_needed: bool = False,
) -> SessionBooking:
    """The advisor (portal) or staff (admin) record whether the session took place and what was
    discussed; a held session's notes go on the case's timeline."""
    if attendance not in (SessionBooking.Attendance.HELD, SessionBooking.Attendance.NO_SHOW):
        raise SlotClosed(_("実施状況を選んでください。"))
    with transaction.atomic():
        booking = SessionBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != SessionBooking.Status.BOOKED:
            raise SlotClosed(_("キャンセルされた予約には記録できません。"))
        if booking.slot.starts_at > timezone.now():
            raise SlotClosed(_("相談枠の開始後に記録してください。"))
        booking.attendance = attendance
        booking.discussed = discussed.strip()
        booking.follow_up_needed = follow_up_needed
        booking.recorded_at = timezone.now()
        booking.recorded_by = by
        booking.save()
        if attendance == SessionBooking.Attendance.NO_SHOW:
            comment = _("来所なし")
        else:
            comment = booking.discussed[:500]
            if follow_up_needed:
                comment = f"{comment}\n{_('フォローアップが必要')}".strip()
        case_event_record(case=booking.case, action=f"session_{attendance}", by=by, comment=comment)
    return booking


def session_reminders_send(now: dt.datetime) -> int:
    """The day before: remind every person with a booking once."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    due = SessionBooking.objects.filter(
        status=SessionBooking.Status.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__date=tomorrow,
    ).select_related("slot__series", "case__contact")
    count = 0
    for booking in due:
        with transaction.atomic():
            _mail_person(booking, "session_reminder", ics=True)
            booking.reminded_at = now
            booking.save(update_fields=["reminded_at"])
            count += 1
    return count


def _mail_context(booking: SessionBooking, language: str) -> dict:
    slot, series = booking.slot, booking.slot.series
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    venue_name, venue_address = series.where()
    with translation.override(language):
        host = str(series.host)
        place_label = str(series.get_place_display())
    return {
        "title": series.title_in(language),
        "host": host,
        "date": start.date().isoformat() if language == "en" else format_date_ja(start.date()),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "online": series.place == SessionSeries.Place.ONLINE,
        "place_label": place_label,
        "venue": f"{venue_name} {venue_address}".strip(),
        "online_url": series.online_url if series.place == SessionSeries.Place.ONLINE else "",
        "reference": booking.case.reference,
        "cancel_url": absolute_url(
            "appointments:cancel", args=[booking_token(booking)], language=booking.language
        ),
        "book_url": absolute_url("appointments:book", args=[series.pk], language=booking.language),
        "booking_id": booking.pk,
    }


def _mail_person(
    booking: SessionBooking, template: str, *, ics: bool = False, cancel: bool = False
) -> None:
    """Mail the person in their language; nothing they typed is repeated (unverified address)."""
    # The address typed for this booking's case (or confirmed by staff), not the person's.
    address = booking.case.contact_email
    if not address:
        return
    context = _mail_context(booking, booking.language)
    context["attach_ics"] = ics
    context["ics_cancel"] = cancel
    outbox_add(
        to=address,
        template=template,
        language=booking.language,
        context=context,
        related=booking.case,
        related_label=booking.case.reference,
    )


def _host_emails(host) -> list[str]:
    if isinstance(host, Advisor):
        advisor = host
        emails = [advisor.email or (advisor.user.email if advisor.user else "")]
    else:
        company = host
        emails = [m.user.email for m in company.members.select_related("user") if m.user.email]
        if not emails and company.email:
            emails = [company.email]
    return [e for e in emails if e]


def _mail_host(booking: SessionBooking, template: str, *, cancel: bool = False) -> None:
    """A note to the advisor or partner: when, where to read the booking (the portal), and the
    slot as a calendar entry of its own (removed again on a cancellation)."""
    context = _mail_context(booking, "ja")
    context.pop("cancel_url")
    context.pop("book_url")
    # The host who was given the booking (its first referral), even after the series' host
    # changed: they hold the calendar entry, and nobody else hears of the booker.
    given = booking.case.assignments.order_by("created_at", "pk").first()
    host = given.assignee if given else booking.slot.series.host
    context["host"] = str(host)
    context["portal_url"] = absolute_url("appointments_portal:schedule")
    context["assignment_url"] = (
        absolute_url("partner:assignment", args=[given.pk])
        if given and given.state == Assignment.State.ACCEPTED
        else ""
    )
    context.update(attach_ics=True, ics_cancel=cancel, ics_for_host=True)
    for address in _host_emails(host):
        outbox_add(
            to=address,
            template=template,
            context=context,
            related=booking.case,
            related_label=booking.case.reference,
        )


def booking_ics(booking: SessionBooking, *, cancel: bool = False, for_host: bool = False) -> bytes:
    """The slot in the person's calendar (where to go, or the online link), or in the host's:
    an entry of its own, in Japanese, named by the case reference and nothing personal."""
    slot, series = booking.slot, booking.slot.series
    venue_name, venue_address = series.where()
    online = series.place == SessionSeries.Place.ONLINE
    if for_host:
        summary = f"{series.title_in('ja')} {booking.case.reference}"
    else:
        with translation.override(booking.language):
            summary = f"{series.title_in(booking.language)} ({series.host})"
    return ics_event(
        prodid="-//Mie DX Center//Sessions//JA",
        uid=f"session-{slot.pk}-booking-{booking.pk}{'-host' if for_host else ''}@dx-center",
        summary=summary,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        location=(series.online_url or "オンライン")
        if online
        else f"{venue_name} {venue_address}".strip(),
        url=series.online_url if online else "",
        description=booking.case.reference,
        sequence=1 if cancel else 0,
        cancel=cancel,
    )


def booking_mail_attachments(context: dict) -> list[Attachment]:
    """The calendar file of a session mail, built when it is sent."""
    booking = (
        SessionBooking.objects.select_related("slot__series", "case")
        .filter(pk=context.get("booking_id"))
        .first()
    )
    if booking is None or not context.get("attach_ics"):
        return []
    cancel = bool(context.get("ics_cancel"))
    # A reminder leaving the outbox after a cancellation must not put the slot back on.
    if not cancel and booking.status != SessionBooking.Status.BOOKED:
        return []
    ics = booking_ics(booking, cancel=cancel, for_host=bool(context.get("ics_for_host")))
    return [Attachment("session.ics", ics, "text/calendar")]


# Every 個別相談会 mail carries the calendar file (registered by AppointmentsConfig.ready).
ATTACHED_MAIL = (
    "session_booked",
    "session_reminder",
    "session_cancelled",
    "session_host_booked",
    "session_host_cancelled",
    "session_host_changed",
    "session_host_change_cancelled",
    "session_seminar_cancelled",
    "session_seminar_moved",
    "session_seminar_reinstated",
)


def series_follow_seminar(
    *, seminar, changed: list[str], cancelled: bool, now: dt.datetime | None = None
) -> dict:
    """The 個別相談会 held after a seminar follow its change (events' `seminar_changed`).

    Cancelled: the series is closed (unpublished, slots still to come withdrawn) and each
    booking still to come is cancelled through the booking cancellation path: the booker is
    told in their language with a calendar CANCEL, the host too. Moved: a slot still to come
    that now overlaps the lecture is withdrawn when free; its booker is told (the booking stays,
    with its cancel link) and staff see the overlap on the series' admin page. Reinstated
    (開催中止 withdrawn): what the cancellation closed opens again (`_series_reopen`)."""
    now = now or timezone.now()
    result = {"cancelled": 0, "withdrawn": 0, "told": 0, "reopened": 0}
    moved = {"starts_at", "ends_at"} & set(changed)
    reinstated = "is_cancelled" in changed and not cancelled
    if not cancelled and not moved and not reinstated:
        return result
    with transaction.atomic():
        for series in SessionSeries.objects.select_for_update().filter(seminar=seminar):
            if cancelled:
                closing = series.slots.filter(starts_at__gt=now, is_withdrawn=False)
                closing_ids = list(closing.values_list("pk", flat=True))
                for booking in series_future_bookings(series, now=now):
                    _cancel(
                        booking=booking,
                        by=None,
                        now=now,
                        person_template="session_seminar_cancelled",
                        host_template="session_host_cancelled",
                        reason=_("セミナーの開催中止"),
                    )
                    result["cancelled"] += 1
                result["withdrawn"] += SessionSlot.objects.filter(pk__in=closing_ids).update(
                    is_withdrawn=True, closed_by_seminar_at=now
                )
                if series.is_published:
                    series.is_published = False
                    series.closed_by_seminar_at = now
                    series.save(update_fields=["is_published", "closed_by_seminar_at"])
                continue
            if reinstated:
                result["reopened"] += _series_reopen(series, now=now)
            if moved:
                _series_check_overlaps(series, seminar=seminar, now=now, result=result)
    return result


def _series_reopen(series: SessionSeries, *, now: dt.datetime) -> int:
    """Reopen the slots still to come that the seminar's cancellation closed, and publish the
    series again if the cancellation unpublished it. The bookers whose booking it cancelled
    are told in their language that they may book again (their booking stays cancelled: they
    were told it was off and may have planned otherwise)."""
    closed = series.slots.filter(closed_by_seminar_at__isnull=False)
    reopened = closed.filter(starts_at__gt=now).update(is_withdrawn=False)
    cancelled = SessionBooking.objects.filter(
        slot__in=closed.filter(starts_at__gt=now),
        status=SessionBooking.Status.CANCELLED,
        cancelled_at=F("slot__closed_by_seminar_at"),
    ).select_related("slot__series", "case")
    for booking in cancelled:
        _mail_person(booking, "session_seminar_reinstated")
    closed.update(closed_by_seminar_at=None)
    if series.closed_by_seminar_at is not None:
        series.is_published = True
        series.closed_by_seminar_at = None
        series.save(update_fields=["is_published", "closed_by_seminar_at"])
    return reopened


def _series_check_overlaps(series, *, seminar, now, result) -> None:
    for slot in series_slots_overlapping_seminar(series, seminar=seminar, now=now):
        booking = slot.bookings.filter(status=SessionBooking.Status.BOOKED).first()
        if booking is None:
            slot.is_withdrawn = True
            slot.save(update_fields=["is_withdrawn"])
            result["withdrawn"] += 1
        else:
            _mail_person(booking, "session_seminar_moved", ics=True)
            result["told"] += 1


def series_slots_overlapping_seminar(
    series: SessionSeries, *, seminar=None, now: dt.datetime | None = None
):
    """The series' slots still to come that overlap its seminar's lecture."""
    seminar = seminar or series.seminar
    if seminar is None:
        return SessionSlot.objects.none()
    return series.slots.filter(
        starts_at__gt=now or timezone.now(),
        is_withdrawn=False,
        starts_at__lt=seminar.ends_at,
        ends_at__gt=seminar.starts_at,
    ).order_by("starts_at")

"""Every write of 個別相談会: slots from a series, booking under a row lock, cancellation, records.

A booking is a consultation: it goes through the intake service (`case_submit`, channel
個別相談会) and the referral services (`case_assign`, `assignment_accept`), so the case counts in
every statistic and the advisor sees it in the partner portal like any referral.
"""

import datetime as dt

from django.core import signing
from django.db import IntegrityError, OperationalError, connection, transaction
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
from dxcenter.common.calendar import ics_event
from dxcenter.common.dates import format_date_ja
from dxcenter.common.links import absolute_url
from dxcenter.common.mail import Attachment, outbox_add, register_attachment_builder
from dxcenter.common.models import Municipality, PurposeNotice

from .exceptions import CancellationClosed, SlotClosed, SlotTaken, TryAgain
from .models import SessionBooking, SessionSeries, SessionSlot

CANCEL_SALT = "appointments.booking.cancel"
LOCK_TIMEOUT = "10s"  # few people contend for one slot; waiting beats a retry page
NEXT_FREE = 5


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


def series_save(*, series: SessionSeries) -> SessionSeries:
    """Save a series (new or edited in the admin) and bring its slots in line with it."""
    with transaction.atomic():
        series.full_clean()
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


def _lock_slot(slot: SessionSlot) -> SessionSlot:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        return (
            SessionSlot.objects.select_for_update(of=("self",))
            .select_related("series")
            .get(pk=slot.pk)
        )
    except OperationalError as exc:
        raise TryAgain(
            _("予約が集中しています。少し時間をおいて、もう一度お申し込みください。")
        ) from exc


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
    requester_type: str,
    organisation_name: str,
    municipality: Municipality | None,
    family_name: str,
    given_name: str,
    email: str,
    category: str,
    description: str,
    notice: PurposeNotice | None,
    phone: str = "",
    family_name_kana: str = "",
    given_name_kana: str = "",
    language: str = "ja",
    now: dt.datetime | None = None,
) -> SessionBooking:
    """Book a slot for one person, under a lock on the slot row; the booking is a case.

    Two people on the same slot: the second waits for the first to commit, finds it booked and
    gets `SlotTaken` with the next free slots. The case is taken through the intake service
    (channel 個別相談会), referred to the series' advisor or partner and accepted at once: the
    consent to share with them is part of the booking form.
    """
    now = now or timezone.now()
    language = "en" if language == "en" else "ja"
    try:
        with transaction.atomic():
            slot = _lock_slot(slot)
            series = slot.series
            if slot.is_withdrawn or not series.is_published or slot.starts_at <= now:
                raise SlotClosed(_("この枠は予約を受け付けていません。"))
            if slot.bookings.filter(status=SessionBooking.Status.BOOKED).exists():
                raise _taken(slot)
            host = series.host
            start = timezone.localtime(slot.starts_at)
            case = case_submit(
                requester_type=requester_type,
                organisation_name=organisation_name,
                industry="",
                municipality=municipality,
                family_name=family_name,
                given_name=given_name,
                family_name_kana=family_name_kana,
                given_name_kana=given_name_kana,
                email=email,
                phone=phone,
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
            booking = SessionBooking(slot=slot, case=case, language=language, created_at=now)
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
        slot = _lock_slot(booking.slot)
        booking = SessionBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == SessionBooking.Status.CANCELLED:
            return booking
        if by is None and now >= slot.starts_at:
            raise CancellationClosed(
                _("この相談枠は既に始まっているため、キャンセルの受付は終了しました。")
            )
        booking.status = SessionBooking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        case_event_record(
            case=booking.case, action="session_cancelled", by=by, comment=slot_label(slot)
        )
        _mail_person(booking, "session_cancelled", ics=True, cancel=True)
        _mail_host(booking, "session_host_cancelled", cancel=True)
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
        "booking_id": booking.pk,
    }


def _mail_person(
    booking: SessionBooking, template: str, *, ics: bool = False, cancel: bool = False
) -> None:
    """Mail the person in their language; nothing they typed is repeated (unverified address)."""
    contact = booking.case.contact
    if not contact or not contact.email:
        return
    context = _mail_context(booking, booking.language)
    context["attach_ics"] = ics
    context["ics_cancel"] = cancel
    outbox_add(
        to=contact.email,
        template=template,
        language=booking.language,
        context=context,
        related=booking.case,
        related_label=booking.case.reference,
    )


def _host_emails(series: SessionSeries) -> list[str]:
    if series.advisor_id:
        advisor = series.advisor
        emails = [advisor.email or (advisor.user.email if advisor.user else "")]
    else:
        company = series.company
        emails = [m.user.email for m in company.members.select_related("user") if m.user.email]
        if not emails and company.email:
            emails = [company.email]
    return [e for e in emails if e]


def _mail_host(booking: SessionBooking, template: str, *, cancel: bool = False) -> None:
    """A note to the advisor or partner: when, where to read the booking (the portal), and the
    slot as a calendar entry of its own (removed again on a cancellation)."""
    context = _mail_context(booking, "ja")
    context.pop("cancel_url")
    assignment = booking.case.assignments.filter(state=Assignment.State.ACCEPTED).first()
    context["portal_url"] = absolute_url("appointments_portal:schedule")
    context["assignment_url"] = (
        absolute_url("partner:assignment", args=[assignment.pk]) if assignment else ""
    )
    context.update(attach_ics=True, ics_cancel=cancel, ics_for_host=True)
    for address in _host_emails(booking.slot.series):
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


for _template in (
    "session_booked",
    "session_reminder",
    "session_cancelled",
    "session_host_booked",
    "session_host_cancelled",
):
    register_attachment_builder(_template, booking_mail_attachments)

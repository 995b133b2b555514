"""Every write of the events app: registration under a row lock, cancellation, check-in."""

import datetime as dt
import io
from collections.abc import Callable
from typing import Literal

import segno

from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from common.dates import format_date_ja
from common.links import absolute_url
from common.mail import Attachment, outbox_add
from common.models import PurposeNotice
from common.seminar_signals import seminar_changed
from common.text import canonical_email
from crm.requester import Requester
from crm.services import likely_list, person_for_registration

from .calendar import registration_ics
from .exceptions import (
    CancellationClosed,
    DuplicateRegistration,
    InvalidRegistrationChange,
    RegistrationClosed,
    SurveyClosed,
    TryAgain,
)
from .models import Registration, Seminar, SeminarSchedule, SeminarSurvey
from .selectors import waitlist_position

CANCEL_SALT = "events.registration.cancel"
SURVEY_SALT = "events.registration.survey"
CHECKIN_SALT = "events.registration.checkin"
LOCK_TIMEOUT = "2s"

# Registration.Mode values: where a person takes part.
Mode = Literal["venue", "online"]


def registration_token(registration: Registration, salt: str) -> str:
    return signing.Signer(salt=salt).sign(str(registration.pk))


def registration_from_token(token: str, salt: str) -> Registration:
    """The registration a signed link names, or Registration.DoesNotExist."""
    try:
        pk = signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature:
        raise Registration.DoesNotExist from None
    return Registration.objects.select_related("seminar").get(pk=pk)


def _links(registration: Registration) -> dict:
    language = registration.language
    return {
        "cancel_url": absolute_url(
            "events:cancel",
            args=[registration_token(registration, CANCEL_SALT)],
            language=language,
        ),
        "survey_url": absolute_url(
            "events:survey",
            args=[registration_token(registration, SURVEY_SALT)],
            language=language,
        ),
        "checkin_url": absolute_url(
            "seminar_checkin_qr", args=[registration_token(registration, CHECKIN_SALT)]
        ),
    }


def _mail_context(registration: Registration) -> dict:
    seminar = registration.seminar
    title = seminar_title(seminar, registration.language)
    local_start = timezone.localtime(seminar.starts_at)
    local_end = timezone.localtime(seminar.ends_at)
    english = registration.language == "en"
    # Nobody has verified the address: the mail names the seminar (staff wrote its title), never
    # what the registrant typed (name, organisation, question).
    return {
        "title": title,
        "date": local_start.date().isoformat() if english else format_date_ja(local_start.date()),
        "start": local_start.strftime("%H:%M"),
        "end": local_end.strftime("%H:%M"),
        "mode": registration.mode,
        "mode_label": registration.get_mode_display(),
        "venue": f"{seminar.venue_name} {seminar.venue_address}".strip(),
        # The online URL goes to online attendees only.
        "online_url": seminar.online_url if registration.mode == Registration.Mode.ONLINE else "",
        "position": waitlist_position(registration),
        **_links(registration),
    }


def _send(
    registration: Registration,
    template: str,
    *,
    ics: bool = False,
    qr: bool = False,
    extra: Callable[[], dict] | None = None,
):
    """Queue a mail; the calendar file and QR code are built when it is sent (see below)."""
    # Labels (the attendance mode) in the registrant's language, whoever made the change.
    with translation.override(registration.language):
        context = _mail_context(registration)
        if extra is not None:
            context.update(extra())
    context["registration_id"] = registration.pk
    context["attach_ics"] = ics
    context["attach_qr"] = qr
    outbox_add(
        to=registration.email,
        template=template,
        language=registration.language,
        context=context,
        related=registration.seminar,
        related_label=registration.seminar.title[:120],
    )


def registration_mail_attachments(context: dict) -> list[Attachment]:
    """ICS and check-in QR code for a seminar mail, built at send time."""
    registration = (
        Registration.objects.select_related("seminar")
        .filter(pk=context.get("registration_id"))
        .first()
    )
    if registration is None:
        return []
    attachments = []
    cancel = context.get("ics_cancel", False)
    # A mail queued before staff cancelled the seminar (a reminder, say) leaves the outbox
    # afterwards: a calendar file or check-in code in it would put the seminar back on.
    on = cancel or not registration.seminar.is_cancelled
    if context.get("attach_ics") and on:
        ics = registration_ics(registration, cancel=cancel)
        attachments.append(Attachment("seminar.ics", ics, "text/calendar"))
    if context.get("attach_qr") and on and not cancel:
        code = segno.make(context["checkin_url"], error="m")
        attachments.append(Attachment("checkin-qr.png", _qr_png(code), "image/png"))
    return attachments


def _qr_png(code) -> bytes:
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=6)
    return buffer.getvalue()


# The registrant's mails that carry the calendar file and QR code (registered by
# EventsConfig.ready with registration_mail_attachments).
ATTACHED_MAIL = (
    "seminar_confirmed",
    "seminar_promoted",
    "seminar_reminder",
    "seminar_moved",
    "seminar_changed",
    "seminar_cancelled",
    "seminar_registration_cancelled",
)


def seminar_title(seminar: Seminar, language: str) -> str:
    """The seminar's title in `language` (its page there), else in Japanese; a date of a
    programme is named with its venue (the programme's page presents every date)."""
    page = seminar.page_in(language)
    title = page.title if page else ""
    if page is not None and page.programme_id and seminar.venue_name:
        title = f"{title}（{seminar.venue_name}）"
    return title


def _lock_seminar(seminar: Seminar) -> Seminar:
    """Lock the seminar row so counting and confirming cannot interleave (PostgreSQL)."""

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        return Seminar.objects.select_for_update(of=("self",)).get(pk=seminar.pk)
    except OperationalError as exc:
        raise TryAgain(
            _("申込が集中しています。少し時間をおいて、もう一度お申し込みください。")
        ) from exc


def _has_room(seminar: Seminar, mode: str) -> bool:
    capacity = seminar.capacity_for(mode)
    if capacity is None:
        return True
    confirmed = Registration.objects.filter(
        seminar=seminar, mode=mode, status=Registration.Status.CONFIRMED
    ).count()
    return confirmed < capacity


def registration_create(
    *,
    seminar: Seminar,
    requester: Requester,
    mode: Mode,
    question: str = "",
    language: Literal["ja", "en"] = "ja",
    notice: PurposeNotice | None = None,
    walk_in: bool = False,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Confirm the person or put them on the waiting list, under a lock on the seminar.

    Whichever language's page the person used, the registration is the seminar's, so seats,
    the waiting list and duplicates are counted once; `language` keeps the registrant's
    language for the mails. ``requester`` is who registers, as typed (one name field: the
    whole name is its ``family_name``) or entered by staff (a walk-in).
    """

    now = now or timezone.now()
    email = canonical_email(requester.email)
    if mode not in seminar.modes():
        raise InvalidRegistrationChange(_("この参加方法は選べません。"))
    if seminar.is_cancelled:
        raise RegistrationClosed(_("このセミナーは開催を中止しました。"))
    if not walk_in and not seminar.registration_open(now):
        raise RegistrationClosed(_("このセミナーの申込受付は終了しました。"))
    try:
        with transaction.atomic():
            seminar = _lock_seminar(seminar)
            if seminar.is_cancelled:  # cancelled while this request waited for the lock
                raise RegistrationClosed(_("このセミナーは開催を中止しました。"))
            # People already waiting come first: a seat left free (capacity raised outside a
            # publish, say) goes to them, not to whoever registers next.
            _fill_seats(seminar, now)
            if (
                Registration.objects.filter(seminar=seminar, email=email)
                .exclude(status=Registration.Status.CANCELLED)
                .exists()
            ):
                raise DuplicateRegistration(
                    _("このメールアドレスでは、既にこのセミナーにお申し込みいただいています。")
                )
            confirmed = walk_in or _has_room(seminar, mode)
            registration = Registration(
                seminar=seminar,
                name=requester.name,
                name_kana=requester.name_kana,
                email=email,
                organisation=requester.organisation_name.strip(),
                requester_type=requester.requester_type,
                municipality=requester.municipality,
                mode=mode,
                question=question.strip(),
                status=Registration.Status.CONFIRMED
                if confirmed
                else Registration.Status.WAITLISTED,
                language="en" if language == "en" else "ja",
                notice=notice,
                consented_at=now if notice else None,
                is_walk_in=walk_in,
                checked_in_at=now if walk_in else None,
                checked_in_by=by if walk_in else None,
            )
            # A walk-in is entered by staff at the door; anything else was typed on the public
            # form, so it gets records of its own and its matches are only proposed to staff.
            registration.person, likely = person_for_registration(
                name=registration.name,
                email=email,
                organisation_name=registration.organisation,
                requester_type=requester.requester_type,
                municipality=requester.municipality,
                verified=walk_in and by is not None,
            )
            registration.full_clean(exclude=["seminar"])
            registration.save()
            likely_list(likely, source="registration", subject=registration)
            if not walk_in:
                if confirmed:
                    _send(registration, "seminar_confirmed", ics=True, qr=True)
                else:
                    _send(registration, "seminar_waitlisted")
    except IntegrityError:
        raise DuplicateRegistration(
            _("このメールアドレスでは、既にこのセミナーにお申し込みいただいています。")
        ) from None
    return registration


def _fill_seats(
    seminar: Seminar, now: dt.datetime | None = None, *, quiet: set[int] = frozenset()
) -> list[Registration]:
    """Give every free seat to the people waiting for it, in waiting order, and tell them.

    The caller holds the seminar's row lock (`_lock_seminar`), so counting and confirming cannot
    interleave with a registration or another cancellation. Once the seminar has started nobody
    is promoted: a seat freed during or after the seminar is of no use to anyone. People in
    `quiet` are promoted without the mail: the caller sends them one that says everything.
    """
    now = now or timezone.now()
    if seminar.is_cancelled or now >= seminar.starts_at:
        return []
    promoted = []
    for mode in seminar.modes():
        waiting = Registration.objects.filter(
            seminar=seminar, mode=mode, status=Registration.Status.WAITLISTED
        ).order_by("created_at", "pk")
        capacity = seminar.capacity_for(mode)
        if capacity is not None:
            confirmed = Registration.objects.filter(
                seminar=seminar, mode=mode, status=Registration.Status.CONFIRMED
            ).count()
            free = capacity - confirmed
            if free <= 0:
                continue
            waiting = waiting[:free]
        for registration in waiting:
            registration.status = Registration.Status.CONFIRMED
            registration.promoted_at = now
            registration.save(update_fields=["status", "promoted_at"])
            if registration.pk not in quiet:
                _send(registration, "seminar_promoted", ics=True, qr=True)
            promoted.append(registration)
    return promoted


def seminar_started(seminar: Seminar, now: dt.datetime | None = None) -> bool:
    """Whether the seminar has begun: cancel links and promotion stop then."""

    return (now or timezone.now()) >= seminar.starts_at


def registration_cancel(
    *, registration: Registration, by: User | None = None, now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel, and fill the freed seat from the waiting list; returns who was promoted.

    The registrant's own link stops working once the seminar has started (`by` is None);
    staff may still remove someone then, but nobody is promoted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        seminar = _lock_seminar(registration.seminar)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return []
        if by is None and now >= seminar.starts_at:
            raise CancellationClosed(
                _("このセミナーは既に始まっているため、キャンセルの受付は終了しました。")
            )
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if by is None:
            # The person's own link: a confirmation, with the calendar entry removed (a
            # confirmed seat had one; a waiting place had none).
            _send(
                registration,
                "seminar_registration_cancelled",
                ics=was_confirmed,
                extra=lambda: {"ics_cancel": True},
            )
        return _fill_seats(seminar, now)


def registration_move(
    *, registration: Registration, mode: Mode, by: User | None = None
) -> Registration:
    """Staff move a person between venue and online, within capacity; the person is told by mail.

    A confirmed person gets the new calendar file (and, for the venue, the check-in QR code);
    their old seat goes to the first person waiting for it.
    """
    with transaction.atomic():
        seminar = _lock_seminar(registration.seminar)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if seminar.is_cancelled:  # the mail would speak of a seminar that will not take place
            raise InvalidRegistrationChange(_("このセミナーは開催を中止しました。"))
        if mode not in seminar.modes() or mode == registration.mode:
            raise InvalidRegistrationChange(_("この参加方法には変更できません。"))
        if registration.status == Registration.Status.CONFIRMED and not _has_room(seminar, mode):
            raise InvalidRegistrationChange(_("変更先の定員に空きがありません。"))
        registration.mode = mode
        registration.save(update_fields=["mode"])
        # Seats first, then one mail with the person's final state: someone waiting who is
        # moved to a free seat hears "moved, and confirmed", not "still waiting" then "promoted".
        promoted = _fill_seats(seminar, quiet={registration.pk})
        registration.refresh_from_db()
        confirmed = registration.status == Registration.Status.CONFIRMED
        if registration.status != Registration.Status.CANCELLED and not seminar_started(seminar):
            _send(
                registration,
                "seminar_moved",
                ics=confirmed,
                qr=confirmed and mode == Registration.Mode.VENUE,
                extra=lambda: {"promoted": any(p.pk == registration.pk for p in promoted)},
            )
    return registration


_CHANGE_LABELS = {
    "starts_at": _lazy("日時"),
    "ends_at": _lazy("日時"),
    "format": _lazy("開催形式"),
    "venue_name": _lazy("会場"),
    "venue_address": _lazy("会場"),
    "online_url": _lazy("オンライン参加URL"),
}
# Who a change concerns: a venue's address means nothing to someone attending online.
_CHANGE_MODES = {
    "venue_name": {Registration.Mode.VENUE},
    "venue_address": {Registration.Mode.VENUE},
    "online_url": {Registration.Mode.ONLINE},
}


def seminar_saved(*, seminar: Seminar, now: dt.datetime | None = None) -> dict:
    """After staff save a seminar: tell registrants what changed, then fill free seats.

    The seminar is compared with what registrants were last told (`SeminarSchedule`).
    A change of date, time, format, venue or online URL, or the seminar's cancellation, is
    mailed to every registrant it concerns (confirmed and waiting) in their language, with a
    calendar file that replaces the earlier one (same UID, higher SEQUENCE; METHOD:CANCEL for
    a cancellation). Nothing is mailed once the seminar, as registrants knew it, has started.
    """

    now = now or timezone.now()
    with transaction.atomic():
        seminar = _lock_seminar(seminar)
        current = {field: getattr(seminar, field) for field in SeminarSchedule.FIELDS}
        schedule = SeminarSchedule.objects.select_for_update().filter(seminar=seminar).first()
        if schedule is None:
            SeminarSchedule.objects.create(seminar=seminar, changed_at=now, **current)
            return {"changed": [], "told": 0, "promoted": _fill_seats(seminar, now)}
        changed = [f for f in SeminarSchedule.FIELDS if getattr(schedule, f) != current[f]]
        if seminar.is_cancelled and "is_cancelled" not in changed:
            # Registrants were told of the cancellation once; edits of the cancelled seminar
            # stay untold (the schedule keeps what they know) until it is reinstated, when
            # they are listed with it.
            changed = []
        told = 0
        if changed:
            was_ahead = now < schedule.starts_at
            for field, value in current.items():
                setattr(schedule, field, value)
            schedule.sequence += 1
            schedule.changed_at = now
            schedule.save()
            if was_ahead:
                told = _announce_change(seminar, changed)
                # The apps above (個別相談会 after the lecture) follow the change.
                cancelled, fields = seminar.is_cancelled, list(changed)
                transaction.on_commit(
                    lambda: seminar_changed.send(
                        sender=type(seminar), seminar=seminar, changed=fields, cancelled=cancelled
                    )
                )
        return {"changed": changed, "told": told, "promoted": _fill_seats(seminar, now)}


def _announce_change(seminar: Seminar, changed: list[str]) -> int:
    """Mail each registrant a change that concerns them, once.

    A cancellation goes to everyone, once (`seminar_saved` keeps later edits of the
    cancelled seminar untold). Its withdrawal goes to everyone too: the seminar takes place
    after all, as it now stands (listing what else changed meanwhile), with a fresh calendar
    file that replaces the cancellation.
    """
    cancelled = seminar.is_cancelled
    reinstated = "is_cancelled" in changed and not cancelled
    people = Registration.objects.filter(seminar=seminar).exclude(
        status=Registration.Status.CANCELLED
    )
    told = 0
    for registration in people.select_related("seminar"):
        concerning = [
            f
            for f in changed
            if f in _CHANGE_LABELS
            and registration.mode in _CHANGE_MODES.get(f, {registration.mode})
        ]
        # A cancellation (or its withdrawal) concerns everyone; a new venue, only the venue's.
        if not concerning and "is_cancelled" not in changed:
            continue
        confirmed = registration.status == Registration.Status.CONFIRMED
        if cancelled:
            _send(
                registration, "seminar_cancelled", ics=confirmed, extra=lambda: {"ics_cancel": True}
            )
        else:
            _send(
                registration,
                "seminar_changed",
                ics=confirmed,
                qr=confirmed and registration.mode == Registration.Mode.VENUE,
                extra=lambda concerning=concerning: {
                    "changes": list(dict.fromkeys(str(_CHANGE_LABELS[f]) for f in concerning)),
                    "reinstated": reinstated,
                },
            )
        told += 1
    return told


def registration_check_in(*, registration: Registration, by: User | None) -> Registration:
    """Mark a confirmed person as present; attendance counts check-ins."""
    if registration.status != Registration.Status.CONFIRMED:
        raise InvalidRegistrationChange(_("参加確定の方だけ受付できます。"))
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = by
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
    return registration


SURVEY_OPEN_DAYS = 30


def survey_closes_at(seminar: Seminar) -> dt.datetime:
    """The survey link works until this long after the seminar ends."""
    return seminar.ends_at + dt.timedelta(days=SURVEY_OPEN_DAYS)


def survey_refusal(registration: Registration, now: dt.datetime | None = None) -> str | None:
    """Why this registrant may not answer the survey (now), or None if they may."""
    now = now or timezone.now()
    if registration.status == Registration.Status.CANCELLED or registration.checked_in_at is None:
        return _("このアンケートは、セミナーに参加された方にお願いしています。")
    if now > survey_closes_at(registration.seminar):
        return _("このアンケートの受付は終了しました。ご協力ありがとうございました。")
    return None


def seminar_survey_answer(
    *,
    registration: Registration,
    satisfaction: int,
    useful_for_dx: bool,
    comment: str = "",
    now: dt.datetime | None = None,
) -> SeminarSurvey:
    """Record an attendee's answer once, while the survey is open."""
    refusal = survey_refusal(registration, now)
    if refusal:
        raise SurveyClosed(refusal)
    if hasattr(registration, "survey"):
        raise InvalidRegistrationChange(_("このアンケートには既にご回答いただいています。"))
    survey = SeminarSurvey(
        registration=registration,
        satisfaction=satisfaction,
        useful_for_dx=useful_for_dx,
        comment=comment.strip(),
    )
    survey.full_clean()
    survey.save()
    return survey


def seminar_reminders_send(now: dt.datetime) -> int:
    """The day before: remind every confirmed person once; never of a cancelled seminar."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        seminar__is_cancelled=False,
        reminded_at__isnull=True,
        seminar__starts_at__date=tomorrow,
    ).select_related("seminar")
    count = 0
    for registration in due:
        with transaction.atomic():
            _send(registration, "seminar_reminder", ics=True)
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            count += 1
    return count


def seminar_thanks_send(now: dt.datetime) -> int:
    """After the seminar: thank the people who came and ask for the survey, once.

    Not for a cancelled seminar (someone checked in before staff cancelled it)."""
    due = Registration.objects.filter(
        seminar__is_cancelled=False,
        checked_in_at__isnull=False,
        thanked_at__isnull=True,
        seminar__ends_at__lte=now,
        seminar__ends_at__gte=now - dt.timedelta(days=14),
    ).select_related("seminar")
    count = 0
    for registration in due:
        with transaction.atomic():
            _send(registration, "seminar_thanks")
            registration.thanked_at = now
            registration.save(update_fields=["thanked_at"])
            count += 1
    return count

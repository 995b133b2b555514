"""Consent to the purpose notice and to referral, given on the form or by a mailed link."""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import PurposeNotice

from ..exceptions import ConsentLinkSuperseded, InvalidTransition
from ..models import (
    Assignment,
    Case,
    ConsentRecord,
)
from .lifecycle import Status, case_event_record, case_first_response_record, case_transition
from .mails import _mail_requester_link, assignee_mail

CONSENT_LINK_SALT = "cases.consent.link"


CONSENT_LINK_MAX_AGE = 60 * 60 * 24 * 30


def consent_link_superseded_message() -> str:
    return _(
        "このリンクは使えなくなりました。お送りした後に、同意について別のお申し出を記録しています。"
        "お手数ですが、みえDXセンターまでご連絡ください。"
    )


def consent_record(
    *,
    case: Case,
    by: User | None,
    given: bool,
    method: Literal["web", "phone", "email", "visit", "form", "link"],
    given_at: dt.datetime | None = None,
    note: str = "",
    notice: PurposeNotice | None = None,
) -> ConsentRecord:
    """Record the requester's referral consent given later, or its withdrawal.

    A withdrawal ends every current referral: the assignees are told by mail and in the portal,
    and no new referral is possible until consent is given again.
    """
    if method not in ConsentRecord.Method.values:
        raise InvalidTransition(_("同意の取得方法を選んでください。"))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        previous = case.consent
        was_given = bool(previous and previous.referral_consent)
        record = ConsentRecord(
            case=case,
            notice=notice or PurposeNotice.current(PurposeNotice.Scope.CONSULTATION),
            acknowledged_purpose=given or bool(previous and previous.acknowledged_purpose),
            referral_consent=given,
            withdrawal=was_given and not given,
            given_at=given_at or timezone.now(),
            channel=method,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
            note=note.strip(),
        )
        record.full_clean()
        record.save()
        action = (
            "consent_given"
            if given
            else ("consent_withdrawn" if record.withdrawal else "consent_refused")
        )
        case_event_record(
            case=case,
            action=action,
            by=record.recorded_by,
            comment=" / ".join(p for p in [record.get_channel_display(), record.note] if p),
        )
        if record.withdrawal:
            _referrals_end(case=case, by=record.recorded_by)
    return record


def _referrals_end(*, case: Case, by: User | None) -> None:
    """Consent withdrawn: every offered or accepted referral ends, and its assignee is told."""
    active = list(
        case.assignments.select_for_update().filter(
            state__in=[Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
        )
    )
    for assignment in active:
        assignment.state = Assignment.State.ENDED
        assignment.done_at = timezone.now()
        assignment.save()
        case_event_record(
            case=case, action="referral_ended", by=by, comment=str(assignment.assignee)
        )
        assignee_mail(assignment=assignment, template="assignment_ended")
    # Back to triage only when a referral is what ended: a case staff handle themselves stays.
    ended = len(active)
    still_active = case.assignments.filter(
        state__in=[Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
    ).exists()
    if ended and not still_active and case.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        case_transition(
            case=case,
            to_status=Status.TRIAGE,
            by=by,
            comment=_("相談者が紹介への同意を撤回しました。"),
        )


def consent_link_token(case: Case) -> str:
    """Signs the case and its latest consent record: a later decision makes the link stale."""
    latest = case.consents.order_by("-pk").values_list("pk", flat=True).first() or 0
    return signing.TimestampSigner(salt=CONSENT_LINK_SALT).sign(f"{case.pk}:{latest}")


@dataclass(frozen=True)
class ConsentLink:
    case: Case
    record_pk: int | None  # the latest consent record when the link was mailed

    @property
    def superseded(self) -> bool:
        """A consent decision was recorded after the link was mailed (e.g. withdrawn by phone)."""
        return consent_link_superseded(self.case, self.record_pk)


def consent_link_superseded(case: Case, record_pk: int | None) -> bool:
    if record_pk is None:  # a link mailed before links named the record: no longer trusted
        return True
    return case.consents.filter(pk__gt=record_pk).exists()


def consent_link_case(token: str) -> ConsentLink | None:
    """The case a consent link was sent for, or None when the link is forged or too old."""
    try:
        value = signing.TimestampSigner(salt=CONSENT_LINK_SALT).unsign(
            token, max_age=CONSENT_LINK_MAX_AGE
        )
    except signing.BadSignature:
        return None
    pk, _sep, record = value.partition(":")
    case = Case.objects.filter(pk=pk).first()
    if case is None:
        return None
    return ConsentLink(case=case, record_pk=int(record) if record else None)


def consent_request_send(*, case: Case, by: User | None) -> None:
    """Mail the requester a signed link to the purpose notice and the consent form.

    The mail is a contact with the requester, so it counts as the first response.
    """
    address = case.contact_email
    if not address:
        raise InvalidTransition(_("相談者のメールアドレスがないため送れません。"))
    if not case.is_open:
        raise InvalidTransition(_("終了した相談には送れません。"))
    with transaction.atomic():
        _mail_requester_link(
            case, "consent_request", "consent_url", "cases_public:consent", consent_link_token(case)
        )
        case_event_record(case=case, action="consent_requested", by=by, comment=address)
        case_first_response_record(case=case)


def consent_give_by_link(*, link: ConsentLink, notice: PurposeNotice) -> ConsentRecord:
    """The requester consents through the mailed link, having been shown `notice`.

    Refused once any consent decision was recorded after the link was mailed: a requester who
    withdrew or refused by phone must not re-grant consent with an older mail.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=link.case.pk)
        if consent_link_superseded(case, link.record_pk):
            raise ConsentLinkSuperseded(consent_link_superseded_message())
        if not case.is_open:
            raise InvalidTransition(_("このご相談は終了しています。"))
        return consent_record(
            case=case,
            by=None,
            given=True,
            method=ConsentRecord.Method.LINK,
            notice=notice,
        )

"""Every write to cases goes through here (public form, staff admin, partner portal, import)."""

import datetime as dt
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

import jaconv
import phonenumbers

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import Organisation, Person
from crm.services import likely_list, requester_resolve
from dxcenter.common.dates import add_business_days, fiscal_year_of, format_date_ja
from dxcenter.common.mail import outbox_add
from dxcenter.common.models import Municipality, PurposeNotice
from partners.models import Advisor, PartnerCompany

from .exceptions import ConsentLinkSuperseded, InvalidTransition, ReferralNotConsented
from .models import (
    Assignment,
    Case,
    CaseEvent,
    CaseSurvey,
    ConsentRecord,
    Note,
)
from .staff_work import case_owner_claim, staff_new_case_notify

Status = Case.Status

# The life cycle of DOMAIN.md: withdrawn is reachable from every open state; staff may answer
# directly (triage → in_progress) without referring the case.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.TRIAGE, Status.WITHDRAWN},
    Status.TRIAGE: {Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.TRIAGE, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.CLOSED, Status.TRIAGE, Status.WITHDRAWN},
    Status.CLOSED: set(),
    Status.WITHDRAWN: set(),
}


def normalise_kana(value: str) -> str:
    """フリガナ in full-width katakana whatever the person typed (hiragana, half-width)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    return jaconv.hira2kata(value)


def normalise_phone(value: str) -> str:
    """A Japanese phone number in national format (059-224-0000), or ValueError."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "JP")
    except phonenumbers.NumberParseException:
        raise ValueError(_("電話番号の形式が正しくありません。")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("電話番号の形式が正しくありません。"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def case_next_reference(*, fiscal_year: int) -> tuple[int, str]:
    """Next free sequence and reference (DX2022-0007) for a fiscal year."""
    last = Case.objects.filter(fiscal_year=fiscal_year).aggregate(m=Max("sequence"))["m"] or 0
    sequence = last + 1
    return sequence, f"DX{fiscal_year}-{sequence:04d}"


def case_first_response_due(received_on: dt.date) -> dt.date:
    """First response is due N business days after receipt (setting, default 3)."""
    return add_business_days(received_on, settings.DXCENTER_FIRST_RESPONSE_BUSINESS_DAYS)


def case_create(
    *,
    organisation: Organisation,
    received_on: dt.date,
    channel: str,
    category: str,
    subject: str,
    description: str,
    contact: Person | None = None,
    requester_type: str | None = None,
    status: str = Case.Status.NEW,
    by=None,
    **fields,
) -> Case:
    """Create a case with its per-fiscal-year reference number and first-response due date."""
    fiscal_year = fiscal_year_of(received_on)
    first_response_due = fields.pop("first_response_due", None) or case_first_response_due(
        received_on
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                sequence, reference = case_next_reference(fiscal_year=fiscal_year)
                case = Case(
                    reference=reference,
                    fiscal_year=fiscal_year,
                    sequence=sequence,
                    received_on=received_on,
                    channel=channel,
                    requester_type=requester_type or organisation.requester_type,
                    category=category,
                    organisation=organisation,
                    contact=contact,
                    municipality=organisation.municipality,
                    subject=subject,
                    description=description,
                    status=status,
                    first_response_due=first_response_due,
                    **fields,
                )
                case.full_clean()
                case.save()
                CaseEvent.objects.create(
                    case=case, actor=by, action="created", to_status=case.status
                )
                return case
        except IntegrityError:
            # Another request took the same sequence number; take the next one.
            continue
    raise IntegrityError("could not allocate a case reference")


def case_event_record(
    *,
    case: Case,
    action: str,
    by=None,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
) -> CaseEvent:
    """Write one step of the case's timeline."""
    return CaseEvent.objects.create(
        case=case,
        actor=by,
        action=action,
        comment=comment,
        from_status=from_status,
        to_status=to_status,
    )


def case_allowed_transitions(case: Case) -> list[str]:
    return [s for s in Status.values if s in TRANSITIONS[case.status]]


def case_transition(
    *,
    case: Case,
    to_status: str,
    by,
    comment: str = "",
    support_given: str | None = None,
    outcome: str | None = None,
    on: dt.date | None = None,
    notify: bool = True,
) -> Case:
    """Move a case along its life cycle: the one door every path (admin, import, portal) uses.

    Closing needs 対応内容 and 結果, and always creates the requester's survey (mailed unless
    ``notify`` is False, as for a past record being imported). Changing the status never counts
    as the first response: only a recorded contact with the requester does (case_contact_record).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if to_status not in TRANSITIONS.get(case.status, set()):
            raise InvalidTransition(
                _("「{current}」から「{target}」には変更できません。").format(
                    current=Status(case.status).label,
                    target=Status(to_status).label if to_status in Status.values else to_status,
                )
            )
        if to_status == Status.WITHDRAWN and not comment.strip():
            raise InvalidTransition(_("取下げの理由を入力してください。"))
        if support_given is not None and support_given.strip():
            case.support_given = support_given.strip()
        if outcome is not None and outcome.strip():
            case.outcome = outcome.strip()
        if to_status == Status.CLOSED and not (case.support_given.strip() and case.outcome.strip()):
            raise InvalidTransition(_("完了にするには対応内容と結果を入力してください。"))
        previous = case.status
        case.status = to_status
        if to_status == Status.TRIAGE:
            case_owner_claim(case=case, by=by)
        if to_status == Status.CLOSED and case.closed_on is None:
            case.closed_on = on or timezone.localdate()
        case._change_reason = comment[:100]
        case.full_clean()
        case.save()
        case_event_record(
            case=case,
            action="transition",
            by=by,
            comment=comment,
            from_status=previous,
            to_status=to_status,
        )
        if to_status == Status.CLOSED:
            _case_survey_create(case=case, notify=notify)
    return case


def _mail_requester_link(case: Case, template: str, url_key: str, path: str) -> None:
    """Mail the requester a link, naming the request only by reference and category: the
    address was typed on a public form and nobody has verified it."""
    language = case.language
    outbox_add(
        to=case.contact.email,
        template=template,
        language=language,
        related=case,
        related_label=case.reference,
        context={
            "reference": case.reference,
            "category": _label_in(case.get_category_display, language),
            url_key: _absolute(f"/{'en/' if language == 'en' else ''}{path}"),
        },
    )


def _case_survey_create(*, case: Case, notify: bool) -> CaseSurvey:
    survey, created = CaseSurvey.objects.get_or_create(
        case=case, defaults={"token": secrets.token_urlsafe(24)}
    )
    contact = case.contact
    if created and notify and contact and contact.email:
        _mail_requester_link(case, "case_survey", "survey_url", f"survey/case/{survey.token}/")
        survey.sent_at = timezone.now()
        survey.save(update_fields=["sent_at"])
    return survey


def case_first_response_record(*, case: Case, on: dt.date | None = None) -> None:
    """The first contact with the requester is the first response (once)."""
    Case.objects.filter(pk=case.pk, first_responded_on__isnull=True).update(
        first_responded_on=on or timezone.localdate()
    )
    case.refresh_from_db(fields=["first_responded_on"])


def case_contact_record(*, case: Case, by, kind: str, body: str, on: dt.date | None = None) -> Note:
    """A contact with the requester (call, mail sent, meeting): a note, and the first response."""
    if kind not in Note.ContactKind.values:
        raise InvalidTransition(_("連絡の方法を選んでください。"))
    if not body.strip():
        raise InvalidTransition(_("メモの内容を入力してください。"))
    with transaction.atomic():
        note = Note(
            case=case,
            author=by,
            body=body.strip(),
            visibility=Note.Visibility.INTERNAL,
            contact=kind,
        )
        note.full_clean()
        note.save()
        case_event_record(
            case=case,
            action="contact",
            by=by,
            comment=f"{Note.ContactKind(kind).label}: {note.body[:200]}",
        )
        case_first_response_record(case=case, on=on)
    return note


def case_submit(
    *,
    requester_type: str,
    organisation_name: str,
    industry: str,
    municipality: Municipality | None,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    email: str,
    phone: str,
    category: str,
    subject: str,
    description: str,
    referral_consent: bool,
    notice: PurposeNotice,
    language: str = "ja",
    channel: str = Case.Channel.WEB,
    received_on: dt.date | None = None,
    corporate_number: str = "",
    by=None,
) -> Case:
    """Take a consultation: requester, contact, case, consent record and confirmation mail.

    The same consultation posted again from the web within a few minutes (same address, same
    text: a double click, a reload, a second try after a slow answer) is the case taken the
    first time: it is returned as it is, with no second case and no second mail.
    """
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        if channel == Case.Channel.WEB:
            earlier = _recent_duplicate(email=email, description=description)
            if earlier is not None:
                return earlier
        # The CRM finds the requester's existing records (issue 18): sure matches are reused,
        # likely ones are new records listed for staff under 重複の可能性 below.
        organisation, contact, likely = requester_resolve(
            source="intake" if channel == Case.Channel.WEB else "staff",
            organisation_fields={
                "name": organisation_name,
                "requester_type": requester_type,
                "industry": industry,
                "municipality": municipality,
                "corporate_number": corporate_number,
            },
            person_fields={
                "family_name": family_name.strip(),
                "given_name": given_name.strip(),
                "family_name_kana": normalise_kana(family_name_kana),
                "given_name_kana": normalise_kana(given_name_kana),
                "email": email.strip().lower(),
                "phone": normalise_phone(phone),
            },
        )
        case = case_create(
            organisation=organisation,
            contact=contact,
            received_on=received_on,
            channel=channel,
            category=category,
            subject=subject.strip(),
            description=description.strip(),
            language="en" if language == "en" else "ja",
            by=by,
        )
        consent = ConsentRecord(
            case=case,
            notice=notice,
            acknowledged_purpose=True,
            referral_consent=referral_consent,
            channel=channel if channel in ConsentRecord.Method.values else "web",
            recorded_by=by,
        )
        consent.full_clean()
        consent.save()
        likely_list(
            likely, source="intake" if channel == Case.Channel.WEB else "staff", subject=case
        )
        staff_new_case_notify(case=case)
        if contact.email:
            outbox_add(
                to=contact.email,
                template="case_received",
                language=language,
                related=case,
                related_label=case.reference,
                # Nobody has verified this address: the mail identifies the request and
                # repeats nothing the sender typed (name, subject), so the form cannot be used
                # to send the center's mail with someone's own text to anyone.
                context={
                    "reference": case.reference,
                    "category": _label_in(case.get_category_display, language),
                    "received_on": format_date_ja(case.received_on)
                    if language == "ja"
                    else case.received_on.isoformat(),
                    "due_date": format_date_ja(case.first_response_due)
                    if language == "ja"
                    else case.first_response_due.isoformat(),
                    "referral_consent": referral_consent,
                },
            )
    return case


def _recent_duplicate(*, email: str, description: str) -> Case | None:
    """A web consultation with this address and text taken in the last few minutes."""
    email = email.strip().lower()
    description = description.strip()
    if not email:
        return None
    if connection.vendor == "postgresql":
        # Two identical posts at the same moment: the second waits for the first to commit.
        digest = hashlib.sha256(f"{email}\n{description}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )
    since = timezone.now() - dt.timedelta(minutes=settings.DXCENTER_DUPLICATE_CONSULTATION_MINUTES)
    return (
        Case.objects.filter(
            channel=Case.Channel.WEB,
            contact__email=email,
            description=description,
            created_at__gte=since,
        )
        .order_by("created_at")
        .first()
    )


def case_update(*, case: Case, by, **fields) -> Case:
    """Staff edit of a case's descriptive fields (status changes go through case_transition)."""
    allowed = {
        "category",
        "requester_type",
        "subject",
        "description",
        "support_given",
        "outcome",
        "is_report_example",
        "handled_by",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(case, name, value)
        case.full_clean()
        case.save()
        case_event_record(case=case, action="updated", by=by, comment=", ".join(sorted(fields)))
    return case


def case_note_add(
    *, case: Case, by, body: str, visibility: str = Note.Visibility.INTERNAL, assignment=None
) -> Note:
    """Add a note to a case: internal to staff, or shared with the assignees."""
    with transaction.atomic():
        note = Note(
            case=case, author=by, body=body.strip(), visibility=visibility, assignment=assignment
        )
        note.full_clean()
        note.save()
        case_event_record(case=case, action="note", by=by, comment=note.body[:200])
    return note


def case_close(*, case: Case, by, support_given: str, outcome: str = "") -> Case:
    """Close a case with the support given and its result; the requester is asked about it."""
    return case_transition(
        case=case,
        to_status=Status.CLOSED,
        by=by,
        comment=outcome,
        support_given=support_given,
        outcome=outcome,
    )


def _label_in(label, language: str) -> str:
    """A choice label in the requester's language (the mail is rendered later)."""
    with translation.override("en" if language == "en" else "ja"):
        return str(label())


def _absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def case_survey_answer(
    *, survey: CaseSurvey, helpful: bool, satisfaction: int, comment: str = ""
) -> CaseSurvey:
    """Record the requester's answer; a survey is answered once, and only if it was mailed."""
    if survey.sent_at is None:
        raise InvalidTransition(_("このアンケートはお送りしていません。"))
    if survey.answered_at is not None:
        raise InvalidTransition(_("このアンケートには既にご回答いただいています。"))
    survey.helpful = helpful
    survey.satisfaction = satisfaction
    survey.comment = comment.strip()
    survey.answered_at = timezone.now()
    survey.full_clean()
    survey.save()
    return survey


# --- referrals ---


def _assignee_email(assignment: Assignment) -> list[str]:
    if assignment.advisor_id:
        advisor = assignment.advisor
        emails = [advisor.email or (advisor.user.email if advisor.user else "")]
    else:
        company = assignment.company
        emails = [m.user.email for m in company.members.select_related("user") if m.user.email]
        if not emails and company.email:
            emails = [company.email]
    return [e for e in emails if e]


def assignee_mail(*, assignment: Assignment, template: str, **context) -> None:
    """Mail every address of an assignee about its referral (the portal link included)."""
    case = assignment.case
    for address in _assignee_email(assignment):
        outbox_add(
            to=address,
            template=template,
            related=case,
            related_label=case.reference,
            context={
                "reference": case.reference,
                "subject": case.subject,
                "assignee": str(assignment.assignee),
                "portal_url": _absolute(f"/partner/assignments/{assignment.pk}/"),
                **context,
            },
        )


def _staff_mail(*, template: str, assignment: Assignment, context: dict) -> None:
    outbox_add(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=template,
        related=assignment.case,
        related_label=assignment.case.reference,
        context={
            "reference": assignment.case.reference,
            "subject": assignment.case.subject,
            "assignee": str(assignment.assignee),
            **context,
        },
    )


def case_assign(
    *, case: Case, assignee: Advisor | PartnerCompany, by, note: str = ""
) -> Assignment:
    """Refer a case to an advisor or partner and queue the notification."""
    from .selectors import case_can_refer

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case_can_refer(case):
            raise ReferralNotConsented(
                _("相談者がアドバイザー・パートナーへの提供に同意していないため、紹介できません。")
            )
        if case.status not in (Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS):
            raise InvalidTransition(
                _("「{status}」の案件は紹介できません。先に確認中にしてください。").format(
                    status=case.get_status_display()
                )
            )
        field = "advisor" if isinstance(assignee, Advisor) else "company"
        if case.assignments.filter(
            **{field: assignee}, state__in=[Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
        ).exists():
            raise InvalidTransition(_("この紹介先には既に依頼しています。"))
        assignment = Assignment(
            case=case,
            note=note.strip(),
            assigned_by=by,
            respond_by=add_business_days(
                timezone.localdate(), settings.DXCENTER_ACCEPTANCE_BUSINESS_DAYS
            ),
            **{field: assignee},
        )
        assignment.full_clean()
        assignment.save()
        case_event_record(case=case, action="assigned", by=by, comment=str(assignee))
        if case.status == Status.TRIAGE:
            case_transition(case=case, to_status=Status.ASSIGNED, by=by, comment=str(assignee))
        assignee_mail(
            assignment=assignment,
            template="assignment_new",
            respond_by=format_date_ja(assignment.respond_by),
            note=assignment.note,
        )
    return assignment


def assignment_refusal(assignment: Assignment, *, states) -> str | None:
    """Why the assignee cannot act: the assignment is not in `states`, or the case has ended."""
    if assignment.state not in states:
        return _("この紹介は「{state}」のため、この操作はできません。").format(
            state=assignment.get_state_display()
        )
    if not assignment.case.is_open:
        return _("この相談は「{status}」のため、この操作はできません。").format(
            status=assignment.case.get_status_display()
        )
    return None


def _locked_assignment(assignment: Assignment, *, states: set[str]) -> Assignment:
    """The assignment, locked, if it is in one of `states` and its case is still open.

    Lock order, the same in every service: the case row first, then its assignments
    (consent_record and case_assign do so too). Taking them the other way round here would
    deadlock on PostgreSQL against a withdrawal recorded at the same moment.
    """
    case_pk = Assignment.objects.values_list("case_id", flat=True).get(pk=assignment.pk)
    Case.objects.select_for_update().only("pk").get(pk=case_pk)
    locked = Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
    refusal = assignment_refusal(locked, states=states)
    if refusal:
        raise InvalidTransition(refusal)
    return locked


def assignment_accept(*, assignment: Assignment, by) -> Assignment:
    """The assignee takes the case on; the case is in progress."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.PROPOSED})
        assignment.state = Assignment.State.ACCEPTED
        assignment.responded_at = timezone.now()
        assignment.save()
        case = assignment.case
        case_event_record(case=case, action="accepted", by=by, comment=str(assignment.assignee))
        if case.status == Status.ASSIGNED:
            case_transition(case=case, to_status=Status.IN_PROGRESS, by=by)
        _staff_mail(template="assignment_accepted", assignment=assignment, context={})
    return assignment


def assignment_decline(*, assignment: Assignment, by, reason: str) -> Assignment:
    """The assignee declines with a reason; without another referral the case returns to triage."""
    if not reason.strip():
        raise InvalidTransition(_("辞退の理由を入力してください。"))
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.PROPOSED})
        assignment.state = Assignment.State.DECLINED
        assignment.decline_reason = reason.strip()
        assignment.responded_at = timezone.now()
        assignment.save()
        case = assignment.case
        case_event_record(case=case, action="declined", by=by, comment=assignment.decline_reason)
        still_active = case.assignments.filter(
            state__in=[Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
        ).exists()
        if not still_active and case.status in (Status.ASSIGNED, Status.IN_PROGRESS):
            case_transition(
                case=case, to_status=Status.TRIAGE, by=by, comment=assignment.decline_reason
            )
        _staff_mail(
            template="assignment_declined",
            assignment=assignment,
            context={"reason": assignment.decline_reason},
        )
    return assignment


def assignment_note_add(*, assignment: Assignment, by, body: str) -> Note:
    """A progress note from the assignee, shared with staff."""
    if not body.strip():
        raise InvalidTransition(_("内容を入力してください。"))
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.ACCEPTED})
        note = Note(
            case=assignment.case,
            author=by,
            assignment=assignment,
            visibility=Note.Visibility.SHARED,
            body=body.strip(),
        )
        note.full_clean()
        note.save()
        case_event_record(
            case=assignment.case, action="partner_note", by=by, comment=note.body[:200]
        )
    return note


def assignment_resolve(*, assignment: Assignment, by, summary: str) -> Assignment:
    """The assignee reports the support given; staff then close the case."""
    if not summary.strip():
        raise InvalidTransition(_("支援内容を入力してください。"))
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.ACCEPTED})
        assignment.state = Assignment.State.DONE
        assignment.summary = summary.strip()
        assignment.done_at = timezone.now()
        assignment.save()
        case_event_record(
            case=assignment.case, action="resolved", by=by, comment=assignment.summary
        )
        _staff_mail(
            template="assignment_resolved",
            assignment=assignment,
            context={"summary": assignment.summary},
        )
    return assignment


def assignment_attachment_add(*, assignment: Assignment, uploaded, by):
    """A file from the assignee: only while they work on the case (accepted, case open)."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.ACCEPTED})
        return attachment_add(case=assignment.case, assignment=assignment, uploaded=uploaded, by=by)


def attachment_add(*, case: Case, uploaded, by, assignment: Assignment | None = None):
    """Store a checked file privately on the case."""
    from dxcenter.common.uploads import check_upload

    from .models import Attachment

    checked = check_upload(uploaded)
    original = uploaded.name.rsplit("/", 1)[-1][:200]
    stem = original.rsplit(".", 1)[0] if "." in original else original
    with transaction.atomic():
        attachment = Attachment(
            case=case,
            assignment=assignment,
            original_name=f"{stem}.{checked.extension}",
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        attachment.file.save(f"{secrets.token_hex(8)}.{checked.extension}", uploaded, save=False)
        attachment.save()
        case_event_record(case=case, action="attachment", by=by, comment=attachment.original_name)
    return attachment


# --- referral consent: a history ---

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
    by,
    given: bool,
    method: str,
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


def _referrals_end(*, case: Case, by) -> None:
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


def consent_request_send(*, case: Case, by) -> None:
    """Mail the requester a signed link to the purpose notice and the consent form.

    The mail is a contact with the requester, so it counts as the first response.
    """
    contact = case.contact
    if not (contact and contact.email):
        raise InvalidTransition(_("相談者のメールアドレスがないため送れません。"))
    if not case.is_open:
        raise InvalidTransition(_("終了した相談には送れません。"))
    with transaction.atomic():
        _mail_requester_link(
            case, "consent_request", "consent_url", f"consent/case/{consent_link_token(case)}/"
        )
        case_event_record(case=case, action="consent_requested", by=by, comment=contact.email)
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

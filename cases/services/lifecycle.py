"""The life cycle of a case: reference numbers, creation, status changes, notes, closing."""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import add_business_days, fiscal_year_of
from crm.models import Organisation, Person

from ..exceptions import InvalidTransition
from ..models import (
    CLOSED_CASE_FROZEN_FIELDS,
    Assignment,
    Case,
    CaseEvent,
    Note,
)
from ..staff_work import case_owner_claim
from .surveys import _case_survey_create

Status = Case.Status


# The case life cycle: withdrawn is reachable from every open state; staff may answer
# directly (triage → in_progress) without referring the case.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.TRIAGE, Status.WITHDRAWN},
    Status.TRIAGE: {Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.TRIAGE, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.CLOSED, Status.TRIAGE, Status.WITHDRAWN},
    # Reopening (再開, with a reason) is the one way to change a closed case's 対応内容, 結果
    # or category (issue 29); it closes again through 完了.
    Status.CLOSED: {Status.IN_PROGRESS},
    Status.WITHDRAWN: set(),
}


def case_next_reference(*, fiscal_year: int) -> tuple[int, str]:
    """Next free sequence and reference (DX2022-0007) for a fiscal year."""
    last = Case.objects.filter(fiscal_year=fiscal_year).aggregate(m=Max("sequence"))["m"] or 0
    sequence = last + 1
    return sequence, f"DX{fiscal_year}-{sequence:04d}"


def case_first_response_due(received_on: dt.date) -> dt.date:
    """First response is due N business days after receipt (setting, default 3)."""
    return add_business_days(received_on, settings.DXCENTER_FIRST_RESPONSE_BUSINESS_DAYS)


CASE_REFERENCE_LOCK = 20_001  # pg_advisory_xact_lock(key, fiscal year) for reference numbers


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
    by: User | None = None,
    **fields,
) -> Case:
    """Create a case with its per-fiscal-year reference number and first-response due date.

    ``first_response_due=None`` given explicitly means no deadline (a past record imported).
    """
    fiscal_year = fiscal_year_of(received_on)
    if "first_response_due" in fields:
        first_response_due = fields.pop("first_response_due")
    else:
        first_response_due = case_first_response_due(received_on)
    # Mail about the case goes to the address it was taken with, whatever the person's record
    # says later.
    if fields.get("contact_email") is None:
        fields["contact_email"] = contact.email if contact else ""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # One number at a time per fiscal year, until the creating transaction
                    # commits: concurrent consultations (several web nodes) queue here instead of
                    # colliding and retrying.
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT pg_advisory_xact_lock(%s, %s)",
                            [CASE_REFERENCE_LOCK, fiscal_year],
                        )
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
                # The number's uniqueness is the database's to check: a number another request
                # just took is an IntegrityError, and the loop takes the next (a ValidationError
                # from full_clean would escape it as a server error).
                case.full_clean(exclude=["reference", "sequence"])
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
    by: User | None = None,
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
    """The statuses staff may choose by hand: 紹介済 is never one (it follows a referral)."""
    return [s for s in Status.values if s in TRANSITIONS[case.status] and s != Status.ASSIGNED]


def case_transition(
    *,
    case: Case,
    to_status: str,
    by: User | None,
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
        if (
            to_status == Status.ASSIGNED
            and not case.assignments.filter(
                state__in=(Assignment.State.PROPOSED, Assignment.State.ACCEPTED)
            ).exists()
        ):
            # 紹介済 is the consequence of a referral (case_assign), never chosen by hand.
            raise InvalidTransition(_("紹介済にするには、紹介先を依頼してください。"))
        if to_status == Status.WITHDRAWN and not comment.strip():
            raise InvalidTransition(_("取下げの理由を入力してください。"))
        if case.status == Status.CLOSED and not comment.strip():
            raise InvalidTransition(_("再開の理由を入力してください。"))
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
        if previous == Status.CLOSED:
            case.closed_on = None  # reopened: closed again (and counted) when it is done
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


def case_first_response_record(*, case: Case, on: dt.date | None = None) -> None:
    """The first contact with the requester is the first response (once)."""
    Case.objects.filter(pk=case.pk, first_responded_on__isnull=True).update(
        first_responded_on=on or timezone.localdate()
    )
    case.refresh_from_db(fields=["first_responded_on"])


def case_contact_record(
    *,
    case: Case,
    by: User | None,
    kind: Literal["call", "mail", "meeting"],
    body: str,
    on: dt.date | None = None,
) -> Note:
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


# What staff may edit on a case with case_update, in the order the edit form shows it.
CASE_EDITABLE_FIELDS = (
    "contact_email",
    "requester_type",
    "category",
    "subject",
    "description",
    "support_given",
    "outcome",
    "is_report_example",
    "handled_by",
)


def case_update(*, case: Case, by: User | None, **fields) -> Case:
    """Staff edit of a case's descriptive fields (status changes go through case_transition)."""
    unknown = set(fields) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        stored = Case.objects.select_for_update().get(pk=case.pk)
        if stored.status == Status.CLOSED:
            frozen = [
                name
                for name in CLOSED_CASE_FROZEN_FIELDS
                if name in fields and fields[name] != getattr(stored, name)
            ]
            if frozen:
                raise InvalidTransition(
                    _(
                        "完了した相談の対応内容・結果・相談内容区分は、案件を再開してから変更してください。"
                    )
                )
        for name, value in fields.items():
            setattr(case, name, value)
        case.full_clean()
        case.save()
        case_event_record(case=case, action="updated", by=by, comment=", ".join(sorted(fields)))
    return case


def case_note_add(
    *,
    case: Case,
    by: User | None,
    body: str,
    visibility: str = Note.Visibility.INTERNAL,
    assignment=None,
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


def case_close(*, case: Case, by: User | None, support_given: str, outcome: str = "") -> Case:
    """Close a case with the support given and its result; the requester is asked about it."""
    return case_transition(
        case=case,
        to_status=Status.CLOSED,
        by=by,
        comment=outcome,
        support_given=support_given,
        outcome=outcome,
    )

"""Referring a case to an advisor or partner, and the assignee's answers."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import add_business_days, format_date_ja
from common.mail import outbox_add
from partners.models import Advisor, PartnerCompany

from ..exceptions import InvalidTransition, ReferralNotConsented
from ..models import (
    Assignment,
    Case,
    Note,
)
from ..selectors import assignment_refusal, case_can_refer
from .lifecycle import Status, case_event_record, case_transition
from .mails import _staff_mail, assignee_mail


def case_assign(
    *,
    case: Case,
    assignee: Advisor | PartnerCompany,
    by: User | None,
    note: str = "",
    notify: bool = True,
) -> Assignment:
    """Refer a case to an advisor or partner and queue the notification (unless ``notify``)."""
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
        if notify:
            assignee_mail(
                assignment=assignment,
                template="assignment_new",
                respond_by=format_date_ja(assignment.respond_by),
                note=assignment.note,
            )
    return assignment


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


def assignment_accept(
    *, assignment: Assignment, by: User | None, notify: bool = True
) -> Assignment:
    """The assignee takes the case on; the case is in progress (staff told unless ``notify``)."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.PROPOSED})
        assignment.state = Assignment.State.ACCEPTED
        assignment.responded_at = timezone.now()
        assignment.save()
        case = assignment.case
        case_event_record(case=case, action="accepted", by=by, comment=str(assignment.assignee))
        if case.status == Status.ASSIGNED:
            case_transition(case=case, to_status=Status.IN_PROGRESS, by=by)
        if notify:
            _staff_mail(template="assignment_accepted", assignment=assignment, context={})
    return assignment


def assignment_decline(*, assignment: Assignment, by: User | None, reason: str) -> Assignment:
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


def assignment_note_add(*, assignment: Assignment, by: User | None, body: str) -> Note:
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


def assignment_resolve(*, assignment: Assignment, by: User | None, summary: str) -> Assignment:
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


def assignment_remind(*, assignment: Assignment, now: dt.datetime) -> None:
    """Mail the assignee that the answer to an offer is due, once."""
    with transaction.atomic():
        assignee_mail(
            assignment=assignment,
            template="assignment_reminder",
            respond_by=format_date_ja(assignment.respond_by),
        )
        assignment.reminded_at = now
        assignment.save(update_fields=["reminded_at"])


def assignment_escalate(*, assignment: Assignment, now: dt.datetime) -> None:
    """Tell staff that an offer went unanswered past its date, once."""
    with transaction.atomic():
        outbox_add(
            to=settings.STAFF_NOTIFICATION_EMAIL,
            template="assignment_overdue",
            context={
                "reference": assignment.case.reference,
                "assignee": str(assignment.assignee),
                "respond_by": format_date_ja(assignment.respond_by),
            },
            related=assignment.case,
            related_label=assignment.case.reference,
        )
        assignment.escalated_at = now
        assignment.save(update_fields=["escalated_at"])


def assignment_import(
    *,
    case: Case,
    advisor: Advisor | None,
    company: PartnerCompany | None,
    closed: bool,
    summary: str,
    by: User | None,
) -> Assignment:
    """Record a referral from a past spreadsheet: already answered, so no offer and no mail.

    Unlike ``case_assign`` it asks no consent and mails nobody: the referral happened before
    the records came here.
    """
    return Assignment.objects.create(
        case=case,
        advisor=advisor,
        company=company,
        state=Assignment.State.DONE if closed else Assignment.State.ACCEPTED,
        assigned_by=by,
        responded_at=timezone.now(),
        summary=summary if closed else "",
    )

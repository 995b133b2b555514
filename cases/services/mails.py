"""Mails about a case: the requester's links, the assignee's referral mails, staff notices."""

from django.conf import settings
from django.utils import translation

from common.dates import format_date_ja
from common.links import absolute_url
from common.mail import outbox_add

from ..models import (
    Assignment,
    Case,
)


def requester_mail(*, case: Case, template: str, **context) -> None:
    """Mail the requester, naming the request only by reference and category: the address was
    typed on a public form and nobody has verified it, so the mail repeats nothing the sender
    typed (name, subject) and the form cannot send the center's mail with someone's text.

    The address is the case's own (``Case.contact_email``: typed for this case, or confirmed by
    staff), never the contact person's current one, which another submission or a merge may
    have brought.
    """
    language = case.language
    outbox_add(
        to=case.contact_email,
        template=template,
        language=language,
        related=case,
        related_label=case.reference,
        context={
            "reference": case.reference,
            "category": _label_in(case.get_category_display, language),
            **context,
        },
    )


def _mail_requester_link(
    case: Case, template: str, url_key: str, viewname: str, token: str
) -> None:
    """Mail the requester a link (survey, consent request) in their language."""
    url = absolute_url(viewname, args=[token], language=case.language)
    requester_mail(case=case, template=template, **{url_key: url})


def date_in(day, language: str) -> str:
    """A date as the reader's language writes it: 令和8年4月1日 or 2026-04-01."""
    return format_date_ja(day) if language == "ja" else day.isoformat()


def _label_in(label, language: str) -> str:
    """A choice label in the requester's language (the mail is rendered later)."""
    with translation.override("en" if language == "en" else "ja"):
        return str(label())


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
                "portal_url": absolute_url("partner:assignment", args=[assignment.pk]),
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

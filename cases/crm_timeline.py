"""What cases show on a CRM organisation's or person's timeline (registered in apps.ready).

Each provider names the permissions needed to open what its entries point to; crm shows them
only to a user who holds them."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from common.models import OutboxMessage
from crm.timeline import Entry, consent_provider, timeline_provider

from .models import Assignment, Case, CaseSurvey, ConsentRecord
from .selectors import NOTE_PERMS, notes_visible_to

CASE_PERMS = ("cases.view_case",)


def _cases(organisation, people) -> dict:
    cases = (
        Case.objects.filter(organisation=organisation)
        if organisation is not None
        else Case.objects.filter(contact__in=people)
    ).select_related("contact")
    return {case.pk: case for case in cases}


def _case_url(case_id) -> str:
    return reverse("cases:inspect", args=[case_id])


@timeline_provider(perms=CASE_PERMS)
def case_entries(*, organisation, people, user):
    for case in _cases(organisation, people).values():
        yield Entry(
            case.created_at,
            "case",
            f"{case.reference} {case.subject}",
            detail=f"{case.get_category_display()}・{case.get_status_display()}",
            url=_case_url(case.pk),
            person=case.contact,
        )


@timeline_provider(perms=(*CASE_PERMS, "cases.view_assignment"))
def referral_entries(*, organisation, people, user):
    by_pk = _cases(organisation, people)
    for assignment in Assignment.objects.filter(case__in=by_pk).select_related(
        "advisor", "company"
    ):
        yield Entry(
            assignment.created_at,
            "referral",
            _("%(ref)s を %(to)s に紹介")
            % {
                "ref": by_pk[assignment.case_id].reference,
                "to": assignment.advisor or assignment.company,
            },
            detail=assignment.get_state_display(),
            url=_case_url(assignment.case_id),
        )


@timeline_provider(perms=NOTE_PERMS)
def note_entries(*, organisation, people, user):
    by_pk = _cases(organisation, people)
    notes = notes_visible_to(user=user).filter(case__in=by_pk).select_related("author")
    for note in notes:
        yield Entry(
            note.created_at,
            "note",
            _("%(ref)s のメモ") % {"ref": by_pk[note.case_id].reference},
            detail=note.body,
            url=_case_url(note.case_id),
        )


@timeline_provider(perms=(*CASE_PERMS, "cases.view_casesurvey"))
def survey_entries(*, organisation, people, user):
    by_pk = _cases(organisation, people)
    for survey in CaseSurvey.objects.filter(case__in=by_pk, answered_at__isnull=False):
        yield Entry(
            survey.answered_at,
            "survey",
            _("%(ref)s のアンケートに回答") % {"ref": by_pk[survey.case_id].reference},
            detail=_("満足度 %(n)s") % {"n": survey.satisfaction or "-"},
        )


@timeline_provider(perms=(*CASE_PERMS, "common.view_outboxmessage"))
def mail_entries(*, organisation, people, user):
    by_pk = _cases(organisation, people)
    mails = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Case),
        related_id__in=[str(pk) for pk in by_pk],
        sent_at__isnull=False,
    )
    for mail in mails:
        yield Entry(mail.sent_at, "mail", mail.subject or mail.template, detail=mail.related_label)


@consent_provider(perms=(*CASE_PERMS, "cases.view_consentrecord"))
def referral_consents(*, organisation, people, user):
    """Per case, the latest referral-consent decision (the one in force)."""
    by_pk = _cases(organisation, people)
    latest = {}
    for record in ConsentRecord.objects.filter(case__in=by_pk).order_by("case_id", "pk"):
        latest[record.case_id] = record
    for case_id, record in latest.items():
        consents = record.referral_consent and not record.withdrawal
        yield Entry(
            record.given_at,
            "consent",
            _("%(ref)s: アドバイザー・パートナーへの提供") % {"ref": by_pk[case_id].reference},
            detail=_("同意あり") if consents else _("同意なし"),
            url=_case_url(case_id),
        )

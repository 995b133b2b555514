"""What cases show on a CRM organisation's or person's timeline (registered in apps.ready)."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.timeline import Entry, consent_provider, timeline_provider
from dxcenter.common.models import OutboxMessage

from .models import Assignment, Case, CaseSurvey, ConsentRecord, Note


@timeline_provider
def case_entries(*, organisation, people):
    cases = (
        Case.objects.filter(organisation=organisation)
        if organisation is not None
        else Case.objects.filter(contact__in=people)
    ).select_related("contact")
    cases = list(cases)
    by_pk = {c.pk: c for c in cases}
    for case in cases:
        yield Entry(
            case.created_at,
            "case",
            f"{case.reference} {case.subject}",
            detail=f"{case.get_category_display()}・{case.get_status_display()}",
            url=reverse("cases:inspect", args=[case.pk]),
            person=case.contact,
        )
    for assignment in Assignment.objects.filter(case__in=cases).select_related(
        "advisor", "company"
    ):
        case = by_pk[assignment.case_id]
        yield Entry(
            assignment.created_at,
            "referral",
            _("%(ref)s を %(to)s に紹介")
            % {"ref": case.reference, "to": assignment.advisor or assignment.company},
            detail=assignment.get_state_display(),
            url=reverse("cases:inspect", args=[case.pk]),
        )
    for note in Note.objects.filter(case__in=cases).select_related("author"):
        yield Entry(
            note.created_at,
            "note",
            _("%(ref)s のメモ") % {"ref": by_pk[note.case_id].reference},
            detail=note.body,
            url=reverse("cases:inspect", args=[note.case_id]),
        )
    for survey in CaseSurvey.objects.filter(case__in=cases, answered_at__isnull=False):
        yield Entry(
            survey.answered_at,
            "survey",
            _("%(ref)s のアンケートに回答") % {"ref": by_pk[survey.case_id].reference},
            detail=_("満足度 %(n)s") % {"n": survey.satisfaction or "-"},
        )
    mails = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Case),
        related_id__in=[str(pk) for pk in by_pk],
        sent_at__isnull=False,
    )
    for mail in mails:
        yield Entry(mail.sent_at, "mail", mail.subject or mail.template, detail=mail.related_label)


@consent_provider
def referral_consents(*, organisation, people):
    """Per case, the latest referral-consent decision (the one in force)."""
    cases = (
        Case.objects.filter(organisation=organisation)
        if organisation is not None
        else Case.objects.filter(contact__in=people)
    )
    latest = {}
    for record in ConsentRecord.objects.filter(case__in=cases).order_by("case_id", "pk"):
        latest[record.case_id] = record
    references = dict(cases.values_list("pk", "reference"))
    for case_id, record in latest.items():
        consents = record.referral_consent and not record.withdrawal
        yield Entry(
            record.given_at,
            "consent",
            _("%(ref)s: アドバイザー・パートナーへの提供") % {"ref": references[case_id]},
            detail=_("同意あり") if consents else _("同意なし"),
            url=reverse("cases:inspect", args=[case_id]),
        )

"""Retention of case personal data: anonymised N fiscal years after the case ended.

What goes: the contact person (names, kana, email, phone) and the organisation's name (by the
CRM area, when nothing else holds them), free text
that may name people (subject, description, notes, referral notes, consent notes, timeline
comments, survey comments), attachments, and the address and content of the mails about the case. What stays: every code,
date, state and count the statistics read, and the text of cases staff chose as examples for
the yearly report (published text, written without personal data).
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from common.areas import RetentionRun
from common.dates import fiscal_year_of, fiscal_year_range
from common.models import OutboxMessage
from common.retention import blank_filled, history_of

from .models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseSurvey,
    ConsentRecord,
    Note,
)

Status = Case.Status


def case_retention_start(today: dt.date) -> dt.date:
    """Cases that ended before this day are past retention (N whole fiscal years before this one)."""
    years = settings.DXCENTER_CASE_RETENTION_FISCAL_YEARS
    return fiscal_year_range(fiscal_year_of(today) - years)[0]


def case_expired_q(today: dt.date) -> Q:
    """Closed or withdrawn cases that ended before the retention start."""
    start = case_retention_start(today)
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    withdrawn_late = CaseEvent.objects.filter(
        case=OuterRef("pk"), to_status=Status.WITHDRAWN, at__gte=start_at
    )
    return (
        Q(status=Status.CLOSED, closed_on__lt=start)
        | Q(status=Status.CLOSED, closed_on__isnull=True, received_on__lt=start)
        # Withdrawal sets no date on the case; its timeline event tells when it happened.
        | (Q(status=Status.WITHDRAWN, received_on__lt=start) & ~Exists(withdrawn_late))
    )


def cases_anonymise(run: RetentionRun) -> dict[str, int]:
    """Anonymise the cases past retention; release their people and organisations to the CRM.

    The CRM area (crm/personal_data.py) anonymises a released person or organisation unless
    another record still holds them: someone who also appears on a newer case, or on a seminar
    registration still kept, keeps their details for it.
    """
    today = run.today
    now = timezone.now()
    expired = Case.objects.filter(case_expired_q(today))
    case_ids = list(expired.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    run.people.update(expired.exclude(contact=None).values_list("contact_id", flat=True))
    run.organisations.update(
        expired.exclude(organisation=None).values_list("organisation_id", flat=True)
    )

    attachments = _attachments_delete(case_ids)
    mails = _mails_blank(case_ids)
    for queryset in (
        Case.objects.filter(pk__in=case_ids, is_report_example=False),
        history_of(Case, case_ids).filter(is_report_example=False),
    ):
        # The subject is the requester's own words as much as the description.
        blank_filled(queryset, "subject", "description")
    # The address the case's mails went to is the requester's as much as the contact's is.
    # The one search keeps only the reference (search_key held the address too).
    Case.objects.filter(pk__in=case_ids).update(
        anonymised_at=now, contact_email="", search_key=Lower("reference")
    )
    history_of(Case, case_ids).update(anonymised_at=now, contact_email="")
    for model, fields in (
        (Note, ["body"]),
        (Assignment, ["note", "decline_reason", "summary"]),
        # Staff's note on a consent step often names who called and from which number.
        (ConsentRecord, ["note"]),
    ):
        pks = list(model.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
        blank_filled(model.objects.filter(pk__in=pks), *fields)
        blank_filled(history_of(model, pks), *fields)
    blank_filled(CaseEvent.objects.filter(case_id__in=case_ids), "comment")
    blank_filled(CaseSurvey.objects.filter(case_id__in=case_ids), "comment")
    survey_ids = CaseSurvey.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
    blank_filled(history_of(CaseSurvey, survey_ids), "comment")
    return {"cases": len(case_ids), "attachments": attachments, "case_mails": mails}


def case_people_held(today: dt.date) -> set[int]:
    """Contacts of the cases not past retention (open ones included)."""
    kept = Case.objects.exclude(case_expired_q(today)).exclude(contact=None)
    return set(kept.values_list("contact_id", flat=True))


def case_organisations_held(today: dt.date) -> set[int]:
    kept = Case.objects.exclude(case_expired_q(today)).exclude(organisation=None)
    return set(kept.values_list("organisation_id", flat=True))


def _attachments_delete(case_ids: list[int]) -> int:
    """Remove the rows now and the files once the transaction commits (a dry run keeps them)."""
    attachments = list(Attachment.objects.filter(case_id__in=case_ids))
    names = [a.file.name for a in attachments if a.file]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    # The change history names the files (often the requester's own file names): gone too.
    history_of(Attachment, [a.pk for a in attachments]).delete()
    storage = Attachment._meta.get_field("file").storage

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(attachments)


def _mails_blank(case_ids: list[int]) -> int:
    """Mails about these cases keep their type and dates, not the address or what they said."""
    mails = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Case),
        related_id__in=[str(pk) for pk in case_ids],
    )
    return mails.update(to_email="", context={}, attachments=[])

"""Retention of case personal data: anonymised N fiscal years after the case ended.

What goes: the contact person (names, kana, email, phone), the organisation's name, free text
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
from django.utils import timezone

from crm.models import Activity, MergeRecord, Organisation, Person
from dxcenter.common.dates import fiscal_year_of, fiscal_year_range
from dxcenter.common.models import OutboxMessage
from dxcenter.common.retention import REMOVED, blank_filled, history_of, retention_policy

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


@retention_policy("cases")
def cases_anonymise(today: dt.date) -> dict[str, int]:
    """Anonymise the cases past retention, and people and organisations only on such cases."""
    now = timezone.now()
    expired = Case.objects.filter(case_expired_q(today))
    kept = Case.objects.exclude(case_expired_q(today))
    case_ids = list(expired.filter(anonymised_at__isnull=True).values_list("pk", flat=True))

    # Someone who also appears on a newer case keeps their details for that case.
    contacts = Person.objects.filter(
        Exists(expired.filter(contact=OuterRef("pk"))),
        ~Exists(kept.filter(contact=OuterRef("pk"))),
        anonymised_at__isnull=True,
    )
    contact_ids = list(contacts.values_list("pk", flat=True))
    organisations = Organisation.objects.filter(
        Exists(expired.filter(organisation=OuterRef("pk"))),
        ~Exists(kept.filter(organisation=OuterRef("pk"))),
    ).exclude(name=REMOVED)
    organisation_ids = list(organisations.values_list("pk", flat=True))

    attachments = _attachments_delete(case_ids)
    mails = _mails_blank(case_ids)
    for queryset in (
        Case.objects.filter(pk__in=case_ids, is_report_example=False),
        history_of(Case, case_ids).filter(is_report_example=False),
    ):
        # The subject is the requester's own words as much as the description.
        blank_filled(queryset, "subject", "description")
    Case.objects.filter(pk__in=case_ids).update(anonymised_at=now)
    history_of(Case, case_ids).update(anonymised_at=now)
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

    contact_values = {
        "family_name": REMOVED,
        "given_name": "",
        "family_name_kana": "",
        "given_name_kana": "",
        "email": "",
        "phone": "",
        # The CRM's matching columns (issue 18) hold the same personal data, folded.
        "name_normalised": "",
        "email_normalised": "",
        "phone_e164": "",
        "anonymised_at": now,
    }
    Person.objects.filter(pk__in=contact_ids).update(**contact_values)
    history_of(Person, contact_ids).update(**contact_values)
    removed = {"name": REMOVED, "name_normalised": ""}
    Organisation.objects.filter(pk__in=organisation_ids).update(**removed)
    history_of(Organisation, organisation_ids).update(**removed)
    # A merge keeps a snapshot of the merged record: it goes with the survivor.
    merges = MergeRecord.objects.filter(
        Q(survivor_organisation_id__in=organisation_ids) | Q(survivor_person_id__in=contact_ids)
    )
    merge_ids = list(merges.values_list("pk", flat=True))
    for queryset in (
        MergeRecord.objects.filter(pk__in=merge_ids),
        history_of(MergeRecord, merge_ids),
    ):
        queryset.update(merged_label=REMOVED, snapshot={})
    # What staff wrote about a call or a visit names people as much as a case note does.
    activity_ids = list(
        Activity.objects.filter(organisation_id__in=organisation_ids).values_list("pk", flat=True)
    )
    blank_filled(Activity.objects.filter(pk__in=activity_ids), "note")
    blank_filled(history_of(Activity, activity_ids), "note")
    return {
        "cases": len(case_ids),
        "contacts": len(contact_ids),
        "organisations": len(organisation_ids),
        "attachments": attachments,
        "case_mails": mails,
    }


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

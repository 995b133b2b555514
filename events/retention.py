"""Retention of seminar registrations: anonymised M years after the seminar ended.

Name, kana, email, organisation, question, survey comment and the mails sent to the person go;
status, mode, check-in, requester type, municipality and survey scores stay for the statistics.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from common.models import OutboxMessage
from common.retention import REMOVED, blank_filled, history_of, years_before

from .models import Registration, Seminar, SeminarSurvey


def registration_retention_start(today: dt.date) -> dt.datetime:
    """Registrations of seminars that ended before this moment are past retention."""
    start = years_before(today, settings.DXCENTER_REGISTRATION_RETENTION_YEARS)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def registrations_anonymise(today: dt.date, people: set[int]) -> dict[str, int]:
    """Blank the personal data of registrations for seminars past retention.

    Their CRM people are added to `people` (released): the CRM area anonymises them too unless
    another record still holds them.
    """
    now = timezone.now()
    due = Registration.objects.filter(
        seminar__ends_at__lt=registration_retention_start(today), anonymised_at__isnull=True
    )
    rows = list(due.values_list("pk", "seminar_id"))
    ids = [pk for pk, _seminar in rows]
    people.update(due.exclude(person=None).values_list("person_id", flat=True))
    values = {
        "name": REMOVED,
        "name_kana": "",
        "organisation": "",
        "question": "",
        # The link to the CRM person would name the registrant again.
        "person": None,
        "anonymised_at": now,
    }
    # One active registration per address and seminar is a constraint: each row gets its own
    # unroutable placeholder (.invalid is reserved, RFC 2606).
    placeholder = Concat(
        Value("anonymised-"), Cast(F("pk"), CharField()), Value("@example.invalid")
    )
    Registration.objects.filter(pk__in=ids).update(email=placeholder, search_key="", **values)
    history_of(Registration, ids).update(email="", **values)
    blank_filled(SeminarSurvey.objects.filter(registration_id__in=ids), "comment")
    survey_ids = SeminarSurvey.objects.filter(registration_id__in=ids).values_list("pk", flat=True)
    blank_filled(history_of(SeminarSurvey, survey_ids), "comment")
    return {"registrations": len(ids), "registration_mails": _mails_blank(rows)}


def _mails_blank(rows: list[tuple[int, int]]) -> int:
    """Seminar mails name the registration in their context (see events.services._send)."""
    wanted = {pk for pk, _seminar in rows}
    seminar_ids = {str(seminar) for _pk, seminar in rows}
    mails = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Seminar),
        related_id__in=seminar_ids,
    ).only("pk", "context")
    pks = [m.pk for m in mails if m.context.get("registration_id") in wanted]
    return OutboxMessage.objects.filter(pk__in=pks).update(to_email="", context={}, attachments=[])


def registration_people_held(today: dt.date) -> set[int]:
    """People of the registrations not yet anonymised."""
    kept = Registration.objects.filter(anonymised_at__isnull=True).exclude(person=None)
    return set(kept.values_list("person_id", flat=True))

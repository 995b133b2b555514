"""A consultation arriving (public form, staff entry): requester, case, consent, mails."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from common.models import PurposeNotice
from common.text import canonical_email
from crm.models import Organisation
from crm.requester import Requester
from crm.services import likely_list, requester_resolve

from ..models import (
    Case,
    ConsentRecord,
)
from ..staff_work import staff_new_case_notify
from .lifecycle import case_create
from .mails import date_in, requester_mail


def case_submit(
    *,
    requester: Requester,
    category: str,
    subject: str,
    description: str,
    referral_consent: bool,
    notice: PurposeNotice,
    language: str = "ja",
    channel: str = Case.Channel.WEB,
    received_on: dt.date | None = None,
    by: User | None = None,
    notify: bool = True,
    verified: bool = False,
) -> Case:
    """Take a consultation: requester, contact, case, consent record and confirmation mail.

    ``requester`` is who asks, as typed (``IntakeForm.requester()``, staff entry, a booking).

    ``notify=False`` leaves the confirmation to the caller (a session booking sends its own).

    ``verified=True`` (staff entry, with ``by``) lets the CRM reuse the records of a sure match.
    Anything else is unverified input: the requester gets new records holding what was typed,
    matches are only listed under 重複の可能性, and the case keeps the typed address for its
    mails (``Case.contact_email``), so nobody can add their address to someone else's record.

    The same consultation posted again from the web within a few minutes (same address, same
    text: a double click, a reload, a second try after a slow answer) is the case taken the
    first time: it is returned as it is, with no second case and no second mail.
    """
    received_on = received_on or timezone.localdate()
    email = requester.email
    with transaction.atomic():
        if channel == Case.Channel.WEB:
            earlier = _recent_duplicate(email=email, description=description)
            if earlier is not None:
                return earlier
        # The CRM finds the requester's existing records (issue 18): on staff entry sure matches
        # are reused; otherwise (and for likely matches) new records are listed for staff under
        # 重複の可能性 below (issue 26: a public form never completes an existing person).
        verified = verified and by is not None
        source = "staff" if verified else ("intake" if channel == Case.Channel.WEB else channel)
        organisation, contact, likely = requester_resolve(
            source=source,
            verified=verified,
            organisation_fields=requester.organisation_fields(),
            person_fields=requester.person_fields(),
        )
        case = case_create(
            organisation=organisation,
            contact=contact,
            contact_email=email.strip().lower() or (contact.email if verified and contact else ""),
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
        likely_list(likely, source=source, subject=case)
        staff_new_case_notify(case=case)
        if case.contact_email and notify:
            _received_mail(case=case, referral_consent=referral_consent)
    return case


def _received_mail(*, case: Case, referral_consent: bool) -> None:
    """Confirm receipt to the address typed on the form."""
    requester_mail(
        case=case,
        template="case_received",
        received_on=date_in(case.received_on, case.language),
        due_date=date_in(case.first_response_due, case.language),
        referral_consent=referral_consent,
    )


def _recent_duplicate(*, email: str, description: str) -> Case | None:
    """A web consultation with this address and text taken in the last few minutes."""
    email = canonical_email(email)
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
            contact_email=email,
            description=description,
            created_at__gte=since,
        )
        .order_by("created_at")
        .first()
    )


def organisation_create(
    *, name: str, requester_type: str, industry: str = "", municipality=None
) -> Organisation:
    """A requester's organisation as a past record names it (the import)."""
    return Organisation.objects.create(
        name=name, requester_type=requester_type, industry=industry, municipality=municipality
    )

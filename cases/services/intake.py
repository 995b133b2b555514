"""A consultation arriving (public form, staff entry): requester, case, consent, mails."""

import datetime as dt
import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dxcenter.common.dates import format_date_ja
from dxcenter.common.mail import outbox_add
from dxcenter.common.models import Municipality, PurposeNotice
from dxcenter.common.text import normalise_kana, normalise_phone

from ..models import (
    Case,
    ConsentRecord,
    Contact,
    Organisation,
)
from .lifecycle import case_create
from .mails import _label_in

# What a consultation form (public or staff entry) hands to case_submit, under the same names.
INTAKE_FIELDS = (
    "requester_type",
    "organisation_name",
    "industry",
    "municipality",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
    "phone",
    "category",
    "subject",
    "description",
    "referral_consent",
)


def intake_fields(data: Mapping) -> dict:
    """The intake form's cleaned data that ``case_submit`` takes."""
    return {name: data[name] for name in INTAKE_FIELDS}


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
        organisation = Organisation(
            name=organisation_name.strip(),
            requester_type=requester_type,
            industry=industry.strip(),
            municipality=municipality,
        )
        organisation.full_clean()
        organisation.save()
        contact = Contact(
            organisation=organisation,
            family_name=family_name.strip(),
            given_name=given_name.strip(),
            family_name_kana=normalise_kana(family_name_kana),
            given_name_kana=normalise_kana(given_name_kana),
            email=email.strip().lower(),
            phone=normalise_phone(phone),
        )
        contact.full_clean()
        contact.save()
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


def organisation_create(
    *, name: str, requester_type: str, industry: str = "", municipality=None
) -> Organisation:
    """A requester's organisation as a past record names it (the import)."""
    return Organisation.objects.create(
        name=name, requester_type=requester_type, industry=industry, municipality=municipality
    )

"""A consultation arriving (public form, staff entry): requester, case, consent, mails."""

import datetime as dt
import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from crm.models import Organisation
from crm.services import likely_list, requester_resolve
from dxcenter.common.models import Municipality, PurposeNotice
from dxcenter.common.text import normalise_kana, normalise_phone

from ..models import (
    Case,
    ConsentRecord,
)
from ..staff_work import staff_new_case_notify
from .lifecycle import case_create
from .mails import date_in, requester_mail

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
    corporate_number: str = "",
    by: User | None = None,
    notify: bool = True,
) -> Case:
    """Take a consultation: requester, contact, case, consent record and confirmation mail.

    ``notify=False`` leaves the confirmation to the caller (a session booking sends its own).

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
        # The CRM finds the requester's existing records (issue 18): sure matches are reused,
        # likely ones are new records listed for staff under 重複の可能性 below.
        source = "intake" if channel == Case.Channel.WEB else "staff"
        organisation, contact, likely = requester_resolve(
            source=source,
            organisation_fields={
                "name": organisation_name,
                "requester_type": requester_type,
                "industry": industry,
                "municipality": municipality,
                "corporate_number": corporate_number,
            },
            person_fields=_contact_fields(
                family_name=family_name,
                given_name=given_name,
                family_name_kana=family_name_kana,
                given_name_kana=given_name_kana,
                email=email,
                phone=phone,
            ),
        )
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
        likely_list(likely, source=source, subject=case)
        staff_new_case_notify(case=case)
        if contact.email and notify:
            _received_mail(case=case, referral_consent=referral_consent)
    return case


def _contact_fields(**typed) -> dict:
    """The requester's contact person, with kana and phone in one form whatever was typed."""
    return {
        "family_name": typed["family_name"].strip(),
        "given_name": typed["given_name"].strip(),
        "family_name_kana": normalise_kana(typed["family_name_kana"]),
        "given_name_kana": normalise_kana(typed["given_name_kana"]),
        "email": typed["email"].strip().lower(),
        "phone": normalise_phone(typed["phone"]),
    }


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

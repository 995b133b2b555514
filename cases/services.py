"""Every write to cases goes through here (public form, staff admin, partner portal, import)."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from dxcenter.common.dates import add_business_days, fiscal_year_of

from .models import Case, CaseEvent, Contact, Organisation


def case_next_reference(*, fiscal_year: int) -> tuple[int, str]:
    """Next free sequence and reference (DX2022-0007) for a fiscal year."""
    last = Case.objects.filter(fiscal_year=fiscal_year).aggregate(m=Max("sequence"))["m"] or 0
    sequence = last + 1
    return sequence, f"DX{fiscal_year}-{sequence:04d}"


def case_first_response_due(received_on: dt.date) -> dt.date:
    """First response is due N business days after receipt (setting, default 3)."""
    return add_business_days(received_on, settings.DXCENTER_FIRST_RESPONSE_BUSINESS_DAYS)


def case_create(
    *,
    organisation: Organisation,
    received_on: dt.date,
    channel: str,
    category: str,
    subject: str,
    description: str,
    contact: Contact | None = None,
    requester_type: str | None = None,
    status: str = Case.Status.NEW,
    by=None,
    **fields,
) -> Case:
    """Create a case with its per-fiscal-year reference number and first-response due date."""
    fiscal_year = fiscal_year_of(received_on)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                sequence, reference = case_next_reference(fiscal_year=fiscal_year)
                case = Case(
                    reference=reference,
                    fiscal_year=fiscal_year,
                    sequence=sequence,
                    received_on=received_on,
                    channel=channel,
                    requester_type=requester_type or organisation.requester_type,
                    category=category,
                    organisation=organisation,
                    contact=contact,
                    municipality=organisation.municipality,
                    subject=subject,
                    description=description,
                    status=status,
                    first_response_due=case_first_response_due(received_on),
                    **fields,
                )
                case.full_clean()
                case.save()
                CaseEvent.objects.create(
                    case=case, actor=by, action="created", to_status=case.status
                )
                return case
        except IntegrityError:
            # Another request took the same sequence number; take the next one.
            continue
    raise IntegrityError("could not allocate a case reference")

"""The cases part of a disclosure: the person as a contact, with every case they are on.

The sections of the cases area (personal_data.py).
"""

from common.disclosure import field_values, notice_values
from common.names import user_display_name
from crm.models import Person

from .models import Case, ConsentRecord


def _contacts(email: str):
    return Person.objects.filter(email__iexact=email).select_related(
        "organisation", "organisation__municipality"
    )


def _subjects(email: str):
    for contact in _contacts(email):
        yield contact
        yield from contact.cases.all()


def _consent_disclosed(record: ConsentRecord) -> dict:
    user = record.recorded_by
    return {
        **notice_values(record.notice),
        **field_values(record, "acknowledged_purpose", "referral_consent", "withdrawal"),
        "method": record.get_channel_display(),
        **field_values(record, "given_at", "recorded_at"),
        "recorded_by": user and user_display_name(user),
        "consent_note": record.note,
    }


def case_disclosed(case: Case) -> dict:
    """A case with its consent, referrals, notes (shared and internal), files and survey."""
    survey = getattr(case, "survey", None)
    return {
        **field_values(
            case,
            "reference",
            "received_on",
            "channel",
            "contact_email",
            "requester_type",
            "category",
            "subject",
            "description",
            "status",
            "support_given",
            "outcome",
            "closed_on",
        ),
        # Every step, not only the latest: when and how consent was given, refused or withdrawn.
        "consents": [
            _consent_disclosed(record)
            for record in case.consents.select_related("notice", "recorded_by").order_by("pk")
        ],
        "assignments": [
            {
                "assignee": str(a.assignee),
                **field_values(
                    a, "state", "note", "created_at", "responded_at", "decline_reason", "summary"
                ),
            }
            for a in case.assignments.select_related("advisor", "company").order_by("created_at")
        ],
        "notes": [field_values(n, "visibility", "body", "created_at") for n in case.notes.all()],
        "attachments": [
            field_values(a, "original_name", "uploaded_at") for a in case.attachments.all()
        ],
        "survey": survey
        and field_values(survey, "sent_at", "answered_at", "helpful", "satisfaction", "comment"),
    }


def contacts_disclosed(email: str) -> list[dict]:
    """The person as the contact of an organisation, with the cases they are on."""
    return [
        {
            **field_values(
                contact, "family_name", "given_name", "family_name_kana", "given_name_kana"
            ),
            **field_values(contact, "email", "phone"),
            "organisation": field_values(
                contact.organisation, "name", "requester_type", "industry", "municipality"
            ),
            "cases": [
                case_disclosed(case)
                for case in contact.cases.select_related("survey").order_by("received_on", "pk")
            ],
        }
        for contact in _contacts(email)
    ]


def _cases_mailed_elsewhere(email: str):
    """Cases whose mails go to this address while their contact person now has another one."""
    return (
        Case.objects.filter(contact_email__iexact=email)
        .exclude(contact__email__iexact=email)
        .select_related("survey")
        .order_by("received_on", "pk")
    )


def case_addresses_disclosed(email: str) -> list[dict]:
    """Cases taken with this address whose contact person's record holds another address."""
    return [case_disclosed(case) for case in _cases_mailed_elsewhere(email)]

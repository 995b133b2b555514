"""The seminars part of a disclosure: registrations made with the address, with surveys."""

from common.disclosure import field_values, notice_values

from .models import Registration


def _registrations(email: str):
    return (
        Registration.objects.filter(email__iexact=email)
        .select_related("seminar", "municipality", "notice", "survey")
        .order_by("created_at", "pk")
    )


def registrations_disclosed(email: str) -> list[dict]:
    """Each registration as the person gave it, its state, consent notice and survey answer."""
    records = []
    for registration in _registrations(email):
        survey = getattr(registration, "survey", None)
        records.append(
            {
                "seminar": registration.seminar.title,
                "starts_at": registration.seminar.starts_at,
                **field_values(
                    registration,
                    "name",
                    "name_kana",
                    "email",
                    "organisation",
                    "requester_type",
                    "municipality",
                    "mode",
                    "question",
                    "status",
                    "created_at",
                    "cancelled_at",
                    "checked_in_at",
                    "consented_at",
                ),
                **notice_values(registration.notice),
                "survey": survey
                and field_values(survey, "satisfaction", "useful_for_dx", "comment", "answered_at"),
            }
        )
    return records

"""Cases in the admin's one search (common.people_search): by reference, the case's own address,
or the person and organisation it belongs to (matched by crm's provider)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.people_search import Hit, Search, register_search_provider
from crm.people_search import MATCH_CAP, organisation_ids_matching, person_ids_matching

from .models import Case


def case_ids_matching(search: Search) -> list[int]:
    """Cases whose reference or address holds the needle, or whose contact or organisation does."""

    def compute():
        match = Q(search_key__contains=search.needle)
        if people := person_ids_matching(search):
            match |= Q(contact_id__in=people)
        if organisations := organisation_ids_matching(search):
            match |= Q(organisation_id__in=organisations)
        return list(
            Case.objects.filter(match)
            .order_by("-received_on", "-sequence")
            .values_list("pk", flat=True)[:MATCH_CAP]
        )

    return search.memo("cases.case_ids", compute)


def find_cases(search: Search) -> list[Hit]:
    ids = case_ids_matching(search)[: search.limit]
    cases = Case.objects.filter(pk__in=ids).select_related("organisation", "contact")
    return [
        Hit(
            title=f"{case.reference} {case.subject}",
            detail=" ・ ".join(
                str(part)
                for part in (
                    case.organisation.name,
                    case.contact or "",
                    case.get_status_display(),
                    case.received_on.isoformat(),
                )
                if part
            ),
            url=reverse("cases:inspect", args=[case.pk]),
            record=case,
        )
        for case in sorted(cases, key=lambda c: (c.received_on, c.sequence), reverse=True)
    ]


def register() -> None:
    register_search_provider(
        "case", label=_("相談案件"), perms=["cases.view_case"], find=find_cases, order=30
    )

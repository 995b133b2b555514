"""Seminar registrations in the admin's one search (common.people_search): by the registrant's
name, reading, affiliation or address, or the CRM person they are linked to."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.people_search import Hit, Search, register_search_provider
from crm.people_search import emails_matching, person_ids_matching

from .models import Registration


def find_registrations(search: Search) -> list[Hit]:
    match = Q(search_key__contains=search.needle)
    if people := person_ids_matching(search):
        match |= Q(person_id__in=people)
    for email in emails_matching(search):
        match |= Q(search_key__contains=email)
    registrations = (
        Registration.objects.filter(match, anonymised_at__isnull=True)
        .select_related("seminar")
        .order_by("-created_at", "-pk")[: search.limit]
    )
    return [
        Hit(
            title=f"{registration.name} ／ {registration.seminar.title}",
            detail=" ・ ".join(
                part
                for part in (
                    registration.organisation,
                    registration.email,
                    registration.get_status_display(),
                )
                if part
            ),
            # The roster, narrowed to the registrant's address.
            url=reverse("seminar_roster", args=[registration.seminar_id])
            + "?"
            + urlencode({"q": registration.email}),
            record=registration,
        )
        for registration in registrations
    ]


def register() -> None:
    register_search_provider(
        "registration",
        label=_("セミナー申込"),
        perms=["events.view_registration"],
        find=find_registrations,
        order=40,
    )

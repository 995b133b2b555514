"""People and organisations in the admin's one search (common.people_search).

The matching ids are shared through ``Search.memo``: cases, registrations and bookings find the
records of the people and organisations matched here without searching them again.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.people_search import Hit, Search, register_search_provider

from .models import Organisation, Person

# Enough to find every record of a name shared by many; the lists show ``search.limit``.
MATCH_CAP = 200


def person_ids_matching(search: Search) -> list[int]:
    """The people whose name, reading, address or phone holds the needle."""
    return search.memo(
        "crm.person_ids",
        lambda: list(
            # No ORDER BY: with a LIMIT it would tempt the planner to walk the primary key
            # and filter every row instead of asking the trigram index.
            Person.objects.filter(search_key__contains=search.needle, anonymised_at__isnull=True)
            .order_by()
            .values_list("pk", flat=True)[:MATCH_CAP]
        ),
    )


def emails_matching(search: Search) -> list[str]:
    """The addresses of the people found: a registrant recorded apart is found by them."""
    return search.memo(
        "crm.emails",
        lambda: sorted(
            set(
                Person.objects.filter(pk__in=person_ids_matching(search)[:20])
                .exclude(email_normalised="")
                .values_list("email_normalised", flat=True)
            )
        ),
    )


def organisation_ids_matching(search: Search) -> list[int]:
    """The organisations whose name or 法人番号 holds the needle."""
    return search.memo(
        "crm.organisation_ids",
        lambda: list(
            Organisation.objects.filter(search_key__contains=search.needle)
            .order_by()
            .values_list("pk", flat=True)[:MATCH_CAP]
        ),
    )


def find_people(search: Search) -> list[Hit]:
    ids = person_ids_matching(search)[: search.limit]
    people = Person.objects.filter(pk__in=ids).select_related("organisation")
    return [
        Hit(
            title=str(person),
            detail=" ・ ".join(
                part
                for part in (
                    person.full_name_kana,
                    person.organisation.name,
                    person.email,
                    person.phone,
                )
                if part
            ),
            url=reverse("crm_person", args=[person.pk]),
            record=person,
        )
        for person in sorted(people, key=lambda p: (p.full_name_kana or str(p), p.pk))
    ]


def organisation_ids_found(search: Search) -> set[int]:
    """Organisations matched by name or 法人番号, and those of the people found, for who may see
    people (an address alone does not reveal whose organisation it is)."""
    ids = set(organisation_ids_matching(search))
    if search.user.has_perm("crm.view_person"):
        ids |= set(
            Person.objects.filter(pk__in=person_ids_matching(search)).values_list(
                "organisation_id", flat=True
            )
        )
    return ids


def find_organisations(search: Search) -> list[Hit]:
    organisations = Organisation.objects.filter(pk__in=organisation_ids_found(search)).order_by(
        "name", "pk"
    )
    return [
        Hit(
            title=organisation.name,
            detail=" ・ ".join(
                part
                for part in (
                    organisation.get_requester_type_display(),
                    organisation.corporate_number,
                )
                if part
            ),
            url=reverse("crm_organisation", args=[organisation.pk]),
            record=organisation,
        )
        for organisation in organisations[: search.limit]
    ]


def register() -> None:
    register_search_provider(
        "person", label=_("担当者"), perms=["crm.view_person"], find=find_people, order=10
    )
    register_search_provider(
        "organisation",
        label=_("相談者（団体）"),
        perms=["crm.view_organisation"],
        find=find_organisations,
        order=20,
    )

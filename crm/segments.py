"""Segments: which people an outreach campaign is for.

A segment is a small dict staff build in the campaign form::

    {"requester_type": "business", "region": "hokusei", "municipality": "242012",
     "industry": "製造", "seminar_from": "2026-04-01", "seminar_to": "2027-03-31",
     "case_category": "training", "subscribed": True}

The crm app knows people and organisations; what a person did elsewhere (seminars attended,
consultations) is known by the apps above it, which register a filter for their keys
(``register_segment_filter``) in their ``crm_segments`` module.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet

from dxcenter.common.models import BouncedAddress
from dxcenter.common.municipalities import municipality_codes_in

from .models import Person
from .outreach_models import Subscription

SegmentFilter = Callable[[QuerySet, dict], QuerySet]
_FILTERS: dict[str, SegmentFilter] = {}
SAMPLE_SIZE = 10


def register_segment_filter(name: str, func: SegmentFilter) -> None:
    """``func(people, segment)`` narrows the people when the segment uses the filter's keys."""
    _FILTERS[name] = func


def _own_filters(people: QuerySet, segment: dict) -> QuerySet:
    if segment.get("requester_type"):
        people = people.filter(organisation__requester_type=segment["requester_type"])
    if segment.get("municipality"):
        people = people.filter(organisation__municipality_id=segment["municipality"])
    if segment.get("region"):
        people = people.filter(
            organisation__municipality_id__in=municipality_codes_in(segment["region"])
        )
    if segment.get("industry"):
        people = people.filter(organisation__industry__icontains=segment["industry"].strip())
    if segment.get("subscribed"):
        people = people.filter(subscription__state=Subscription.State.ACTIVE)
    return people


def segment_people(segment: dict) -> QuerySet[Person]:
    """Everyone the segment describes (subscribed or not), personal data not anonymised."""
    people = Person.objects.filter(anonymised_at__isnull=True).exclude(email="")
    people = _own_filters(people, segment)
    for func in _FILTERS.values():
        people = func(people, segment)
    return people.order_by("pk")


def segment_recipients(segment: dict) -> QuerySet[Person]:
    """Who a campaign to the segment mails: only people whose subscription is in force, and
    never an address that bounces."""
    bouncing = BouncedAddress.objects.filter(email__iexact=OuterRef("email"))
    return segment_people({**segment, "subscribed": True}).exclude(Exists(bouncing))


def segment_preview(segment: dict) -> dict:
    """The count and a sample staff see before sending."""
    recipients = segment_recipients(segment)
    return {
        "matching": segment_people(segment).count(),
        "recipients": recipients.count(),
        "sample": list(recipients.select_related("organisation")[:SAMPLE_SIZE]),
    }

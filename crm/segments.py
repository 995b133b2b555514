"""Segments: which people an outreach campaign is for.

A segment is a small dict staff build in the campaign form::

    {"requester_type": "business", "region": "hokusei", "municipality": "242012",
     "industry": "製造", "seminar_from": "2026-04-01", "seminar_to": "2027-03-31",
     "case_category": "training", "subscribed": True}

The crm app knows people and organisations; what a person did elsewhere (seminars attended,
consultations) is known by the apps above it, which register a filter for their keys
(``register_segment_filter``) in their ``AppConfig.ready``.

A key nobody filters on is refused, never ignored: ignoring it would widen the campaign to
everyone. ``manage.py check`` names a key the campaign form offers that has no filter, and a
filter registered under a key the form does not offer (crm/checks.py); at run time a segment
with such a key raises ``UnknownSegmentKey`` and the campaign goes to nobody.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet

from common.models import BouncedAddress
from common.municipalities import municipality_codes_in

from .models import Person
from .outreach_models import Subscription

SegmentFilter = Callable[[QuerySet, dict], QuerySet]
_FILTERS: dict[str, SegmentFilter] = {}
SAMPLE_SIZE = 10

# The keys crm filters on itself.
OWN_KEYS = ("requester_type", "municipality", "region", "industry", "subscribed")
# Every key the campaign form offers, in its order: crm's own and those an app above registers.
SEGMENT_KEYS = (
    "requester_type",
    "region",
    "municipality",
    "industry",
    "seminar_from",  # events
    "seminar_to",  # events
    "case_category",  # cases
    "subscribed",
)


class UnknownSegmentKey(ValueError):
    """A segment names a key no filter handles: refused, so that it never means "everyone"."""


def register_segment_filter(keys: tuple[str, ...], func: SegmentFilter) -> None:
    """``func(people, segment)`` narrows the people when the segment uses one of ``keys``.

    Called from the providing app's ``AppConfig.ready``, never as a side effect of an import.
    """
    for key in keys:
        _FILTERS[key] = func


def registered_segment_keys() -> list[str]:
    return sorted(_FILTERS)


def unknown_segment_keys(segment: dict) -> list[str]:
    return sorted(set(segment) - set(OWN_KEYS) - set(_FILTERS))


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
    unknown = unknown_segment_keys(segment)
    if unknown:
        raise UnknownSegmentKey(f"no segment filter is registered for {', '.join(unknown)}")
    people = Person.objects.filter(anonymised_at__isnull=True).exclude(email="")
    people = _own_filters(people, segment)
    for func in dict.fromkeys(_FILTERS[key] for key in segment if key in _FILTERS):
        people = func(people, segment)
    return people.order_by("pk")


def segment_recipients(segment: dict) -> QuerySet[Person]:
    """Who a campaign to the segment mails: only people whose subscription is in force, and
    never an address that bounces."""
    # Both sides are in the canonical form (common.text.canonical_email).
    bouncing = BouncedAddress.objects.filter(email=OuterRef("email_normalised"))
    return segment_people({**segment, "subscribed": True}).exclude(Exists(bouncing))


def segment_preview(segment: dict) -> dict:
    """The count and a sample staff see before sending."""
    recipients = segment_recipients(segment)
    return {
        "matching": segment_people(segment).count(),
        "recipients": recipients.count(),
        "sample": list(recipients.select_related("organisation")[:SAMPLE_SIZE]),
    }

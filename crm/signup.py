"""The public subscribe page's write: find or create the person, then the double opt-in."""

from django.db import transaction

from dxcenter.common.models import PurposeNotice

from .newsletter import Channel, subscription_request
from .outreach_models import Subscription
from .services import person_for_registration, possible_duplicate_add


def newsletter_signup(
    *, name: str, email: str, organisation: str = "", language: str, notice: PurposeNotice | None
) -> Subscription:
    """Someone asked for the newsletter on the subscribe page: mail them the confirmation link.

    The person is found like a seminar registrant (a likely match is linked provisionally and
    listed under 重複の可能性). An active subscription stays as it is and gets no second mail;
    the page answers the same whatever happened, so it tells nobody who is subscribed.
    """
    with transaction.atomic():
        person, match = person_for_registration(
            name=name, email=email, organisation_name=organisation
        )
        if match.likely:
            possible_duplicate_add(match=match, source="newsletter", label=f"{name} <{email}>")
        return subscription_request(
            person=person, language=language, channel=Channel.SUBSCRIBE_PAGE, notice=notice
        )

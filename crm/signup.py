"""The public subscribe page's write: the subscription of the typed address, double opt-in."""

from django.db import transaction

from common.models import PurposeNotice

from .newsletter import Channel, subscription_for_address, subscription_request
from .outreach_models import Subscription
from .services import likely_list, person_for_registration


def newsletter_signup(
    *, name: str, email: str, organisation: str = "", language: str, notice: PurposeNotice | None
) -> Subscription:
    """Someone asked for the newsletter on the subscribe page: mail them the confirmation link.

    An address that already has a subscription asks for that one again (the mail goes to the
    same address, and an active subscription stays as it is with no second mail). Otherwise the
    subscriber is a new person holding what was typed, never an existing person (the page is
    unverified input); a likely match is listed under 重複の可能性. The page answers the same
    whatever happened, so it tells nobody who is subscribed.
    """
    with transaction.atomic():
        subscription = subscription_for_address(email)
        if subscription is not None:
            person = subscription.person
        else:
            person, likely = person_for_registration(
                name=name, email=email, organisation_name=organisation
            )
            likely_list(likely, source="newsletter", label=f"{name} <{email}>")
        return subscription_request(
            person=person, language=language, channel=Channel.SUBSCRIBE_PAGE, notice=notice
        )

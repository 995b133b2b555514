"""Newsletter subscriptions: double opt-in, one-click unsubscribe, and a row per change.

Nobody is mailed outreach unless their subscription is ``active``: it becomes active only when
the person uses the confirmation link mailed to them, and stops at once on unsubscribe.
"""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from anymail.signals import inbound

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone, translation

from dxcenter.common.links import absolute_url
from dxcenter.common.mail import outbox_add
from dxcenter.common.models import PurposeNotice
from dxcenter.common.webhooks import register_bounce_hook

from .models import Person
from .normalise import normalise_email
from .outreach_models import CampaignMessage, Subscription, SubscriptionEvent

CONFIRM_SALT = "crm.newsletter.confirm"
UNSUBSCRIBE_SALT = "crm.newsletter.unsubscribe"
CONFIRM_MAX_AGE = dt.timedelta(days=14)

Action = SubscriptionEvent.Action
Channel = SubscriptionEvent.Channel


@dataclass(frozen=True)
class SubscriptionLink:
    subscription: Subscription
    campaign_id: int | None


def _token(salt: str, subscription: Subscription, campaign_id: int | None = None) -> str:
    payload = {"s": subscription.pk}
    if campaign_id:
        payload["c"] = campaign_id
    return signing.dumps(payload, salt=salt, compress=False)


def _from_token(token: str, salt: str, max_age=None) -> SubscriptionLink | None:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(pk=payload.get("s")).first()
    if subscription is None:
        return None
    return SubscriptionLink(subscription=subscription, campaign_id=payload.get("c"))


def confirm_link(token: str) -> SubscriptionLink | None:
    """The subscription a confirmation link names (None when forged or older than 14 days)."""
    return _from_token(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def unsubscribe_link(token: str) -> SubscriptionLink | None:
    """The subscription (and campaign) an unsubscribe link names; these links never expire."""
    return _from_token(token, UNSUBSCRIBE_SALT)


def unsubscribe_url(subscription: Subscription, campaign_id: int | None = None) -> str:
    """The one-click unsubscribe URL (https: RFC 8058 asks for it)."""
    token = _token(UNSUBSCRIBE_SALT, subscription, campaign_id)
    url = absolute_url("crm:unsubscribe", args=[token], language=subscription.language)
    parts = urlsplit(url)
    return urlunsplit(("https", parts.netloc, parts.path, parts.query, ""))


def unsubscribe_mailto(subscription: Subscription, campaign_id: int | None = None) -> str:
    address = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    address = address.rsplit("<", 1)[-1].rstrip(">").strip()
    token = _token(UNSUBSCRIBE_SALT, subscription, campaign_id)
    return f"mailto:{address}?subject=unsubscribe%20{token}"


def _record(
    subscription, action, channel, *, by=None, campaign_id=None, notice=None
) -> SubscriptionEvent:
    return SubscriptionEvent.objects.create(
        subscription=subscription,
        action=action,
        channel=channel,
        by=by if getattr(by, "is_authenticated", False) else None,
        campaign_id=campaign_id,
        notice=notice,
    )


def subscription_request(
    *,
    person: Person,
    by=None,
    language: str = "ja",
    channel: str = Channel.STAFF,
    notice: PurposeNotice | None = None,
) -> Subscription:
    """Start a subscription and mail the confirmation link; it is in force only once confirmed.

    ``notice`` is the purpose notice the person consented to (the subscribe page), recorded
    on the history row.
    """
    language = "en" if language == "en" else "ja"
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        subscription, _created = Subscription.objects.get_or_create(
            person=person, defaults={"language": language}
        )
        if subscription.state == Subscription.State.ACTIVE:
            return subscription
        if not person.email:
            raise ValueError("a subscription needs an e-mail address")
        subscription.state = Subscription.State.PENDING
        subscription.language = language
        subscription.requested_at = timezone.now()
        subscription.save()
        _record(subscription, Action.REQUESTED, channel, by=by, notice=notice)
        token = _token(CONFIRM_SALT, subscription)
        outbox_add(
            to=person.email,
            template="newsletter_confirm",
            language=language,
            related=person,
            related_label=str(person),
            context={"confirm_url": absolute_url("crm:confirm", args=[token], language=language)},
        )
    return subscription


def subscription_opt_in(*, person: Person | None, language: str, channel: str) -> None:
    """The box ticked on a public form: start the double opt-in (nothing in force until confirmed).

    The form the person used is the channel of the history row. An already active
    subscription stays as it is; without a person or an address nothing happens.
    """
    if person is None or not person.email:
        return
    subscription_request(person=person, language=language, channel=channel)


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """The person used the confirmation link: the subscription is in force from now."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state != Subscription.State.PENDING:
            # Already confirmed, or unsubscribed since: an old link does not subscribe again.
            return subscription
        subscription.state = Subscription.State.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.save()
        _record(subscription, Action.CONFIRMED, Channel.LINK)
    return subscription


def subscription_unsubscribe(
    *,
    subscription: Subscription,
    channel: str,
    campaign_id: int | None = None,
    by=None,
    action: str = Action.UNSUBSCRIBED,
) -> Subscription:
    """Stop the subscription at once; mail still queued to the person is not sent."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state == Subscription.State.UNSUBSCRIBED:
            return subscription
        subscription.state = Subscription.State.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save()
        _record(subscription, action, channel, by=by, campaign_id=campaign_id)
    return subscription


def subscription_bounced(email: str) -> None:
    """Mail to the address bounced: its subscriptions stop (no outreach), with a history row."""
    normalised = normalise_email(email)
    if not normalised:
        return
    for subscription in Subscription.objects.select_for_update().filter(
        person__email_normalised=normalised,
        state__in=[Subscription.State.PENDING, Subscription.State.ACTIVE],
    ):
        subscription.state = Subscription.State.SUSPENDED
        subscription.save(update_fields=["state"])
        _record(subscription, Action.BOUNCED, Channel.SYSTEM)


register_bounce_hook(subscription_bounced)


def subscription_in_force(person_id: int) -> bool:
    return Subscription.objects.filter(
        person_id=person_id, state=Subscription.State.ACTIVE
    ).exists()


def subscription_label(state: str, language: str) -> str:
    with translation.override(language):
        return str(Subscription.State(state).label)


MAILTO_SUBJECT = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


def subscription_unsubscribe_by_mail(subject: str) -> Subscription | None:
    """A mail to the List-Unsubscribe mailto address: its subject carries the signed token."""
    found = MAILTO_SUBJECT.search(subject or "")
    link = unsubscribe_link(found.group(1)) if found else None
    if link is None:
        return None
    return subscription_unsubscribe(
        subscription=link.subscription, channel=Channel.MAILTO, campaign_id=link.campaign_id
    )


@receiver(inbound, dispatch_uid="crm_newsletter_unsubscribe_mail")
def on_inbound(sender, event, esp_name, **kwargs):
    """The provider's inbound webhook (anymail) hands over mail sent to the mailto address."""
    subscription_unsubscribe_by_mail(event.message.subject if event.message else "")


def outreach_merge_prepare(*, survivor: Person, merged: Person) -> None:
    """Before two people merge: one subscription and one campaign row each may remain.

    Of two subscriptions the one changed last is the person's latest wish (an unsubscribe after
    a confirmation wins, and the other way round); it is kept with every change of both.
    Campaign rows for a campaign both got keep the survivor's.
    """
    both = list(
        Subscription.objects.select_for_update().filter(person__in=[survivor.pk, merged.pk])
    )
    if len(both) == 2:

        def last_change(subscription):
            latest = subscription.events.order_by("-at", "-pk").first()
            return latest.at if latest else subscription.requested_at

        keep, drop = sorted(both, key=last_change, reverse=True)
        SubscriptionEvent.objects.filter(subscription=drop).update(subscription=keep)
        drop.delete()
        if keep.person_id != survivor.pk:
            keep.person_id = survivor.pk
            keep.save(update_fields=["person"])
    shared = CampaignMessage.objects.filter(person=survivor).values("campaign_id")
    CampaignMessage.objects.filter(person=merged, campaign_id__in=shared).delete()

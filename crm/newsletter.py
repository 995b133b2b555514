"""Newsletter subscriptions: double opt-in, one-click unsubscribe, and a row per change.

Nobody is mailed outreach unless their subscription is ``active``: it becomes active only when
the person uses the confirmation link mailed to them, and stops at once on unsubscribe.
A pending subscription gets at most one confirmation mail a day, however often it is asked for.
Every link carries the subscription's change count (``version``): it works once, and not after
the subscription changed (an old confirmation link after an unsubscribe and a new request).
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

from common.links import absolute_url
from common.mail import outbox_add
from common.models import PurposeNotice
from common.webhooks import inbound_mail_route, register_bounce_hook

from .models import Person
from .normalise import normalise_email
from .outreach_models import CampaignMessage, Subscription, SubscriptionEvent

CONFIRM_SALT = "crm.newsletter.confirm"
UNSUBSCRIBE_SALT = "crm.newsletter.unsubscribe"
CONFIRM_MAX_AGE = dt.timedelta(days=14)
# A pending subscription asked for again within this time gets no second confirmation mail.
CONFIRM_RESEND_AFTER = dt.timedelta(hours=24)

Action = SubscriptionEvent.Action
Channel = SubscriptionEvent.Channel


@dataclass(frozen=True)
class SubscriptionLink:
    subscription: Subscription
    campaign_id: int | None
    version: int = 0

    @property
    def current(self) -> bool:
        """False once the subscription changed after the link was made: it does nothing then."""
        return self.version == self.subscription.version


def _token(salt: str, subscription: Subscription, campaign_id: int | None = None) -> str:
    payload = {"s": subscription.pk, "v": subscription.version}
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
    # Links made before versions existed carry none: they count as made for the first state.
    return SubscriptionLink(
        subscription=subscription, campaign_id=payload.get("c"), version=payload.get("v", 0)
    )


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
    """The mailto: unsubscribe, or "" where no mail to it would ever be read by this site.

    Only the provider's inbound webhook (anymail) hands such a mail over; an SMTP deployment
    has no inbound route, so its mail offers the one-click https link alone (RFC 8058).
    """
    address = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_EMAIL", "")
    if not address or not inbound_mail_route():
        return ""
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
        now = timezone.now()
        if (
            not _created
            and subscription.state == Subscription.State.PENDING
            and subscription.requested_at > now - CONFIRM_RESEND_AFTER
        ):
            # The link mailed within the day still works; asking again mails nothing more.
            return subscription
        subscription.state = Subscription.State.PENDING
        subscription.language = language
        subscription.requested_at = now
        subscription.version += 1
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

    The form the person used is the channel of the history row. An address that already has a
    subscription asks for that one again (an active one stays as it is): a public form makes a
    new person each time, and one address gets one subscription. Without a person or an
    address nothing happens.
    """
    if person is None or not person.email:
        return
    existing = subscription_for_address(person.email)
    if existing is not None:
        person = existing.person
    subscription_request(person=person, language=language, channel=channel)


def subscription_for_address(email: str) -> Subscription | None:
    """The subscription mailed to this address (an active one first), if there is one."""
    normalised = normalise_email(email)
    if not normalised:
        return None
    found = list(
        Subscription.objects.filter(
            person__email_normalised=normalised, person__anonymised_at__isnull=True
        )
        .select_related("person")
        .order_by("pk")[:20]
    )
    active = [s for s in found if s.state == Subscription.State.ACTIVE]
    return (active or found or [None])[0]


def subscription_confirm(*, subscription: Subscription, version: int | None = None) -> Subscription:
    """The person used the confirmation link: the subscription is in force from now.

    ``version`` is the link's: a link made before the last change (used already, or followed
    by an unsubscribe or a newer confirmation mail) confirms nothing.
    """
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state != Subscription.State.PENDING or (
            version is not None and version != subscription.version
        ):
            # Already confirmed, or unsubscribed since: an old link does not subscribe again.
            return subscription
        subscription.state = Subscription.State.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.version += 1
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
    version: int | None = None,
) -> Subscription:
    """Stop the subscription at once; mail still queued to the person is not sent.

    ``version`` is the link's when a link was used: a link from before the last change does
    nothing (a subscription asked for and confirmed again is stopped only by a newer mail).
    """
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state == Subscription.State.UNSUBSCRIBED or (
            version is not None and version != subscription.version
        ):
            return subscription
        subscription.state = Subscription.State.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.version += 1
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
        subscription.version += 1
        subscription.save(update_fields=["state", "version"])
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
        subscription=link.subscription,
        channel=Channel.MAILTO,
        campaign_id=link.campaign_id,
        version=link.version,
    )


@receiver(inbound, dispatch_uid="crm_newsletter_unsubscribe_mail")
def on_inbound(sender, event, esp_name, **kwargs):
    """The provider's inbound webhook (anymail) hands over mail sent to the mailto address."""
    subscription_unsubscribe_by_mail(event.message.subject if event.message else "")


def outreach_merge_prepare(*, survivor: Person, merged: Person) -> None:
    """Before two people merge: one subscription and one campaign row each may remain.

    Of two subscriptions the one changed last is the person's latest wish (an unsubscribe after
    a confirmation wins, and the other way round); it is kept with every change of both.
    Campaign rows for a campaign both got keep the survivor's. A subscription confirmed (or
    asked for) by the merged person's address never mails the survivor's other address: it
    stops, with a history row, until the survivor asks for it.
    """
    both = list(
        Subscription.objects.select_for_update().filter(person__in=[survivor.pk, merged.pk])
    )
    moving = [s for s in both if s.person_id == merged.pk]
    if len(both) == 2:

        def last_change(subscription):
            latest = subscription.events.order_by("-at", "-pk").first()
            return latest.at if latest else subscription.requested_at

        keep, drop = sorted(both, key=last_change, reverse=True)
        SubscriptionEvent.objects.filter(subscription=drop).update(subscription=keep)
        drop.delete()
        moving = [keep] if keep.person_id == merged.pk else []
        if keep.person_id != survivor.pk:
            keep.person_id = survivor.pk
            keep.save(update_fields=["person"])
    if moving and normalise_email(merged.email) != normalise_email(survivor.email):
        subscription = moving[0]
        if subscription.state in (Subscription.State.PENDING, Subscription.State.ACTIVE):
            subscription.state = Subscription.State.UNSUBSCRIBED
            subscription.unsubscribed_at = timezone.now()
            subscription.save(update_fields=["state", "unsubscribed_at"])
            _record(subscription, Action.UNSUBSCRIBED, Channel.SYSTEM)
    shared = CampaignMessage.objects.filter(person=survivor).values("campaign_id")
    CampaignMessage.objects.filter(person=merged, campaign_id__in=shared).delete()

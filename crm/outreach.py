"""Outreach campaigns: build a segment, preview, send through the outbox in batches.

Every message carries ``List-Unsubscribe`` (an https URL and a mailto) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058). Whether the person is still
subscribed is asked twice: when the batch hands the message to the outbox, and again by the
outbox right before it sends (a send guard), so an unsubscribe during a send stops the rest.
"""

from django_tasks import task

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dxcenter.common.mail import (
    outbox_add,
    register_header_builder,
    register_send_guard,
    render_message,
)
from dxcenter.common.models import OutboxMessage
from dxcenter.common.selectors import is_bouncing
from dxcenter.common.webhooks import BOUNCE_EVENTS

from .newsletter import unsubscribe_mailto, unsubscribe_url
from .outreach_models import Campaign, CampaignMessage, Subscription, SubscriptionEvent
from .segments import segment_recipients

TEMPLATE = "campaign"
BATCH_SIZE = 200


class CampaignNotDraft(Exception):
    """Only a draft campaign can be sent (a second click must not send it twice)."""


def campaign_create(
    *,
    by,
    title: str,
    segment: dict,
    subject_ja: str,
    body_ja: str,
    subject_en: str = "",
    body_en: str = "",
) -> Campaign:
    """A draft campaign: a segment and the mail in Japanese (and English)."""
    campaign = Campaign(
        title=title.strip(),
        segment={k: v for k, v in segment.items() if v not in (None, "", False)},
        subject_ja=subject_ja.strip(),
        body_ja=body_ja.strip(),
        subject_en=subject_en.strip(),
        body_en=body_en.strip(),
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


def _language_for(campaign: Campaign, subscription: Subscription) -> str:
    if subscription.language == "en" and campaign.subject_en and campaign.body_en:
        return "en"
    return "ja"


def _context(campaign: Campaign, subscription: Subscription, language: str) -> dict:
    return {
        "campaign_id": campaign.pk,
        "subscription_id": subscription.pk,
        "subject": campaign.subject_en if language == "en" else campaign.subject_ja,
        "body": campaign.body_en if language == "en" else campaign.body_ja,
        "unsubscribe_url": unsubscribe_url(subscription, campaign.pk),
    }


def campaign_preview(*, campaign: Campaign, language: str = "ja") -> tuple[str, str]:
    """Subject and body as a recipient would read them (with a sample unsubscribe link)."""
    sample = Subscription(pk=0, language=language)
    language = "en" if language == "en" and campaign.subject_en and campaign.body_en else "ja"
    message = OutboxMessage(
        template=TEMPLATE, language=language, context=_context(campaign, sample, language)
    )
    subject, body, _html = render_message(message)
    return subject, body


def campaign_send(*, campaign: Campaign, by) -> int:
    """Freeze the recipients (subscribed people of the segment) and start the batches."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.State.DRAFT:
            raise CampaignNotDraft(campaign.pk)
        people = list(segment_recipients(campaign.segment).values_list("pk", flat=True))
        CampaignMessage.objects.bulk_create(
            [CampaignMessage(campaign=campaign, person_id=pk) for pk in people],
            batch_size=1000,
        )
        campaign.state = Campaign.State.SENDING
        campaign.send_started_at = timezone.now()
        campaign.sent_by = by
        campaign.save(update_fields=["state", "send_started_at", "sent_by"])
        transaction.on_commit(lambda: campaign_send_batch.enqueue(campaign.pk))
    return len(people)


def _hand_over(item: CampaignMessage) -> None:
    """Queue one campaign message, unless the person unsubscribed or bounces since."""
    with transaction.atomic():
        item = (
            CampaignMessage.objects.select_for_update()
            .select_related("campaign", "person")
            .get(pk=item.pk)
        )
        if item.state != CampaignMessage.State.PENDING:
            return
        subscription = Subscription.objects.filter(person_id=item.person_id).first()
        reason = ""
        if subscription is None or not subscription.in_force:
            reason = "unsubscribed"
        elif not item.person.email or item.person.anonymised_at:
            reason = "no address"
        elif is_bouncing(item.person.email):
            reason = "bounced"
        if reason:
            item.state = CampaignMessage.State.SKIPPED
            item.skip_reason = reason
            item.save(update_fields=["state", "skip_reason"])
            return
        language = _language_for(item.campaign, subscription)
        item.outbox = outbox_add_campaign(item, subscription, language)
        item.state = CampaignMessage.State.QUEUED
        item.save(update_fields=["state", "outbox"])


def outbox_add_campaign(item: CampaignMessage, subscription: Subscription, language: str):
    return outbox_add(
        to=item.person.email,
        template=TEMPLATE,
        language=language,
        related=item.campaign,
        related_label=item.campaign.title[:120],
        context=_context(item.campaign, subscription, language),
    )


@task()
def campaign_send_batch(campaign_id: int) -> int:
    """Hand the next batch of a campaign to the outbox; queue the next batch until done."""
    batch = list(
        CampaignMessage.objects.filter(
            campaign_id=campaign_id, state=CampaignMessage.State.PENDING
        ).order_by("pk")[:BATCH_SIZE]
    )
    for item in batch:
        _hand_over(item)
    remaining = CampaignMessage.objects.filter(
        campaign_id=campaign_id, state=CampaignMessage.State.PENDING
    ).exists()
    if remaining:
        transaction.on_commit(lambda: campaign_send_batch.enqueue(campaign_id))
    else:
        Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).update(
            state=Campaign.State.SENT
        )
    return len(batch)


def _guard(context: dict) -> str:
    """Asked by the outbox right before sending: is the subscription still in force?"""
    in_force = Subscription.objects.filter(
        pk=context.get("subscription_id"), state=Subscription.State.ACTIVE
    ).exists()
    return "" if in_force else "unsubscribed"


def _headers(context: dict) -> dict[str, str]:
    subscription = Subscription(pk=context["subscription_id"])
    campaign_id = context.get("campaign_id")
    return {
        "List-Unsubscribe": (
            f"<{unsubscribe_url(subscription, campaign_id)}>, "
            f"<{unsubscribe_mailto(subscription, campaign_id)}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


register_send_guard(TEMPLATE, _guard)
register_header_builder(TEMPLATE, _headers)


def campaign_figures(campaign: Campaign) -> dict[str, int]:
    """Per campaign: recipients, sent, delivered, bounced, unsubscribed, not sent."""
    messages = campaign.messages.aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(outbox__state=OutboxMessage.State.SENT)),
        delivered=Count("pk", filter=Q(outbox__delivery_status="delivered")),
        bounced=Count(
            "pk",
            filter=Q(outbox__delivery_status__in=BOUNCE_EVENTS)
            | Q(outbox__last_error__startswith="bounced")
            | Q(skip_reason="bounced"),
        ),
        withheld=Count(
            "pk",
            filter=Q(state=CampaignMessage.State.SKIPPED)
            | Q(outbox__last_error__startswith="withdrawn"),
        ),
    )
    messages["unsubscribed"] = SubscriptionEvent.objects.filter(
        campaign=campaign, action=SubscriptionEvent.Action.UNSUBSCRIBED
    ).count()
    return messages

"""Outreach campaigns: build a segment, preview, send through the outbox in batches.

Every message carries ``List-Unsubscribe`` (an https URL, and a mailto only where the provider's
inbound webhook reads mail to it) and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058). Whether the person is still
subscribed is asked twice: when the batch hands the message to the outbox, and again by the
outbox right before it sends (a send guard), so an unsubscribe during a send stops the rest.
"""

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from common.mail import (
    outbox_add,
    register_header_builder,
    register_send_guard,
    render_message,
)
from common.models import OutboxMessage
from common.scheduling import scheduled_job
from common.selectors import is_bouncing
from common.webhooks import BOUNCE_EVENTS

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


def _campaign_batch(campaign_id: int) -> tuple[int, bool]:
    """Hand one batch to the outbox; (how many were looked at, whether some still wait).

    Progress is per recipient: each one is handed over in its own transaction (PENDING →
    QUEUED or SKIPPED under a row lock), so a batch that fails half-way (a database lock, a
    killed worker) keeps what it did, and whoever runs next starts at the first one still
    pending; nobody is handed over twice."""
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
    if not remaining:
        Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).update(
            state=Campaign.State.SENT
        )
    return len(batch), remaining


@task()
def campaign_send_batch(campaign_id: int) -> int:
    """Hand the next batch of a campaign to the outbox; queue the next batch until done."""
    done, remaining = _campaign_batch(campaign_id)
    if remaining:
        transaction.on_commit(lambda: campaign_send_batch.enqueue(campaign_id))
    return done


def _batch_waiting(campaign_id: int) -> bool:
    """Is a batch task of this campaign queued or running (the chain is alive)?"""
    waiting = DBTaskResult.objects.filter(
        task_path=campaign_send_batch.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return any((args or {}).get("args", [None])[:1] == [campaign_id] for args in waiting)


@scheduled_job("campaign_sends_resume")
def campaign_sends_resume(now) -> int:
    """Every tick: each campaign still 「送信中」 gets one batch here, and its chain of batch
    tasks is started again when none is queued or running (the first batch failed, the worker
    was killed). A campaign with nobody pending left is marked sent."""
    resumed = 0
    for campaign_id in Campaign.objects.filter(state=Campaign.State.SENDING).values_list(
        "pk", flat=True
    ):
        done, remaining = _campaign_batch(campaign_id)
        resumed += done
        if remaining and not _batch_waiting(campaign_id):
            campaign_send_batch.enqueue(campaign_id)
    return resumed


def _guard(context: dict) -> str:
    """Asked by the outbox right before sending: is the subscription still in force?"""
    in_force = Subscription.objects.filter(
        pk=context.get("subscription_id"), state=Subscription.State.ACTIVE
    ).exists()
    return "" if in_force else "unsubscribed"


def _headers(context: dict) -> dict[str, str]:
    # The links carry the subscription's change count as it is when the mail leaves.
    subscription = Subscription.objects.filter(pk=context["subscription_id"]).first()
    if subscription is None:
        subscription = Subscription(pk=context["subscription_id"])
    campaign_id = context.get("campaign_id")
    links = [unsubscribe_url(subscription, campaign_id)]
    mailto = unsubscribe_mailto(subscription, campaign_id)
    if mailto:
        links.append(mailto)
    return {
        "List-Unsubscribe": ", ".join(f"<{link}>" for link in links),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def register_mail() -> None:
    """The campaign mail's guard (withdrawn after an unsubscribe) and its List-Unsubscribe
    headers; called by CrmConfig.ready."""
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

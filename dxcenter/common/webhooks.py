"""Delivery and bounce events from the mail provider (anymail's tracking webhooks)."""

import hashlib
import logging

from anymail.signals import tracking

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import BouncedAddress, OutboxMessage, ProcessedWebhookEvent

logger = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced", "rejected", "complained"}


def event_key(event, esp_name: str) -> str:
    if event.event_id:
        return f"{esp_name}:{event.event_id}"
    raw = f"{esp_name}|{event.message_id}|{event.event_type}|{event.timestamp}|{event.recipient}"
    return f"{esp_name}:sha256:{hashlib.sha256(raw.encode()).hexdigest()}"


def tracking_event_apply(*, event, esp_name: str) -> bool:
    """Apply one tracking event once; False when it was already applied."""
    try:
        with transaction.atomic():
            ProcessedWebhookEvent.objects.create(
                event_key=event_key(event, esp_name)[:255],
                esp_name=esp_name[:40],
                event_type=(event.event_type or "")[:40],
                recipient=event.recipient or "",
            )
            if event.message_id:
                OutboxMessage.objects.filter(provider_message_id=event.message_id).update(
                    delivery_status=(event.event_type or "")[:30]
                )
            if event.event_type in BOUNCE_EVENTS and event.recipient:
                BouncedAddress.objects.update_or_create(
                    email=event.recipient.lower(),
                    defaults={
                        "reason": (event.description or event.reject_reason or event.event_type)[
                            :255
                        ],
                        "bounced_at": event.timestamp or timezone.now(),
                    },
                )
    except IntegrityError:
        logger.info("webhook event %s already applied", event.event_id)
        return False
    return True


@receiver(tracking, dispatch_uid="dxcenter_tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    tracking_event_apply(event=event, esp_name=esp_name)

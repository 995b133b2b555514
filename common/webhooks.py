"""Delivery and bounce events from the mail provider (anymail's tracking webhooks)."""

import functools
import hashlib
import logging
from collections.abc import Callable

from anymail.exceptions import AnymailAPIError
from anymail.signals import tracking
from anymail.utils import get_request_basic_auth

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpResponseBadRequest
from django.urls import URLPattern
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import BouncedAddress, OutboxMessage, ProcessedWebhookEvent
from .redact import redact_emails
from .text import canonical_email

logger = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced", "rejected", "complained"}

# Apps above common act on a bounce (the crm suspends the newsletter): they register a
# callable taking the address, run inside the transaction that records the bounce.
_bounce_hooks: list[Callable[[str], None]] = []


def register_bounce_hook(hook: Callable[[str], None]) -> None:
    if hook not in _bounce_hooks:
        _bounce_hooks.append(hook)


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
                    email=canonical_email(event.recipient),
                    defaults={
                        "reason": (event.description or event.reject_reason or event.event_type)[
                            :255
                        ],
                        "bounced_at": event.timestamp or timezone.now(),
                    },
                )
                for hook in _bounce_hooks:
                    hook(canonical_email(event.recipient))
    except IntegrityError:
        logger.info("webhook event %s already applied", event.event_id)
        return False
    return True


@receiver(tracking, dispatch_uid="dxcenter_tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    tracking_event_apply(event=event, esp_name=esp_name)


def _allowed_basic_auth() -> list[str]:
    secret = (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or []
    return [secret] if isinstance(secret, str) else list(secret)


def _guarded(view):
    """The provider's webhook view behind the basic-auth check, and a bad body is a 400.

    Some anymail views (amazon_ses) parse the body before they check the credentials, so a
    stranger's non-JSON post was a 500; here nothing of the body is read until the
    credentials match.
    """

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        allowed = _allowed_basic_auth()
        if allowed:
            given = get_request_basic_auth(request) or ""
            if not any(constant_time_compare(given, auth) for auth in allowed):
                return HttpResponseBadRequest("webhook credentials missing or wrong")
        try:
            return view(request, *args, **kwargs)
        except (AnymailAPIError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("malformed %s webhook: %s", request.path, redact_emails(repr(exc)))
            return HttpResponseBadRequest("malformed webhook body")

    return guarded


def webhook_urlpatterns(provider: str) -> list:
    """anymail's webhook URLs of the configured provider only (tracking and inbound)."""
    # Only when the URLconf asks: anymail.urls imports every provider's webhook views.
    from anymail import urls as anymail_urls

    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if (pattern.name or "").startswith(f"{provider}_"):
            patterns.append(
                URLPattern(pattern.pattern, _guarded(pattern.callback), name=pattern.name)
            )
    return patterns


def inbound_mail_route() -> bool:
    """Whether mail sent to the site reaches it: the provider's inbound webhook is mounted.

    An SMTP deployment has none (a mailto: unsubscribe would land in a mailbox nobody reads).
    """
    provider = getattr(settings, "DXCENTER_MAIL_PROVIDER", "")
    if not (provider and getattr(settings, "DXCENTER_MAIL_WEBHOOKS", False)):
        return False
    return any(p.name == f"{provider}_inbound_webhook" for p in webhook_urlpatterns(provider))

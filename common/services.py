"""Writes of the common room."""

import logging

from axes.models import AccessAttempt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .access_log import personal_data_access_log
from .models import BouncedAddress, OutboxMessage
from .redact import mask_email
from .tasks import BOUNCE_HOLD, send_outbox_message
from .text import canonical_email

logger = logging.getLogger(__name__)


class CannotResend(Exception):
    pass


def outbox_resend(*, message: OutboxMessage) -> OutboxMessage:
    """Queue a failed message again; attempts keep counting so the log stays honest."""

    if message.state != OutboxMessage.State.FAILED:
        raise CannotResend("送信に失敗したメールだけを再送できます。")
    with transaction.atomic():
        message.state = OutboxMessage.State.QUEUED
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "next_attempt_at"])
        attempts = message.attempts
        transaction.on_commit(lambda: send_outbox_message.enqueue(message.pk, attempts))
    return message


def login_unlock(*, by, username: str = "", ip_address: str = "") -> int:
    """Lift a lockout (an account's, or a client address's); the unlock is in the access log."""
    if not (username or ip_address):
        return 0
    with transaction.atomic():
        attempts = AccessAttempt.objects.all()
        attempts = (
            attempts.filter(username=username)
            if username
            else attempts.filter(ip_address=ip_address)
        )
        count, _ = attempts.delete()
        account = None
        if username:
            account = get_user_model()._default_manager.filter(username__iexact=username).first()
        personal_data_access_log(
            user=by,
            subject=account,
            context="login_unlock",
            label=f"ログイン制限の解除 {username or ip_address}",
        )
    return count


def bounce_clear(*, email: str, by) -> int:
    """Staff clear a hard bounce: the address is mailed again, starting with what was held."""

    email = canonical_email(email)
    with transaction.atomic():
        BouncedAddress.objects.filter(email=email).delete()
        held = list(
            OutboxMessage.objects.select_for_update().filter(
                to_email__iexact=email, state=OutboxMessage.State.FAILED, last_error=BOUNCE_HOLD
            )
        )
        for message in held:
            message.state = OutboxMessage.State.QUEUED
            message.next_attempt_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["state", "next_attempt_at", "last_error"])
            pk, attempts = message.pk, message.attempts
            transaction.on_commit(lambda pk=pk, a=attempts: send_outbox_message.enqueue(pk, a))
        logger.info(
            "bounce of %s cleared by user %s; held message(s) %s queued",
            mask_email(email),
            getattr(by, "pk", None),
            [message.pk for message in held],
        )
    return len(held)

"""Writes of the common room."""

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage


class CannotResend(Exception):
    pass


def outbox_resend(*, message: OutboxMessage) -> OutboxMessage:
    """Queue a failed message again; attempts keep counting so the log stays honest."""
    from .tasks import send_outbox_message

    if message.state != OutboxMessage.State.FAILED:
        raise CannotResend("送信に失敗したメールだけを再送できます。")
    with transaction.atomic():
        message.state = OutboxMessage.State.QUEUED
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "next_attempt_at"])
        attempts = message.attempts
        transaction.on_commit(lambda: send_outbox_message.enqueue(message.pk, attempts))
    return message

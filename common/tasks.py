import datetime as dt
import logging
from email.utils import make_msgid, parseaddr

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .access_log import personal_data_access_purge
from .mail import attachment_payloads, message_headers, render_message, send_refusal
from .models import OutboxMessage
from .password_reset import password_reset_queue
from .redact import redact_emails
from .retention import retention_apply
from .scheduling import due_today, scheduled_job
from .selectors import is_bouncing
from .views import HEARTBEAT_KEY

logger = logging.getLogger(__name__)

BOUNCE_HOLD = "bounced: 不達アドレスのため送信していません（不達を解除すると送信します）"

# Waits between attempts on transient failures; after the last one the message is failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)


@task()
def send_outbox_message(message_id: int, after_attempts: int | None = None) -> str:
    """Send one queued message through the configured backend.

    ``after_attempts`` is the number of attempts the message had when this run was queued. A
    retry can be queued twice (deferred by the failed attempt, and again by
    ``outbox_dispatch_due``); whichever runs second finds the count moved on and does nothing,
    so one wait never costs two attempts.

    Crash safety (issue 20): the attempt is claimed and committed first (attempts + 1, a lease
    until now + DXCENTER_OUTBOX_LEASE_SECONDS, the row's fixed Message-ID); the mail is handed to
    the provider outside any transaction; the provider's acceptance (and its id) is written
    together with "sent" straight after. A worker that dies in between leaves the row queued
    with its lease: when the lease has passed, ``outbox_dispatch_due`` queues it again and the
    resend carries the same Message-ID. The guarantee is at-least-once with a stable Message-ID
    (exactly once whenever the acceptance was recorded); only a death in the moment between the
    provider's "250 OK" and that write sends the message a second time, as the same message.
    """
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, state=OutboxMessage.State.QUEUED)
            .first()
        )
        if message is None:
            return "skipped"
        if after_attempts is not None and message.attempts != after_attempts:
            return "skipped"
        if message.lease_until is not None and message.lease_until > now:
            return "skipped"  # another worker is sending it right now
        if is_bouncing(message.to_email):
            # A hard bounce: the address gets nothing until staff clear it (bounce_clear), which
            # queues the held messages again.
            message.state = OutboxMessage.State.FAILED
            message.last_error = BOUNCE_HOLD
            message.lease_until = None
            message.save(update_fields=["state", "last_error", "lease_until"])
            return "held"
        refusal = send_refusal(message)
        if refusal:
            message.state = OutboxMessage.State.FAILED
            message.last_error = f"withdrawn: {refusal}"[:2000]
            message.lease_until = None
            message.save(update_fields=["state", "last_error", "lease_until"])
            return "withdrawn"
        try:
            subject, body, html = render_message(message, for_sending=True)
            attachments = attachment_payloads(message)
            headers = message_headers(message)
        except Exception as exc:
            message.attempts += 1
            message.state = OutboxMessage.State.FAILED
            message.last_error = f"render: {type(exc).__name__}: {exc}"[:2000]
            message.lease_until = None
            message.save()
            logger.exception("mail %s could not be rendered", message.pk)
            return message.state
        if not message.message_id:
            message.message_id = new_message_id()
        message.attempts += 1
        message.subject = subject[:255]
        message.lease_until = now + dt.timedelta(seconds=settings.DXCENTER_OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["message_id", "attempts", "subject", "lease_until"])
    claimed = OutboxMessage.objects.filter(pk=message.pk, attempts=message.attempts)

    mail = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={**headers, "Message-ID": message.message_id},
    )
    if html:
        mail.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        mail.attach(filename, content, mimetype)
    try:
        mail.send()
    except Exception as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts > len(RETRY_DELAYS):
            message.state = OutboxMessage.State.FAILED
        else:
            message.next_attempt_at = timezone.now() + RETRY_DELAYS[message.attempts - 1]
        claimed.update(
            last_error=message.last_error,
            state=message.state,
            next_attempt_at=message.next_attempt_at,
            lease_until=None,
        )
        logger.warning(
            "mail %s attempt %s failed: %s", message.pk, message.attempts, redact_emails(exc)
        )
        if message.state == OutboxMessage.State.QUEUED:
            retry_at, attempts = message.next_attempt_at, message.attempts
            transaction.on_commit(lambda: _enqueue_retry(message.pk, retry_at, attempts))
        return message.state
    # Accepted by the provider: record it (with the provider's id) as sent, at once.
    claimed.update(
        state=OutboxMessage.State.SENT,
        sent_at=timezone.now(),
        provider_message_id=(
            getattr(mail, "anymail_status", None) and (mail.anymail_status.message_id or "")
        )
        or "",
        last_error="",
        lease_until=None,
    )
    return OutboxMessage.State.SENT


def new_message_id() -> str:
    """A Message-ID on the sender's domain, made once per outbox row."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


@task()
def password_reset_dispatch(email: str, audience: str) -> int:
    """Queue the reset mail(s) for a request; runs in the worker, so the form answers alike."""

    return password_reset_queue(email, audience)


def _enqueue_retry(message_id: int, retry_at: dt.datetime, attempts: int) -> None:
    """Defer the next attempt where the backend can; otherwise `outbox_dispatch_due` picks it up."""
    if default_task_backend_supports_defer():
        send_outbox_message.using(run_after=retry_at).enqueue(message_id, attempts)


def default_task_backend_supports_defer() -> bool:
    from django_tasks import task_backends

    return task_backends["default"].supports_defer


@scheduled_job("outbox_dispatch_due")
def outbox_dispatch_due(now: dt.datetime) -> int:
    """Safety net: enqueue every queued message whose next attempt is due, so none is stuck.

    Not a message a worker is sending (its lease runs; once the lease has passed on the wall
    clock, the worker died and it is queued again). A new message is due one lease after it
    was written (outbox_add: its own task comes first), and each message queued here gets its
    next look one lease later, so several schedulers ticking every few seconds queue it once,
    not once a tick (a burst would otherwise bury the workers under repeats)."""
    lease = dt.timedelta(seconds=settings.DXCENTER_OUTBOX_LEASE_SECONDS)
    due = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.QUEUED, next_attempt_at__lte=now)
        .filter(Q(lease_until=None) | Q(lease_until__lte=timezone.now()))
        .values_list("pk", "attempts")[:500]
    )
    OutboxMessage.objects.filter(pk__in=[pk for pk, _attempts in due]).update(
        next_attempt_at=now + lease
    )
    for pk, attempts in due:
        send_outbox_message.enqueue(pk, attempts)
    return len(due)


@scheduled_job("tasks_requeue_stale")
def tasks_requeue_stale(now: dt.datetime) -> int:
    """Tasks whose worker died (killed, machine lost) run again.

    django-tasks-db marks a task RUNNING when a worker takes it and never looks at it again; a
    task RUNNING longer than DXCENTER_TASK_STALE_SECONDS (on the wall clock) goes back to READY.
    Our tasks are safe to run twice (the outbox claims each attempt, see send_outbox_message)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.DXCENTER_TASK_STALE_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)


@scheduled_job("worker_heartbeat")
def worker_heartbeat(now: dt.datetime) -> None:
    """Tell /healthz that scheduled work runs."""
    cache.set(HEARTBEAT_KEY, now.timestamp(), timeout=None)


@scheduled_job("apply_retention")
def apply_retention(now: dt.datetime) -> int | None:
    """Once a day: anonymise the personal data past its retention period."""

    if not due_today("apply_retention", now):
        return None
    return sum(retention_apply(today=timezone.localdate(now)).values())


@scheduled_job("access_log_purge")
def access_log_purge(now: dt.datetime) -> int | None:
    """Once a day: delete access-log entries older than the log's retention."""

    if not due_today("access_log_purge", now):
        return None
    return personal_data_access_purge(now=now)

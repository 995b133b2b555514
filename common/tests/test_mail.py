import base64
import datetime as dt
import email
import json
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from django.core import mail
from django.db import transaction
from django.utils import timezone

from common.mail import Attachment, outbox_add
from common.models import BouncedAddress, OutboxMessage, ProcessedWebhookEvent
from common.tasks import RETRY_DELAYS, outbox_dispatch_due
from common.tests.factories import CASE_RECEIVED_CONTEXT as CONTEXT


def queue(**overrides):
    kwargs = {"to": "taro@example.jp", "template": "case_received", "context": CONTEXT}
    kwargs.update(overrides)
    return outbox_add(**kwargs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_leaves_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_committed_change_sends_its_mail_in_the_recipients_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(language="en")
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (
        sent.subject == "[Mie DX Center] We have received your consultation (reference DX2026-0001)"
    )
    assert "Reference: DX2026-0001" in sent.body
    assert "Mie DX Center" in sent.body  # signature from the site settings


@pytest.mark.django_db
def test_japanese_mail_by_default(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    assert mail.outbox[0].subject.startswith("【みえDXセンター】ご相談を受け付けました")
    assert "受付番号: DX2026-0001" in mail.outbox[0].body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.mark.django_db
def test_smtp_outage_delays_the_mail_and_it_arrives_once(
    settings, django_capture_on_commit_callbacks
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

    # The server is down when the message is queued: the attempt fails and is rescheduled.
    with django_capture_on_commit_callbacks(execute=True):
        queue(attachments=[Attachment("seminar.ics", ics, "text/calendar")])
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.QUEUED
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert message.next_attempt_at > timezone.now() + RETRY_DELAYS[0] - dt.timedelta(seconds=30)
    # Not due yet: nothing is tried before the backoff ends.
    assert outbox_dispatch_due(timezone.now()) == 0

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = timezone.now() + dt.timedelta(minutes=2)
        assert outbox_dispatch_due(later) == 1
        assert outbox_dispatch_due(later) == 0  # sent: never again
    finally:
        controller.stop()

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 2
    assert len(recorder.messages) == 1
    received = email.message_from_bytes(recorder.messages[0].content)
    subject = str(make_header(decode_header(received["Subject"])))
    assert subject == "【みえDXセンター】ご相談を受け付けました（受付番号 DX2026-0001）"
    parts = {part.get_filename(): part for part in received.walk() if part.get_filename()}
    assert parts["seminar.ics"].get_payload(decode=True) == ics
    text = next(p for p in received.walk() if p.get_content_type() == "text/plain")
    assert "受付番号: DX2026-0001" in text.get_payload(decode=True).decode("utf-8")


@pytest.mark.django_db
def test_a_retry_queued_twice_costs_one_attempt(settings, django_capture_on_commit_callbacks):
    from common.tasks import send_outbox_message

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    message = OutboxMessage.objects.get()
    assert message.attempts == 1
    # The wait is over: the safety net and the deferred retry both fire for the second attempt.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_dispatch_due(timezone.now() + dt.timedelta(minutes=2))
        send_outbox_message.call(message.pk, 1)
    message.refresh_from_db()
    assert message.attempts == 2  # not 3: the five retries keep their whole backoff
    assert message.next_attempt_at > timezone.now() + RETRY_DELAYS[1] - dt.timedelta(seconds=30)


@pytest.mark.django_db
def test_after_the_last_retry_the_message_is_failed_and_staff_can_resend(
    settings, django_capture_on_commit_callbacks, admin_client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    message = OutboxMessage.objects.get()
    for _ in RETRY_DELAYS:
        with django_capture_on_commit_callbacks(execute=True):
            outbox_dispatch_due(timezone.now() + dt.timedelta(days=1))
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert message.attempts == len(RETRY_DELAYS) + 1

    listing = admin_client.get("/admin/mail/?state=failed")
    assert listing.status_code == 200
    assert "taro@example.jp" in listing.content.decode()
    detail = admin_client.get(f"/admin/mail/inspect/{message.pk}/")
    assert "再送する" in detail.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/mail/{message.pk}/resend/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert len(mail.outbox) == 1


BOUNCE = {
    "RecordType": "Bounce",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Description": "The server was unable to deliver your message",
    "Details": "smtp;550 5.1.1 user unknown",
    "Email": "Gone@Example.jp",
    "From": "dx-center@example.jp",
    "BouncedAt": "2026-11-20T10:00:00Z",
    "Inactive": True,
    "CanActivate": True,
    "Subject": "test",
}


def post_webhook(client, *, auth: str | None):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(BOUNCE),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_webhook_without_the_secret_is_refused_and_changes_nothing(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    assert post_webhook(client, auth=None).status_code == 400
    assert post_webhook(client, auth="hook:wrong").status_code == 400
    assert BouncedAddress.objects.count() == 0
    assert ProcessedWebhookEvent.objects.count() == 0


@pytest.mark.django_db
def test_bounce_marks_the_address_and_a_duplicate_event_is_applied_once(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    message = OutboxMessage.objects.create(
        to_email="gone@example.jp",
        template="case_received",
        provider_message_id=BOUNCE["MessageID"],
        state=OutboxMessage.State.SENT,
    )
    assert post_webhook(client, auth="hook:s3cret-value").status_code == 200
    assert post_webhook(client, auth="hook:s3cret-value").status_code == 200
    assert ProcessedWebhookEvent.objects.count() == 1
    bounced = BouncedAddress.objects.get()
    assert bounced.email == "gone@example.jp"
    message.refresh_from_db()
    assert message.delivery_status == "bounced"

    from common.selectors import bouncing_emails

    assert bouncing_emails(["GONE@example.jp", "ok@example.jp"]) == {"gone@example.jp"}


def test_run_scheduled_lists_every_registered_job(db, capsys):
    from django.core.management import call_command

    call_command("run_scheduled")
    out = capsys.readouterr().out
    assert "outbox_dispatch_due: 0" in out
    assert "worker_heartbeat: done" in out


@pytest.mark.django_db
def test_healthz_fails_when_the_scheduler_stopped_beating(client):
    import time

    from django.core.cache import cache

    from common.views import HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, time.time())
    assert client.get("/healthz").json() == {"status": "ok"}
    cache.set(HEARTBEAT_KEY, time.time() - 3600)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_plain_text_mail_is_plain_text_and_the_html_part_escapes(settings, tmp_path):
    """`O'Brien & <Co>` reads as typed in the text body; the HTML body escapes it."""
    from copy import deepcopy

    from common.mail import render_message

    folder = tmp_path / "mail" / "escape_probe"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("{{ title }}")
    (folder / "body.txt").write_text('{{ title }}\n{% include "mail/signature.txt" %}')
    (folder / "body.html").write_text("<p>{{ title }}</p>")
    templates = deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    message = OutboxMessage(
        to_email="x@example.jp",
        template="escape_probe",
        context={"title": 'O\'Brien & <Co> "DX"'},
        language="ja",
    )
    subject, body, html = render_message(message)
    assert subject == 'O\'Brien & <Co> "DX"'
    assert body.startswith('O\'Brien & <Co> "DX"\n')
    assert "&#x27;" not in body and "&amp;" not in body
    assert html == "<p>O&#x27;Brien &amp; &lt;Co&gt; &quot;DX&quot;</p>"

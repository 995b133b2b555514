"""Issue 18: a campaign goes through the outbox to a real SMTP server with working one-click
unsubscribe headers (RFC 8058); an unsubscribe during the send stops the rest to that person."""

import email
import socket
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from common.models import BouncedAddress, OutboxMessage
from common.tasks import send_outbox_message
from crm.newsletter import subscription_unsubscribe
from crm.outreach import campaign_create, campaign_figures, campaign_preview, campaign_send
from crm.outreach_models import CampaignMessage, Subscription, SubscriptionEvent

from .helpers import person, subscribed

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _campaign(**segment):
    return campaign_create(
        by=None,
        title="AIセミナーのご案内",
        segment=segment,
        subject_ja="AI活用セミナーのご案内",
        body_ja="次回のセミナーのご案内です。",
        subject_en="AI seminar",
        body_en="Our next seminar.",
    )


def test_a_campaign_reaches_a_real_smtp_server_with_one_click_unsubscribe(
    client, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_BASE_URL = "https://dx.example.jp"
    ja, en = person("ja@example.jp"), person("en@example.jp")
    subscribed(ja)
    subscribed(en, language="en")
    person("never@example.jp")  # not subscribed: not mailed
    campaign = _campaign()

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert campaign_send(campaign=campaign, by=None) == 2
    finally:
        controller.stop()

    received = {
        envelope.rcpt_tos[0]: email.message_from_bytes(envelope.content)
        for envelope in recorder.messages
    }
    assert set(received) == {"ja@example.jp", "en@example.jp"}
    assert str(make_header(decode_header(received["ja@example.jp"]["Subject"]))) == (
        "AI活用セミナーのご案内"
    )
    assert str(make_header(decode_header(received["en@example.jp"]["Subject"]))) == "AI seminar"
    mail = received["ja@example.jp"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unfolded = "".join(mail["List-Unsubscribe"].split())  # long headers are folded
    # SMTP has no inbound route: only the https link, never a mailto nobody reads (issue 26).
    [https] = [part.strip("<>") for part in unfolded.split(",")]
    assert https.startswith("https://dx.example.jp/")

    # The mail client's one-click POST: no login, no CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(urlsplit(https).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription = Subscription.objects.get(person=ja)
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    event = subscription.events.get(action=SubscriptionEvent.Action.UNSUBSCRIBED)
    assert event.channel == SubscriptionEvent.Channel.ONE_CLICK and event.campaign == campaign
    figures = campaign_figures(campaign)
    assert (figures["recipients"], figures["sent"], figures["unsubscribed"]) == (2, 2, 1)
    assert Subscription.objects.get(person=en).state == Subscription.State.ACTIVE


def test_a_forged_unsubscribe_token_is_refused(client):
    assert client.post("/newsletter/unsubscribe/forged/").status_code == 404


def test_an_unsubscribe_during_the_send_stops_the_mail_still_queued_to_that_person(
    django_capture_on_commit_callbacks, mailoutbox
):
    stays, leaves, bounces = person("a@example.jp"), person("b@example.jp"), person("c@example.jp")
    for p in (stays, leaves, bounces):
        subscribed(p)
    campaign = _campaign()
    # The batch hands the messages to the outbox, but the outbox has not sent them yet.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        campaign_send(campaign=campaign, by=None)
    for callback in callbacks:
        with django_capture_on_commit_callbacks(execute=False):
            callback()
    assert CampaignMessage.objects.filter(state="queued").count() == 3
    subscription_unsubscribe(
        subscription=leaves.subscription, channel="link", campaign_id=campaign.pk
    )
    BouncedAddress.objects.create(email="c@example.jp")
    for message in OutboxMessage.objects.filter(template="campaign"):
        send_outbox_message.call(message.pk, 0)
    assert [m.to for m in mailoutbox] == [["a@example.jp"]]
    figures = campaign_figures(campaign)
    assert figures["sent"] == 1 and figures["bounced"] == 1 and figures["unsubscribed"] == 1


def test_the_preview_shows_each_language_with_an_unsubscribe_link():
    campaign = _campaign()
    subject, body = campaign_preview(campaign=campaign, language="en")
    assert subject == "AI seminar" and "Our next seminar." in body and "Unsubscribe:" in body
    subject, body = campaign_preview(campaign=campaign)
    assert subject == "AI活用セミナーのご案内" and "配信の停止:" in body


def test_a_campaign_goes_out_in_batches_until_everyone_subscribed_is_queued(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("crm.outreach.BATCH_SIZE", 2)
    for n in range(5):
        subscribed(person(f"p{n}@example.jp"))
    campaign = _campaign()
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_send(campaign=campaign, by=None) == 5
    assert OutboxMessage.objects.filter(template="campaign").count() == 5
    campaign.refresh_from_db()
    assert campaign.state == "sent"

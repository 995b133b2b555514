"""Issue 26, findings 4, 6(b), 6(f): one confirmation mail a day per subscription, links bound to
the subscription's state (one use), and a mailto unsubscribe only where mail can come in."""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from common.mail import message_headers
from common.models import OutboxMessage
from crm.newsletter import (
    subscription_request,
    subscription_unsubscribe,
    subscription_unsubscribe_by_mail,
)
from crm.outreach import TEMPLATE, _context
from crm.outreach_models import Campaign, Subscription

from .helpers import person, subscribed

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
START = dt.datetime(2026, 7, 1, 10, 0, tzinfo=TOKYO)


def _confirm_paths(email):
    return [
        urlsplit(m.context["confirm_url"]).path
        for m in OutboxMessage.objects.filter(
            template="newsletter_confirm", to_email=email
        ).order_by("pk")
    ]


def test_a_pending_subscription_gets_at_most_one_confirmation_mail_a_day():
    p = person("daily@example.jp")
    with time_machine.travel(START, tick=False):
        subscription_request(person=p)
    for hours in (1, 12, 23.9):
        with time_machine.travel(START + dt.timedelta(hours=hours), tick=False):
            assert subscription_request(person=p).state == Subscription.State.PENDING
    assert len(_confirm_paths(p.email)) == 1
    with time_machine.travel(START + dt.timedelta(hours=24, minutes=1), tick=False):
        subscription_request(person=p)
    assert len(_confirm_paths(p.email)) == 2


def test_an_old_confirmation_link_does_not_reactivate_after_an_unsubscribe_and_a_new_request(
    client,
):
    p = person("old-link@example.jp")
    with time_machine.travel(START, tick=False):
        subscription = subscription_request(person=p)
        [old] = _confirm_paths(p.email)
        assert client.post(old).status_code == 302
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.ACTIVE
        subscription_unsubscribe(subscription=subscription, channel="link")
        subscription_request(person=p)  # a new request: pending, a new link mailed
        _, new = _confirm_paths(p.email)
        client.post(old)
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.PENDING
        page = client.get(old).content.decode()
        assert "配信を受け取る</button>" not in page and "無効" in page
        assert client.post(new).status_code == 302
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.ACTIVE
        assert "お知らせの配信を受け付けました" in client.get(new).content.decode()


def test_a_confirmation_link_superseded_by_a_later_mail_no_longer_confirms(client):
    p = person("superseded@example.jp")
    with time_machine.travel(START, tick=False):
        subscription = subscription_request(person=p)
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        subscription_request(person=p)
        first, second = _confirm_paths(p.email)
        client.post(first)
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.PENDING
        client.post(second)
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.ACTIVE


def _campaign():
    return Campaign.objects.create(title="案内", subject_ja="件名", body_ja="本文")


def _unsubscribe_path(subscription, campaign):
    context = _context(campaign, subscription, "ja")
    return urlsplit(context["unsubscribe_url"]).path


def test_an_unsubscribe_link_is_spent_once_the_subscription_changed(client):
    p = person("spent@example.jp")
    with time_machine.travel(START, tick=False):
        subscription = subscribed(p)
        campaign = _campaign()
        old = _unsubscribe_path(subscription, campaign)
        assert client.post(old, {"List-Unsubscribe": "One-Click"}).status_code == 200
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.UNSUBSCRIBED
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        subscribed(p)  # asked again and confirmed
        client.post(old, {"List-Unsubscribe": "One-Click"})
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.ACTIVE
        # The link in the newest mail works.
        client.post(_unsubscribe_path(subscription, campaign))
        subscription.refresh_from_db()
        assert subscription.state == Subscription.State.UNSUBSCRIBED


def _campaign_headers(subscription):
    campaign = _campaign()
    message = OutboxMessage(template=TEMPLATE, context=_context(campaign, subscription, "ja"))
    return message_headers(message)


def test_an_smtp_deployment_offers_only_the_one_click_https_unsubscribe(settings):
    settings.DXCENTER_MAIL_PROVIDER = ""
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "unsubscribe@dx.example.jp"
    subscription = subscribed(person("smtp@example.jp"))
    headers = _campaign_headers(subscription)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "mailto:" not in headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe"].startswith("<https://")


def test_a_provider_with_an_inbound_route_also_offers_the_mailto_unsubscribe(settings):
    settings.DXCENTER_MAIL_PROVIDER = "mailgun"
    settings.DXCENTER_MAIL_WEBHOOKS = True
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "unsubscribe@dx.example.jp"
    subscription = subscribed(person("inbound@example.jp"))
    https, mailto = [
        part.strip(" <>") for part in _campaign_headers(subscription)["List-Unsubscribe"].split(",")
    ]
    assert https.startswith("https://")
    assert mailto.startswith("mailto:unsubscribe@dx.example.jp?subject=unsubscribe%20")
    # The mail that address receives (through the provider's inbound webhook) unsubscribes.
    subscription_unsubscribe_by_mail(mailto.split("subject=", 1)[1].replace("%20", " "))
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED


def test_without_its_own_unsubscribe_address_a_provider_offers_no_mailto(settings):
    # The sender's address is read by people, not by the inbound webhook.
    settings.DXCENTER_MAIL_PROVIDER = "mailgun"
    settings.DXCENTER_MAIL_WEBHOOKS = True
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = ""
    subscription = subscribed(person("noroute@example.jp"))
    assert "mailto:" not in _campaign_headers(subscription)["List-Unsubscribe"]

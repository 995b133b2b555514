"""Issue 18: a newsletter subscription is in force only after the confirmation link (double
opt-in), stops in one click, and keeps a row per change."""

from urllib.parse import urlsplit

import pytest
from anymail.signals import AnymailTrackingEvent

from common.models import OutboxMessage
from common.webhooks import tracking_event_apply
from crm.newsletter import (
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
    subscription_unsubscribe_by_mail,
    unsubscribe_mailto,
)
from crm.outreach_models import Subscription, SubscriptionEvent
from crm.segments import segment_recipients
from crm.services import person_merge

from .helpers import person, subscribed

pytestmark = pytest.mark.django_db


def _confirm_path(email):
    url = OutboxMessage.objects.get(template="newsletter_confirm", to_email=email).context[
        "confirm_url"
    ]
    return urlsplit(url).path


def test_a_subscription_is_in_force_only_after_the_confirmation_link_is_used(client):
    p = person("hanako@example.jp")
    subscription = subscription_request(person=p)
    assert subscription.state == Subscription.State.PENDING
    assert list(segment_recipients({})) == []
    path = _confirm_path(p.email)
    # Opening the link (a mail scanner does) changes nothing; pressing the button confirms.
    assert client.get(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.PENDING
    assert client.post(path).status_code == 302
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    assert list(segment_recipients({})) == [p]
    assert client.get(path.replace(path.rsplit("/", 2)[1], "forged")).status_code == 404


def test_every_change_is_a_history_row_and_an_old_link_does_not_resubscribe(client):
    p = person("jiro@example.jp")
    subscription = subscription_request(person=p)
    path = _confirm_path(p.email)
    client.post(path)
    subscription_unsubscribe(subscription=subscription, channel="staff")
    client.post(path)  # the old confirmation link after unsubscribing
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert list(subscription.events.values_list("action", flat=True)) == [
        SubscriptionEvent.Action.REQUESTED,
        SubscriptionEvent.Action.CONFIRMED,
        SubscriptionEvent.Action.UNSUBSCRIBED,
    ]


def test_a_mail_to_the_mailto_address_unsubscribes(settings):
    # Offered only where the provider's inbound webhook reads that mailbox.
    settings.DXCENTER_MAIL_PROVIDER = "mailgun"
    settings.DXCENTER_MAIL_WEBHOOKS = True
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "unsubscribe@dx.example.jp"
    p = person("mailto@example.jp")
    subscription = subscription_request(person=p)
    subscription.state = Subscription.State.ACTIVE
    subscription.save()
    mailto = unsubscribe_mailto(subscription)
    subject = mailto.split("subject=", 1)[1].replace("%20", " ")
    assert subscription_unsubscribe_by_mail("Re: " + subject[:-3] + "xyz") is None  # forged
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    subscription_unsubscribe_by_mail(subject)
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert subscription.events.last().channel == SubscriptionEvent.Channel.MAILTO


def test_merging_two_subscribed_people_keeps_the_latest_wish_and_all_history():
    survivor, merged = person("same@example.jp"), person("same.old@example.jp")
    kept = subscription_request(person=survivor)
    kept.state = Subscription.State.ACTIVE
    kept.save()
    later = subscription_request(person=merged)
    subscription_unsubscribe(subscription=later, channel="link")  # the latest wish: no mail
    person_merge(survivor=survivor, merged=merged)
    subscription = Subscription.objects.get()
    assert subscription.person == survivor
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert subscription.events.count() == 3  # requested twice, unsubscribed once


def test_a_merge_never_sends_a_subscription_confirmed_by_one_address_to_another():
    """Issue 26: a web signup merged into an existing person must not mail that person's
    address, which never confirmed anything; the same address keeps its subscription."""
    existing = person("shacho@example.jp")
    web = person("attacker@example.net")
    subscribed(web)
    person_merge(survivor=existing, merged=web)
    subscription = Subscription.objects.get()
    assert subscription.person == existing
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert subscription.events.latest("pk").channel == "system"

    again, same = person("same@example.jp"), person("Same@Example.jp")
    subscribed(same)
    person_merge(survivor=again, merged=same)
    assert Subscription.objects.get(person=again).state == Subscription.State.ACTIVE


def test_a_bounce_suspends_the_subscription_with_a_history_row():
    p = person("bounce@example.jp")
    subscription = subscription_confirm(subscription=subscription_request(person=p))
    assert list(segment_recipients({})) == [p]
    event = AnymailTrackingEvent(
        event_type="bounced", event_id="b-1", recipient="Bounce@example.jp", description="gone"
    )
    assert tracking_event_apply(event=event, esp_name="postmark")
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.SUSPENDED
    assert subscription.events.order_by("pk").last().action == SubscriptionEvent.Action.BOUNCED
    assert list(segment_recipients({})) == []


def test_an_english_subscriber_confirms_and_unsubscribes_on_english_pages(client):
    from crm.newsletter import unsubscribe_url

    p = person("jane@example.com")
    subscription = subscription_request(person=p, language="en")
    path = _confirm_path(p.email)
    assert path.startswith("/en/")
    page = client.get(path)
    assert page.status_code == 200 and 'lang="en"' in page.content.decode()
    client.post(path)
    subscription.refresh_from_db()
    url = unsubscribe_url(subscription)
    assert url.startswith("https://") and urlsplit(url).path.startswith("/en/")
    assert client.post(urlsplit(url).path).status_code in (200, 302)
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED

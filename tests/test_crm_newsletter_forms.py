"""Issue 18 gaps: the public forms' newsletter box starts the double opt-in (never more), and
every seminar registrant is a person on a timeline."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine

from appointments.models import SessionBooking
from appointments.tests.factories import form_data, make_series
from cases.tests.factories import staff_user
from cms import demo
from common.mail import render_message
from common.models import OutboxMessage, PurposeNotice
from crm.models import Person, PossibleDuplicate
from crm.newsletter import subscription_confirm, subscription_in_force, unsubscribe_url
from crm.outreach_models import Subscription, SubscriptionEvent
from crm.requester import Requester
from crm.services import person_for_registration
from crm.timeline import timeline
from events.models import Registration
from events.services import registration_create
from events.tests.factories import TOKYO, make_seminar, seminar_page
from events.tests.test_registration import FORM as SEMINAR_FORM
from tests.test_crm_records import FORM as CONSULTATION_FORM

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def site(db):
    return demo.seed_site()


def _confirmations(email):
    return OutboxMessage.objects.filter(template="newsletter_confirm", to_email=email)


def _pending_from(email, channel):
    subscription = Subscription.objects.get(person__email=email)
    assert subscription.state == Subscription.State.PENDING  # not in force until confirmed
    event = subscription.events.get()
    assert (event.action, event.channel) == (SubscriptionEvent.Action.REQUESTED, channel)
    return subscription


def test_the_consultation_form_box_ticked_mails_a_confirmation_and_unticked_does_nothing(
    client, site
):
    with time_machine.travel(START, tick=False):
        page = client.get("/consultation/").content.decode()
        assert 'name="newsletter"' in page and "セミナー等の案内" in page
        assert 'name="newsletter" checked' not in page
        assert client.post("/consultation/", CONSULTATION_FORM).status_code == 302
        email = CONSULTATION_FORM["email"]
        assert not Subscription.objects.exists() and not _confirmations(email).exists()
        ticked = {**CONSULTATION_FORM, "subject": "二件目", "newsletter": "on"}
        assert client.post("/consultation/", ticked).status_code == 302
    assert _confirmations(email).get().language == "ja"
    _pending_from(email, SubscriptionEvent.Channel.CONSULTATION_FORM)


def test_the_english_consultation_form_mails_the_confirmation_in_english(client, site):
    with time_machine.travel(START, tick=False):
        ticked = {**CONSULTATION_FORM, "newsletter": "on"}
        assert client.post("/en/consultation/", ticked).status_code == 302
    assert _confirmations(CONSULTATION_FORM["email"]).get().language == "en"


def test_the_seminar_form_box_ticked_starts_the_opt_in_and_unticked_does_nothing(client, site):
    seminar = make_seminar(days=10)
    unticked = {**SEMINAR_FORM, "email": "no@example.jp"}
    assert (
        client.post(f"/seminars/{seminar_page(seminar).pk}/register/", unticked).status_code == 302
    )
    ticked = {**SEMINAR_FORM, "email": "yes@example.jp", "newsletter": "on"}
    assert client.post(f"/seminars/{seminar_page(seminar).pk}/register/", ticked).status_code == 302
    assert Registration.objects.count() == 2
    assert not _confirmations("no@example.jp").exists()
    assert not Subscription.objects.filter(person__email="no@example.jp").exists()
    assert _confirmations("yes@example.jp").count() == 1
    _pending_from("yes@example.jp", SubscriptionEvent.Channel.SEMINAR_FORM)


def test_the_booking_form_box_ticked_starts_the_opt_in(
    client, site, django_capture_on_commit_callbacks
):
    series = make_series(slots=2)
    first, second = series.slots.all()[:2]
    assert 'name="newsletter"' in client.get(f"/sessions/{series.pk}/").content.decode()
    data = form_data(first)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/sessions/{series.pk}/", data).status_code == 302
    assert not Subscription.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        # Another person: one address holds one booking per series.
        ticked = {**form_data(second, email="second@example.jp"), "newsletter": "on"}
        assert client.post(f"/sessions/{series.pk}/", ticked).status_code == 302
    assert SessionBooking.objects.count() == 2
    assert _confirmations(ticked["email"]).count() == 1
    _pending_from(ticked["email"], SubscriptionEvent.Channel.BOOKING_FORM)


def test_a_registrant_who_matches_nobody_becomes_a_person_on_a_timeline(site):
    seminar = make_seminar(days=10)
    registration = registration_create(
        seminar=seminar,
        requester=Requester(
            family_name="鈴鹿 一郎",
            email="ichiro@suzuka.example.jp",
            organisation_name="鈴鹿ものづくり株式会社",
            requester_type="business",
        ),
        mode="venue",
    )
    person = registration.person
    assert (person.family_name, person.given_name) == ("鈴鹿", "一郎")
    assert person.organisation.name == "鈴鹿ものづくり株式会社"
    assert any(
        seminar.title in e.title
        for e in timeline(user=staff_user("reader"), organisation=person.organisation)
    )
    # Without an organisation name the person is recorded under their own name.
    alone = registration_create(
        seminar=seminar,
        requester=Requester(family_name="桑名 花子", email="hanako@example.jp"),
        mode="venue",
    )
    assert alone.person.organisation.name == "桑名 花子"
    assert Person.objects.count() == 2


# --- the stand-alone subscribe page (/newsletter/) ------------------------------------------

SUBSCRIBE = {
    "name": "伊勢 花子",
    "email": "hanako@ise.example.jp",
    "organisation": "伊勢デジタル株式会社",
    "consent": "on",
}


def _confirm_mail(email):
    message = _confirmations(email).get()
    subject, body, _html = render_message(message)
    return message, subject, body


def test_the_subscribe_page_shows_the_notice_before_submit_and_mails_a_japanese_confirmation(
    client, site
):
    page = client.get("/newsletter/").content.decode()
    notice = PurposeNotice.current(PurposeNotice.Scope.NEWSLETTER)
    assert notice.text("ja").splitlines()[0] in page
    assert page.index("個人情報の取扱いについて") < page.index('name="consent"')
    assert 'name="consent" checked' not in page
    response = client.post("/newsletter/", SUBSCRIBE)
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "確認メールをご確認ください" in thanks
    message, subject, body = _confirm_mail(SUBSCRIBE["email"])
    assert message.language == "ja" and "お申し込みの確認" in subject
    assert urlsplit(message.context["confirm_url"]).path.startswith("/newsletter/confirm/")
    assert message.context["confirm_url"] in body
    subscription = _pending_from(SUBSCRIBE["email"], SubscriptionEvent.Channel.SUBSCRIBE_PAGE)
    assert subscription.events.get().notice == notice  # what the person consented to
    person = subscription.person
    assert (person.family_name, person.given_name) == ("伊勢", "花子")
    assert person.organisation.name == "伊勢デジタル株式会社"
    assert not subscription_in_force(person.pk)


def test_the_english_subscribe_page_mails_an_english_confirmation_with_an_english_link(
    client, site
):
    page = client.get("/en/newsletter/").content.decode()
    notice = PurposeNotice.current(PurposeNotice.Scope.NEWSLETTER)
    assert notice.text("en").splitlines()[0] in page and "Subscribe" in page
    response = client.post("/en/newsletter/", SUBSCRIBE)
    assert response.status_code == 302 and response["Location"].startswith("/en/")
    assert "check your mailbox" in client.get(response["Location"]).content.decode().lower()
    message, subject, _body = _confirm_mail(SUBSCRIBE["email"])
    assert message.language == "en" and "confirm your subscription" in subject
    assert urlsplit(message.context["confirm_url"]).path.startswith("/en/newsletter/confirm/")
    assert Subscription.objects.get().language == "en"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_without_consent_the_page_says_why_keeps_what_was_typed_and_saves_nothing(
    client, site, prefix
):
    data = {k: v for k, v in SUBSCRIBE.items() if k != "consent"}
    response = client.post(f"{prefix}/newsletter/", data)
    assert response.status_code == 400
    page = response.content.decode()
    expected = "Your agreement" if prefix else "個人情報の取扱いへの同意が必要です。"
    assert expected in page
    assert 'href="#id_consent"' in page  # the error summary leads to the box
    assert 'value="伊勢 花子"' in page and 'value="hanako@ise.example.jp"' in page
    assert not Person.objects.exists() and not Subscription.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_existing_persons_address_gets_a_person_of_its_own_listed_for_staff(client, site):
    """The subscribe page is unverified (issue 26): it never joins or changes an existing
    person, even with the same name and address; staff decide on the listed match."""
    existing = person_for_registration(name="伊勢 花子", email=SUBSCRIBE["email"])[0]
    assert client.post("/newsletter/", SUBSCRIBE).status_code == 302
    assert Person.objects.count() == 2
    subscriber = Subscription.objects.get().person
    assert subscriber != existing and subscriber.email == SUBSCRIBE["email"]
    duplicate = PossibleDuplicate.objects.get(person__isnull=False)
    assert (duplicate.person, duplicate.person_match) == (subscriber, existing)
    assert duplicate.source == "newsletter" and duplicate.evidence == ["email", "name"]


def test_a_likely_match_is_listed_for_staff_with_what_was_typed(client, site):
    existing = person_for_registration(name="伊勢 一郎", email=SUBSCRIBE["email"])[0]
    assert client.post("/newsletter/", SUBSCRIBE).status_code == 302
    subscriber = Subscription.objects.get().person
    assert subscriber != existing and str(subscriber) == "伊勢 花子"
    duplicate = PossibleDuplicate.objects.get(person__isnull=False)
    assert duplicate.person_match == existing and duplicate.source == "newsletter"
    assert "伊勢 花子" in duplicate.subject_label  # what was typed, for staff to decide


def test_an_active_subscriber_gets_the_same_answer_and_stays_active_without_a_second_mail(
    client, site
):
    assert client.post("/newsletter/", SUBSCRIBE).status_code == 302
    subscription = Subscription.objects.get()
    subscription_confirm(subscription=subscription)
    fresh = client.post("/newsletter/", {**SUBSCRIBE, "email": "new@example.jp"})
    again = client.post("/newsletter/", SUBSCRIBE)
    assert again.status_code == fresh.status_code == 302
    assert again["Location"] == fresh["Location"]
    assert client.get(again["Location"]).content == client.get(fresh["Location"]).content
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.ACTIVE
    assert _confirmations(SUBSCRIBE["email"]).count() == 1


@time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=TOKYO), tick=False)
def test_the_subscribe_page_is_rate_limited_per_address(client, site, settings):
    settings.DXCENTER_RATE_LIMIT_ENABLED = True
    settings.DXCENTER_PUBLIC_POST_RATE_EMAIL = "2/h"
    for n in range(2):
        client.post("/newsletter/", SUBSCRIBE, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post("/en/newsletter/", SUBSCRIBE, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many" in page and 'value="伊勢 花子"' in page
    # The second post within the day mailed nothing new, the refused third nothing either.
    assert _confirmations(SUBSCRIBE["email"]).count() == 1


def test_the_site_footer_and_the_unsubscribe_page_lead_to_the_subscribe_page(client, site):
    assert 'href="/newsletter/"' in client.get("/").content.decode()
    assert 'href="/en/newsletter/"' in client.get("/en/").content.decode()
    assert client.post("/newsletter/", SUBSCRIBE).status_code == 302
    subscription = Subscription.objects.get()
    path = urlsplit(unsubscribe_url(subscription)).path
    client.post(path)
    assert 'href="/newsletter/"' in client.get(path).content.decode()

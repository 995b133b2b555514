"""Issue 18 gaps: the public forms' newsletter box starts the double opt-in (never more), and
every seminar registrant is a person on a timeline."""

import datetime as dt

import pytest
import time_machine

from appointments.models import SessionBooking
from appointments.tests.factories import form_data, make_series
from cms import demo
from crm.models import Person
from crm.outreach_models import Subscription, SubscriptionEvent
from crm.timeline import timeline
from dxcenter.common.models import OutboxMessage
from events.models import Registration
from events.services import registration_create
from events.tests.factories import TOKYO, make_seminar
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
    assert client.post(f"/seminars/{seminar.pk}/register/", unticked).status_code == 302
    ticked = {**SEMINAR_FORM, "email": "yes@example.jp", "newsletter": "on"}
    assert client.post(f"/seminars/{seminar.pk}/register/", ticked).status_code == 302
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
        ticked = {**form_data(second), "newsletter": "on"}
        assert client.post(f"/sessions/{series.pk}/", ticked).status_code == 302
    assert SessionBooking.objects.count() == 2
    assert _confirmations(ticked["email"]).count() == 1
    _pending_from(ticked["email"], SubscriptionEvent.Channel.BOOKING_FORM)


def test_a_registrant_who_matches_nobody_becomes_a_person_on_a_timeline(site):
    seminar = make_seminar(days=10)
    registration = registration_create(
        seminar=seminar,
        name="鈴鹿 一郎",
        email="ichiro@suzuka.example.jp",
        organisation="鈴鹿ものづくり株式会社",
        requester_type="business",
        mode="venue",
    )
    person = registration.person
    assert (person.family_name, person.given_name) == ("鈴鹿", "一郎")
    assert person.organisation.name == "鈴鹿ものづくり株式会社"
    assert any(seminar.title in e.title for e in timeline(organisation=person.organisation))
    # Without an organisation name the person is recorded under their own name.
    alone = registration_create(
        seminar=seminar, name="桑名 花子", email="hanako@example.jp", mode="venue"
    )
    assert alone.person.organisation.name == "桑名 花子"
    assert Person.objects.count() == 2

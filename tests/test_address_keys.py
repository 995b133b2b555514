"""Issue 26, finding 4: an address is a key in one form only (NFKC, IDNA domain, lower case),
for the rate limits of every public form, for matching people and for the outbox's recipient.

Full-width letters in the domain (victim@ｅxample.net) reach the same mailbox as
victim@example.net: they must count against the same limit and find the same person.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.cache import cache

from appointments.tests.factories import form_data, make_series
from cases.tests.test_intake import VALID
from cms import demo
from common.mail import outbox_add
from common.models import BouncedAddress, OutboxMessage
from common.selectors import bouncing_emails, is_bouncing
from common.text import canonical_email
from crm.models import Person
from crm.normalise import normalise_email
from events.tests.factories import make_seminar
from events.tests.test_registration import FORM as SEMINAR_FORM

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 7, 1, 10, 0, tzinfo=TOKYO)

VICTIM = "victim@example.net"
# Twenty ways to write the victim's address that all reach the same mailbox: full-width letters
# and dots in the domain, a full-width ＠, upper case, an ideographic full stop, a trailing dot.
SPELLINGS = [
    "victim@ｅxample.net",
    "victim@eｘample.net",
    "victim@exａmple.net",
    "victim@examｐle.net",
    "victim@exampｌe.net",
    "victim@examplｅ.net",
    "victim@example.ｎet",
    "victim@example.nｅt",
    "victim@example.neｔ",
    "victim@ｅｘａｍｐｌｅ.ｎｅｔ",
    "victim@example．net",
    "victim＠example.net",
    "ｖｉｃｔｉｍ@example.net",
    "VICTIM@EXAMPLE.NET",
    "Victim@Ｅxample.Net",
    "victim@EXAMPLE.ｎｅｔ",
    "victim@example。net",
    "victim@example.net.",
    " victim@ｅxample.net ",
    "victim@ＥＸＡＭＰＬＥ.net",
]


@pytest.fixture(autouse=True)
def limits(settings):
    cache.clear()
    settings.DXCENTER_RATE_LIMIT_ENABLED = True
    settings.DXCENTER_PUBLIC_POST_RATE_IP = "60/h"
    settings.DXCENTER_PUBLIC_POST_RATE_EMAIL = "5/h"
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return demo.seed_site()


def test_every_spelling_has_the_one_canonical_form():
    assert {canonical_email(s) for s in SPELLINGS} == {VICTIM}
    assert canonical_email("Taro@日本語.jp") == "taro@xn--wgv71a119e.jp"
    assert canonical_email("taro@ＸＮ--wgv71a119e.jp") == "taro@xn--wgv71a119e.jp"
    assert canonical_email("  ") == "" and canonical_email(None) == ""
    # What crm matches on is the same form (it delegates).
    assert {normalise_email(s) for s in SPELLINGS} == {VICTIM}


def _newsletter(email):
    return {"name": "被害 太郎", "email": email, "organisation": "", "consent": "on"}


def _mails_to_victim():
    return OutboxMessage.objects.filter(to_email=VICTIM).count()


@time_machine.travel(NOW, tick=False)
def test_full_width_spellings_share_the_newsletter_limit_and_the_victim_gets_one_mail(client, site):
    statuses = [
        client.post("/newsletter/", _newsletter(VICTIM), REMOTE_ADDR="198.51.100.1").status_code
        for _ in range(5)
    ]
    assert statuses == [302] * 5
    assert client.post("/newsletter/", _newsletter(VICTIM)).status_code == 429
    others = [
        client.post(
            "/newsletter/", _newsletter(spelling), REMOTE_ADDR=f"203.0.113.{n % 3}"
        ).status_code
        for n, spelling in enumerate(SPELLINGS)
    ]
    assert others == [429] * 20
    # One person, one pending subscription, one confirmation mail (re-requests send nothing).
    assert Person.objects.count() == 1
    assert _mails_to_victim() == 1


def _spelling_over_limit(client, url, data_for, first_ok=302):
    for n in range(5):
        client.post(url, data_for(VICTIM, n), REMOTE_ADDR=f"198.51.100.{n}")
    return [
        client.post(url, data_for(spelling, n), REMOTE_ADDR=f"203.0.113.{n % 3}").status_code
        for n, spelling in enumerate(SPELLINGS[:6])
    ]


@time_machine.travel(NOW, tick=False)
def test_full_width_spellings_share_the_consultation_limit(client, site):
    def data(email, n):
        return {**VALID, "email": email, "subject": f"相談 {n}", "description": f"内容 {n}"}

    assert _spelling_over_limit(client, "/consultation/", data) == [429] * 6


@time_machine.travel(NOW, tick=False)
def test_full_width_spellings_share_the_seminar_registration_limit(client, site):
    seminar = make_seminar(capacity_venue=50)

    def data(email, n):
        return {**SEMINAR_FORM, "email": email, "name": f"三重 {n}"}

    assert _spelling_over_limit(client, seminar.url, data) == [429] * 6


@time_machine.travel(NOW, tick=False)
def test_full_width_spellings_share_the_booking_limit(client, site):
    series = make_series(slots=3)
    slot = series.slots.first()

    def data(email, n):
        return form_data(slot, email=email)

    assert _spelling_over_limit(client, f"/sessions/{series.pk}/", data) == [429] * 6


def test_the_outbox_sends_to_the_canonical_address_and_a_bounce_holds_every_spelling():
    message = outbox_add(to="Victim@ｅｘａｍｐｌｅ.net", template="newsletter_confirm")
    assert message.to_email == VICTIM
    BouncedAddress.objects.create(email=VICTIM, reason="bounce")
    assert is_bouncing("victim@ｅxample.net")
    assert bouncing_emails(["victim@ｅxample.net", "other@example.net"]) == {VICTIM}


def test_stored_keys_are_brought_to_the_canonical_form_by_the_data_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("crm.migrations.0010_email_normalised_canonical")
    from crm.tests.helpers import person as make_person

    person = make_person("Old@ｅxample.net")
    Person.objects.filter(pk=person.pk).update(email_normalised="old@ｅxample.net")  # NFKC only
    migration.recompute(apps, None)
    person.refresh_from_db()
    assert person.email_normalised == "old@example.net"

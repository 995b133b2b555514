"""Public forms: limits per form, per IP (generous, for offices) and per e-mail address."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.cache import cache

from cases.models import Case
from cases.tests.test_intake import VALID
from cms import demo
from events.models import Registration
from events.tests.factories import make_seminar
from events.tests.test_registration import FORM

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
OFFICE = {"REMOTE_ADDR": "203.0.113.7"}


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


@time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=TOKYO), tick=False)
def test_ten_people_from_one_office_register_for_a_seminar_within_a_minute(client):
    seminar = make_seminar(capacity_venue=20)
    for n in range(10):
        data = {**FORM, "name": f"職員 {n}", "email": f"staff{n}@town.example.lg.jp"}
        assert client.post(seminar.url, data, **OFFICE).status_code == 302, n
    assert Registration.objects.count() == 10


def test_ten_consultations_from_one_office_are_all_taken(client, site):
    for n in range(10):
        data = {**VALID, "email": f"person{n}@office.example.jp"}
        assert client.post("/consultation/", data, **OFFICE).status_code == 302, n
    assert Case.objects.count() == 10


# Every post at the same instant: the count cannot straddle the end of a rate window.
@time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=TOKYO), tick=False)
def test_one_address_cannot_flood_even_from_many_addresses(client, site):
    statuses = [
        client.post(
            "/consultation/", {**VALID, "email": ""}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 400]  # no address, only the IP counts
    for n in range(5):
        data = {**VALID, "email": "Flood@Example.jp", "description": "x"}
        # Invalid posts count as well: the form is refused before anything is stored.
        client.post("/consultation/", {**data, "organisation_name": ""}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post("/consultation/", VALID | {"email": "flood@example.jp"}, **OFFICE)
    assert response.status_code == 429
    assert "短時間に多くの送信がありました" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_ip_limit_is_separate_per_form_and_configurable(client, site, settings):
    settings.DXCENTER_PUBLIC_POST_RATE_IP = "3/h"
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO), tick=False):
        seminar = make_seminar(capacity_venue=20)
        for n in range(3):
            data = {**VALID, "email": f"p{n}@office.example.jp"}
            assert client.post("/consultation/", data, **OFFICE).status_code == 302
        over = client.post("/consultation/", {**VALID, "email": "p9@office.example.jp"}, **OFFICE)
        assert over.status_code == 429
        # The seminar form has its own count.
        response = client.post(seminar.url, {**FORM, "email": "x@office.example.jp"}, **OFFICE)
        assert response.status_code == 302
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 1, tzinfo=TOKYO), tick=False):
        data = {**VALID, "email": "later@office.example.jp"}
        assert client.post("/consultation/", data, **OFFICE).status_code == 302

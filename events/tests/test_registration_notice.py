"""The registration notice on a seminar page comes from the server, never from the URL."""

import pytest

from django.test import Client

from .factories import make_seminar
from .test_registration import FORM

pytestmark = pytest.mark.django_db

FORGED = "公式のお知らせ: 0120-000-000 に電話してください https://evil.example/"


def test_the_waitlist_notice_shows_the_servers_position_once_and_no_query_text(client):
    seminar = make_seminar(capacity_venue=1)
    client.post(seminar.url, FORM)
    response = client.post(seminar.url, {**FORM, "email": "second@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == seminar.url  # no state in the URL
    page = client.get(response["Location"]).content.decode()
    assert 'id="registration-result"' in page
    assert "キャンセル待ち（1番目）" in page
    # The notice is shown once; a reload does not repeat it.
    assert 'id="registration-result"' not in client.get(seminar.url).content.decode()


@pytest.mark.parametrize("registered", ["waitlisted", "confirmed"])
def test_a_query_string_puts_no_notice_and_no_text_on_the_page(registered):
    seminar = make_seminar(capacity_venue=5)
    response = Client().get(seminar.url, {"registered": registered, "n": FORGED})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="registration-result"' not in html
    assert "0120-000-000" not in html and "evil.example" not in html

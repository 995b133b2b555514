"""Issue 29 item 6: seats explained before and after. A full seminar offers the waiting list
before anyone applies; capacity never drops below the confirmed count; the page never shows
more confirmed than seats."""

import re

import pytest

from django.core.exceptions import ValidationError

from crm.requester import Requester
from events.models import Seminar
from events.services import registration_create

from .factories import make_seminar
from .test_translations import english_copy

pytestmark = pytest.mark.django_db


def _confirm(seminar, n, mode="venue", start=0):
    for i in range(start, start + n):
        registration_create(
            seminar=seminar,
            requester=Requester(family_name=f"参加{i}", email=f"p{i}@example.jp"),
            mode=mode,
        )


def _seats(html):
    return re.sub(r"\s+", " ", re.search(r'id="seats">(.*?)</dd>', html, re.S).group(1)).strip()


def test_a_full_seminar_says_the_registration_goes_on_the_waiting_list(client):
    seminar = make_seminar(capacity_venue=2)
    _confirm(seminar, 1)
    page = client.get(seminar.url).content.decode()
    assert "満席・キャンセル待ちでのお申込み" not in page
    assert "waitlist-notice" not in page
    _confirm(seminar, 1, start=1)
    page = client.get(seminar.url).content.decode()
    assert re.search(r'<button type="submit"[^>]*>満席・キャンセル待ちでのお申込み</button>', page)
    assert "お申込みはキャンセル待ちとなり" in page
    assert "満席" in _seats(page)


def test_the_english_page_offers_the_waiting_list_in_english(client):
    seminar = make_seminar(capacity_venue=1)
    english = english_copy(seminar)
    _confirm(seminar, 1)
    page = client.get(english.url).content.decode()
    assert "Fully booked: join the waiting list" in page
    assert "will go on the waiting list" in page


def test_a_hybrid_seminar_is_full_only_when_both_modes_are(client):
    seminar = make_seminar(format="hybrid", capacity_venue=1, capacity_online=None)
    _confirm(seminar, 1)
    page = client.get(seminar.url).content.decode()
    assert "満席・キャンセル待ちでのお申込み" not in page  # online has no limit
    assert "満席" in _seats(page)  # but the venue is full, and says so


def test_capacity_below_the_confirmed_count_is_refused_with_the_count():
    seminar = make_seminar(capacity_venue=5, capacity_online=3, format="hybrid")
    _confirm(seminar, 5)
    page = Seminar.objects.get(pk=seminar.pk)
    page.capacity_venue = 4
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    message = refused.value.message_dict["capacity_venue"][0]
    assert "参加確定の方が5名" in message
    assert "capacity_online" not in refused.value.message_dict
    page.capacity_venue = 5  # equal to the confirmed count is fine
    page.full_clean()


def test_the_page_never_shows_more_confirmed_than_seats(client):
    seminar = make_seminar(capacity_venue=5)
    _confirm(seminar, 5)
    # Lowered behind the editor's back (e.g. in the database): the page still adds up.
    Seminar.objects.filter(pk=seminar.pk).update(capacity_venue=4)
    seats = _seats(client.get(seminar.url).content.decode())
    assert "参加確定 5" not in seats
    assert "会場 4（参加確定 4・満席）" in seats

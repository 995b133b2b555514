"""A seminar and its English translation are one seminar: one set of seats, one roster."""

import datetime as dt
import re

import pytest

from django.core import mail
from django.utils import timezone

from wagtail.models import Locale

from crm.requester import Requester
from events.models import Registration
from events.services import registration_cancel, registration_check_in, registration_create

from .factories import make_seminar, seminar_page, seminar_publish
from .test_registration import FORM

pytestmark = pytest.mark.django_db


def english_copy(seminar):
    """The Japanese page of the seminar translated into English (it points to the same seminar)."""
    english = seminar_page(seminar).copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    return english


def test_the_english_page_shares_seats_waiting_list_and_duplicates_with_the_japanese_one(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity_venue=1)
    english = english_copy(seminar)

    # The only seat goes through the Japanese page.
    assert client.post(seminar.url, FORM).status_code == 302
    # The English page shows it taken.
    seats = re.search(r'id="seats">(.*?)</dd>', client.get(english.url).content.decode(), re.S)
    assert "Confirmed 1" in seats.group(1)

    # The same person cannot register again through the English page.
    again = client.post(english.url, FORM)
    assert again.status_code == 400
    assert "already registered for this seminar" in again.content.decode()

    # Someone else is put on the (shared) waiting list, in English.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(english.url, {**FORM, "email": "john@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == english.url
    assert "waiting list (number 1)" in client.get(english.url).content.decode()
    assert mail.outbox[-1].to == ["john@example.jp"]
    assert mail.outbox[-1].subject.startswith("[Mie DX Center] You are on the waiting list")

    people = Registration.objects.filter(seminar=seminar).order_by("pk")
    assert [(p.email, p.status, p.language) for p in people] == [
        ("hanako@example.jp", "confirmed", "ja"),
        ("john@example.jp", "waitlisted", "en"),
    ]
    assert english.seminar_id == seminar.pk

    # A cancellation on the Japanese side promotes the English registrant, in English.
    with django_capture_on_commit_callbacks(execute=True):
        (promoted,) = registration_cancel(registration=people[0])
    assert promoted.email == "john@example.jp"
    assert mail.outbox[-1].subject.startswith("[Mie DX Center] A place is free")


def test_staff_see_one_seminar_and_one_roster_for_both_languages(client):
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5, title="共有セミナー")
    english = english_copy(seminar)
    client.post(seminar.url, FORM)
    client.post(english.url, {**FORM, "email": "john@example.jp"})

    client.force_login(staff_user())
    listing = client.get("/admin/seminars/").content.decode()
    assert listing.count("/roster/") == 1
    assert f"/admin/seminars/{seminar.pk}/roster/" in listing
    roster = client.get(f"/admin/seminars/{seminar.pk}/roster/").content.decode()
    assert "hanako@example.jp" in roster and "john@example.jp" in roster


def test_the_english_index_shows_the_attendance_of_the_seminar(client):
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5)
    english = english_copy(seminar)
    english_index = english.get_parent()  # copied as a live alias of the Japanese index
    staff = staff_user()
    for i in range(2):
        person = registration_create(
            seminar=english.seminar if i else seminar,
            requester=Requester(family_name="参加 者", email=f"p{i}@example.jp"),
            mode="venue",
        )
        registration_check_in(registration=person, by=staff)
    # Staff move the seminar once; both languages show it.
    seminar.starts_at = timezone.now() - dt.timedelta(days=2)
    seminar.ends_at = seminar.starts_at + dt.timedelta(hours=2)
    seminar_publish(seminar)

    html = client.get(english_index.url).content.decode()
    assert re.search(rf'href="{re.escape(english.url)}">[^<]*</a></td><td>2 people', html)
    page_html = client.get(english.url).content.decode()
    assert re.search(r'id="attendance">\s*2 people', page_html)


def test_statistics_count_a_translated_seminar_once_and_leave_drafts_out(client):
    from common.dates import fiscal_year_of
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5, title="翻訳のあるセミナー")
    english = english_copy(seminar)
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="参加 者", email="ja@example.jp"),
        mode="venue",
    )
    registration_create(
        seminar=english.seminar,
        requester=Requester(family_name="Guest", email="en@example.jp"),
        mode="venue",
    )
    draft = make_seminar(title="下書きのセミナー")
    seminar_page(draft).unpublish()

    client.force_login(staff_user())
    fiscal_year = fiscal_year_of(timezone.localdate(seminar.starts_at))
    html = client.get("/admin/statistics/", {"fy": fiscal_year}).content.decode()
    table = re.search(r'<table class="listing" id="seminars">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>(\d+)</td>", table)
    assert rows == [("翻訳のあるセミナー", "2")]


def test_an_english_registrant_reads_the_english_title_and_dates(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity_venue=5)
    english = english_copy(seminar)
    english.title = "Getting started with generative AI"
    english.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(english.url, {**FORM, "email": "jane@example.com"})
    assert "Getting started with generative AI" in mail.outbox[-1].subject
    cancel_url = re.search(r"https?://\S+?(/en/registration/cancel/\S+/)", mail.outbox[-1].body)
    page = client.get(cancel_url.group(1)).content.decode()
    assert "Getting started with generative AI" in page
    day = timezone.localtime(seminar.starts_at)
    assert f"{day.day} {day.strftime('%B')} {day.year}" in page  # not 2026年12月3日


def test_the_english_page_shows_the_seminars_current_date_and_venue(client):
    seminar = make_seminar(capacity_venue=5)
    english = english_copy(seminar)
    # Staff move the seminar a week later and to another room; the English copy is not redone.
    seminar.starts_at += dt.timedelta(days=7)
    seminar.ends_at += dt.timedelta(days=7)
    seminar.venue_name = "アスト津 4階 会議室"
    seminar_publish(seminar)
    html = client.get(english.url).content.decode()
    day = timezone.localtime(seminar.starts_at)
    assert f"{day.day} {day.strftime('%B')} {day.year}" in html
    assert "アスト津 4階 会議室" in html
    listing = client.get(english.get_parent().url).content.decode()
    assert f"{day.day} {day.strftime('%B')} {day.year}" in listing

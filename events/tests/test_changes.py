"""Staff change or cancel a seminar: every registrant concerned hears of it, in their language."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from django.core import mail

from crm.requester import Requester
from events.services import registration_create

from .factories import make_seminar, seminar_page, seminar_publish

pytestmark = pytest.mark.django_db


def _ics(message):
    content = next(a[1] for a in message.attachments if a[0] == "seminar.ics")
    return Calendar.from_ical(content)


def _people(seminar):
    return [
        registration_create(
            seminar=seminar,
            requester=Requester(family_name="確定 一郎", email="a@example.jp"),
            mode="venue",
        ),
        registration_create(
            seminar=seminar,
            requester=Requester(family_name="Jane", email="jane@example.com"),
            mode="venue",
            language="en",
        ),
        registration_create(
            seminar=seminar,
            requester=Requester(family_name="待機 三郎", email="w@example.jp"),
            mode="venue",
        ),
    ]


def test_a_new_date_reaches_every_registrant_with_a_replacing_calendar_file(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(capacity_venue=2)
    with django_capture_on_commit_callbacks(execute=True):
        _people(seminar)
    first_uid = str(_ics(mail.outbox[0]).walk("VEVENT")[0]["UID"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seminar.starts_at += dt.timedelta(days=7)
        seminar.ends_at += dt.timedelta(days=7)
        seminar_publish(seminar)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"a@example.jp", "jane@example.com", "w@example.jp"}

    japanese = by_address["a@example.jp"]
    assert "開催内容を変更しました" in japanese.subject
    assert "変更した項目: 日時" in japanese.body
    event = _ics(japanese).walk("VEVENT")[0]
    assert str(event["UID"]) == first_uid
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt == seminar.starts_at

    english = by_address["jane@example.com"]
    assert english.subject.startswith("[Mie DX Center] The seminar has changed")
    assert "What changed: Date and time" in english.body
    assert "waiting list" in by_address["w@example.jp"].body or "キャンセル待ち" in (
        by_address["w@example.jp"].body
    )
    assert not any(a[0] == "seminar.ics" for a in by_address["w@example.jp"].attachments)

    # A second change raises the sequence again; a publish without change mails nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seminar_publish(seminar)
        assert mail.outbox == []
        seminar.venue_name = "四日市の会場"
        seminar_publish(seminar)
    assert int(_ics(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"]) == 2
    assert "会場: 四日市の会場" in mail.outbox[0].body


def test_a_new_online_url_goes_to_online_attendees_only(django_capture_on_commit_callbacks):
    seminar = make_seminar(format="hybrid", capacity_venue=5, capacity_online=5)
    registration_create(
        seminar=seminar, requester=Requester(family_name="会場", email="v@example.jp"), mode="venue"
    )
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="オンライン", email="o@example.jp"),
        mode="online",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seminar.online_url = "https://meet.example.jp/new-room"
        seminar_publish(seminar)
    assert [m.to for m in mail.outbox] == [["o@example.jp"]]
    assert "https://meet.example.jp/new-room" in mail.outbox[0].body


def test_cancelling_the_seminar_removes_it_from_calendars(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity_venue=2)
    with django_capture_on_commit_callbacks(execute=True):
        _people(seminar)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seminar.is_cancelled = True
        seminar_publish(seminar)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"a@example.jp", "jane@example.com", "w@example.jp"}
    assert "開催を中止します" in by_address["a@example.jp"].subject
    assert by_address["jane@example.com"].subject.startswith(
        "[Mie DX Center] The seminar is cancel"
    )
    calendar = _ics(by_address["a@example.jp"])
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    html = client.get(seminar.url).content.decode()
    assert "開催を中止しました" in html and 'id="register-heading"' not in html


def test_no_mail_about_changes_once_the_seminar_has_started(django_capture_on_commit_callbacks):
    seminar = make_seminar(days=2, capacity_venue=2)
    _people(seminar)
    mail.outbox.clear()
    with (
        time_machine.travel(seminar.starts_at + dt.timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        seminar.ends_at += dt.timedelta(hours=1)  # staff correct the record afterwards
        seminar_publish(seminar)
    assert mail.outbox == []


def test_publishing_the_english_translation_mails_nobody(django_capture_on_commit_callbacks):
    from wagtail.models import Locale

    seminar = make_seminar(capacity_venue=2)
    _people(seminar)
    english = seminar_page(seminar).copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        english.save_revision().publish()
        english.summary = "Tsu venue, in English"
        english.save_revision().publish()
    assert mail.outbox == []

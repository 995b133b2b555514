"""A cancelled seminar: no reminder, no survey, not counted as held, no registration anywhere,
and its registrants hear of the cancellation (and of its withdrawal) exactly once."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from django.core import mail
from django.utils import timezone

from wagtail.models import Locale

from crm.requester import Requester
from events.exceptions import RegistrationClosed
from events.models import Registration
from events.services import (
    registration_create,
    registration_move,
    seminar_reminders_send,
    seminar_thanks_send,
)

from .factories import make_seminar, seminar_page, seminar_publish

pytestmark = pytest.mark.django_db


def _cancel(seminar, cancelled=True):
    seminar.is_cancelled = cancelled
    seminar_publish(seminar)


def _calendars(message):
    return [Calendar.from_ical(a[1]) for a in message.attachments if a[0] == "seminar.ics"]


def test_a_cancelled_seminar_gets_no_reminder_and_no_thanks(django_capture_on_commit_callbacks):
    cancelled = make_seminar(days=1, capacity_venue=5, title="中止したセミナー")
    held = make_seminar(days=1, capacity_venue=5, title="開催するセミナー")
    for seminar, email in ((cancelled, "c@example.jp"), (held, "h@example.jp")):
        registration_create(
            seminar=seminar, requester=Requester(family_name="参加 者", email=email), mode="venue"
        )
    _cancel(cancelled)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert seminar_reminders_send(timezone.now()) == 1
    assert [m.to for m in mail.outbox] == [["h@example.jp"]]

    # Someone was checked in before staff cancelled: still no thanks and no survey afterwards.
    Registration.objects.update(checked_in_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert seminar_thanks_send(held.ends_at + dt.timedelta(hours=1)) == 1
    assert [m.to for m in mail.outbox] == [["h@example.jp"]]


def test_a_reminder_queued_before_the_cancellation_brings_no_calendar_entry_back(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(days=1, capacity_venue=5)
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="参加 者", email="r@example.jp"),
        mode="venue",
    )
    with django_capture_on_commit_callbacks(execute=False) as reminder:
        assert seminar_reminders_send(timezone.now()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _cancel(seminar)
    mail.outbox.clear()
    for callback in reminder:
        callback()  # the reminder leaves the outbox after the cancellation
    assert len(mail.outbox) == 1
    methods = [str(c["METHOD"]) for c in _calendars(mail.outbox[0])]
    assert "PUBLISH" not in methods


def test_the_yearly_statistics_leave_a_cancelled_seminar_out():
    from common.dates import fiscal_year_of
    from events.statistics import seminar_statistics

    held = make_seminar(title="開催したセミナー")
    cancelled = make_seminar(title="中止したセミナー")
    _cancel(cancelled)
    fiscal_year = fiscal_year_of(timezone.localdate(held.starts_at))
    titles = [row["title"] for row in seminar_statistics(fiscal_year)]
    assert "開催したセミナー" in titles and "中止したセミナー" not in titles


def test_lists_mark_a_cancelled_seminar_in_both_languages(client):
    seminar = make_seminar(title="中止になるセミナー")
    english = seminar_page(seminar).copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "A seminar to be cancelled"
    english.save_revision().publish()
    # Staff cancel the Japanese (canonical) page; the English copy is not re-synced.
    _cancel(seminar)

    index = client.get(seminar_page(seminar).get_parent().url).content.decode()
    assert re.search(
        rf'href="{re.escape(seminar.url)}">中止になるセミナー</a>\s*<[^>]*>開催中止', index
    )
    home = client.get("/").content.decode()
    section = home.split('id="seminars-title"')[1].split("</section>")[0]
    assert "開催中止" in section

    english_index = client.get(english.get_parent().url).content.decode()
    assert re.search(
        rf'href="{re.escape(english.url)}">A seminar to be cancelled</a>\s*<[^>]*>Cancelled',
        english_index,
    )
    english_home = client.get("/en/").content.decode()
    section = english_home.split('id="seminars-title"')[1].split("</section>")[0]
    assert "A seminar to be cancelled" in section and "Cancelled" in section
    english_page = client.get(english.url).content.decode()
    assert 'id="register-heading"' not in english_page


def test_staff_cannot_register_a_walk_in_for_a_cancelled_seminar(client):
    from common.tests.factories import staff_user

    seminar = make_seminar(days=0, capacity_venue=5)
    _cancel(seminar)
    with pytest.raises(RegistrationClosed):
        registration_create(
            seminar=seminar,
            requester=Requester(family_name="当日 太郎", email="w@example.jp"),
            mode="venue",
            walk_in=True,
        )
    client.force_login(staff_user())
    roster = client.get(f"/admin/seminars/{seminar.pk}/roster/").content.decode()
    assert "登録して受付" not in roster and "開催を中止しました" in roster
    assert not Registration.objects.filter(seminar=seminar).exists()
    listing = client.get("/admin/seminars/").content.decode()
    assert re.search(rf"{re.escape(seminar.title)}</a>\s*<[^>]*>開催中止", listing)


def test_staff_moving_someone_in_a_cancelled_seminar_is_refused_and_mails_nobody(
    django_capture_on_commit_callbacks,
):
    from events.exceptions import InvalidRegistrationChange

    seminar = make_seminar(format="hybrid", capacity_venue=5, capacity_online=5)
    person = registration_create(
        seminar=seminar,
        requester=Requester(family_name="参加 者", email="p@example.jp"),
        mode="venue",
    )
    _cancel(seminar)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidRegistrationChange):
        registration_move(registration=person, mode="online")
    person.refresh_from_db()
    assert person.mode == "venue" and mail.outbox == []


def test_the_cancellation_is_mailed_once_and_its_withdrawal_says_the_seminar_is_on(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(capacity_venue=1)
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="確定 一郎", email="a@example.jp"),
        mode="venue",
    )
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="Jane", email="jane@example.com"),
        mode="venue",
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _cancel(seminar)
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    # While cancelled, staff correct the venue: nobody is told of the cancellation again.
    with django_capture_on_commit_callbacks(execute=True):
        seminar.venue_name = "四日市の会場"
        seminar_publish(seminar)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        _cancel(seminar, cancelled=False)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"a@example.jp", "jane@example.com"}
    japanese = by_address["a@example.jp"]
    assert "セミナーを開催します" in japanese.subject
    assert "中止を取り消し、開催します" in japanese.body
    assert "変更した項目: 会場" in japanese.body and "四日市の会場" in japanese.body
    calendar = _calendars(japanese)[0]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 2  # replaces the cancellation (1)
    english = by_address["jane@example.com"]
    assert "will take place after all" in english.subject
    assert "waiting list (number 1)" in english.body
    assert _calendars(english) == []


def test_a_waiting_person_moved_to_a_free_seat_gets_one_mail_saying_they_are_confirmed(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(format="hybrid", capacity_venue=1, capacity_online=1)
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="会場 一郎", email="v@example.jp"),
        mode="venue",
    )
    waiting = registration_create(
        seminar=seminar,
        requester=Requester(family_name="待機 二郎", email="w@example.jp"),
        mode="venue",
    )
    assert waiting.status == Registration.Status.WAITLISTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_move(registration=waiting, mode="online")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "キャンセル待ち（" not in message.body
    assert "参加確定" in message.subject + message.body
    assert "https://meet.example.jp/secret-room" in message.body
    assert str(_calendars(message)[0]["METHOD"]) == "PUBLISH"

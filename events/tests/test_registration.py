import datetime as dt
import re

import pytest
from icalendar import Calendar

from django.core import mail
from django.utils import timezone

from crm.requester import Requester
from events.exceptions import DuplicateRegistration, RegistrationClosed
from events.models import Registration
from events.services import (
    CANCEL_SALT,
    SURVEY_SALT,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_token,
    seminar_reminders_send,
    seminar_thanks_send,
)

from .factories import TOKYO, make_seminar, seminar_page, seminar_publish

pytestmark = pytest.mark.django_db

FORM = {
    "name": "三重 花子",
    "name_kana": "みえ はなこ",
    "email": "hanako@example.jp",
    "organisation": "株式会社テスト",
    "requester_type": "business",
    "municipality": "242012",
    "mode": "venue",
    "question": "",
    "consent": "on",
}


def register(*, name="参加 者", email="a@example.jp", **overrides):
    data = {"requester": Requester(family_name=name, email=email), "mode": "venue"}
    data.update(overrides)
    return registration_create(**data)


def test_capacity_then_waiting_list_with_positions():
    seminar = make_seminar(capacity_venue=2)
    first = register(seminar=seminar, email="1@example.jp")
    second = register(seminar=seminar, email="2@example.jp")
    third = register(seminar=seminar, email="3@example.jp")
    fourth = register(seminar=seminar, email="4@example.jp")
    assert [r.status for r in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    from events.selectors import waitlist_position

    assert waitlist_position(third) == 1 and waitlist_position(fourth) == 2


def test_same_email_twice_is_refused():
    seminar = make_seminar()
    register(seminar=seminar, email="dup@example.jp")
    with pytest.raises(DuplicateRegistration, match="既にこのセミナーにお申し込み"):
        register(seminar=seminar, email="DUP@example.jp")


def test_registration_window():
    seminar = make_seminar(registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(RegistrationClosed):
        register(seminar=seminar)


def test_cancel_promotes_the_first_waiting_and_tells_them(django_capture_on_commit_callbacks):
    seminar = make_seminar(capacity_venue=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = register(seminar=seminar, email="first@example.jp")
        waiting = register(seminar=seminar, email="waiting@example.jp")
        later = register(seminar=seminar, email="later@example.jp")
        (promoted,) = registration_cancel(registration=first)
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == "confirmed" and later.status == "waitlisted"
    promoted_mail = [m for m in mail.outbox if m.to == ["waiting@example.jp"]][-1]
    assert "参加確定になりました" in promoted_mail.subject


def test_confirmation_mail_has_an_ics_with_the_right_start_and_a_cancel_link(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity_venue=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(seminar.url, FORM)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name_kana == "ミエ ハナコ"
    assert registration.notice.scope == "seminar"
    message = mail.outbox[-1]
    assert "受け付けました" in message.subject
    ics = next(a for a in message.attachments if a[0] == "seminar.ics")
    calendar = Calendar.from_ical(ics[1])
    event = calendar.walk("VEVENT")[0]
    start = event["DTSTART"].dt
    assert start.astimezone(TOKYO) == seminar.starts_at.astimezone(TOKYO)
    assert start.astimezone(TOKYO).hour == 14
    # Japan time with its time zone, not UTC: calendar apps show 14:00 without converting.
    raw = ics[1].decode() if isinstance(ics[1], bytes) else ics[1]
    local_start = seminar.starts_at.astimezone(TOKYO).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Asia/Tokyo:{local_start}" in raw.splitlines()
    assert event["DTEND"].params["TZID"] == "Asia/Tokyo"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Tokyo"
    assert not zone.walk("DAYLIGHT")
    (standard,) = zone.walk("STANDARD")
    assert (
        standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO") == dt.timedelta(hours=9)
    )
    assert "三重県津市広明町13" in str(event["LOCATION"])
    assert "secret-room" not in message.body  # venue attendee: no online URL
    assert any(a[0] == "checkin-qr.png" for a in message.attachments)

    cancel_url = re.search(r"https?://\S+/registration/cancel/\S+/", message.body).group(0)
    path = cancel_url.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    client.post(f"/{path}")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_online_attendees_get_the_online_url_and_the_page_never_shows_it(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(format="hybrid", capacity_online=10)
    assert "secret-room" not in client.get(seminar.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(seminar.url, {**FORM, "mode": "online"})
    message = mail.outbox[-1]
    assert "https://meet.example.jp/secret-room" in message.body
    ics = next(a for a in message.attachments if a[0] == "seminar.ics")
    event = Calendar.from_ical(ics[1]).walk("VEVENT")[0]
    assert "secret-room" in str(event["LOCATION"])


def test_form_errors_keep_input_and_duplicate_is_explained(client):
    seminar = make_seminar(capacity_venue=5)
    response = client.post(seminar.url, {**FORM, "consent": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="三重 花子"' in html and "個人情報の取扱いへの同意が必要です。" in html
    client.post(seminar.url, FORM)
    # The same address again with other details (an identical repeat is the first submission,
    # tests/test_public_forms.py): the refusal says why.
    again = client.post(seminar.url, {**FORM, "question": "もう一度申し込みます"})
    assert again.status_code == 400
    assert "既にこのセミナーにお申し込み" in again.content.decode()
    assert Registration.objects.count() == 1


def test_waiting_list_message_on_the_page(client):
    seminar = make_seminar(capacity_venue=1)
    client.post(seminar.url, FORM)
    response = client.post(seminar.url, {**FORM, "email": "second@example.jp"}, follow=True)
    assert "キャンセル待ち（1番目）" in response.content.decode()


def test_staff_check_in_and_attendance_on_the_past_page(client, django_capture_on_commit_callbacks):
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5)
    people = [register(seminar=seminar, email=f"p{i}@example.jp") for i in range(3)]
    staff = staff_user()
    client.force_login(staff)
    roster = client.get(f"/admin/seminars/{seminar.pk}/roster/", {"q": "p1@"})
    assert roster.status_code == 200
    assert "p1@example.jp" in roster.content.decode()
    assert "p0@example.jp" not in roster.content.decode()
    for person in people[:2]:
        client.post(f"/admin/seminars/registrations/{person.pk}/checkin/")
    client.post(
        f"/admin/seminars/{seminar.pk}/walk-in/",
        {"name": "当日 参加", "email": "walkin@example.jp", "requester_type": "citizen_group"},
    )
    # Without the person's consent to the notice shown on the roster, nobody is registered.
    assert not Registration.objects.filter(email="walkin@example.jp").exists()
    assert "個人情報の取扱いについて" in roster.content.decode()
    client.post(
        f"/admin/seminars/{seminar.pk}/walk-in/",
        {
            "name": "当日 参加",
            "email": "walkin@example.jp",
            "requester_type": "citizen_group",
            "consent": "on",
        },
    )
    walk_in = Registration.objects.get(email="walkin@example.jp")
    assert walk_in.is_walk_in and walk_in.notice.scope == "seminar"
    assert walk_in.consented_at is not None
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 3

    # After the seminar, the public page shows the attendance.
    seminar.starts_at = timezone.now() - dt.timedelta(days=2)
    seminar.ends_at = timezone.now() - dt.timedelta(days=2, hours=-2)
    seminar_publish(seminar)
    client.logout()
    html = client.get(seminar.url).content.decode()
    assert re.search(r'id="attendance">\s*3名', html)
    index_html = client.get(seminar_page(seminar).get_parent().url).content.decode()
    assert "3名" in index_html

    export = client.get(f"/admin/seminars/{seminar.pk}/roster/", {"export": "csv"})
    assert export.status_code == 302  # logged out: back to the login page


def test_roster_export_and_qr_check_in(client):
    from common.tests.factories import staff_user
    from events.services import CHECKIN_SALT, registration_token

    seminar = make_seminar(capacity_venue=5)
    person = register(seminar=seminar, email="qr@example.jp", name="キューアール 太郎")
    client.force_login(staff_user())
    csv = client.get(f"/admin/seminars/{seminar.pk}/roster/", {"export": "csv"})
    assert "キューアール 太郎" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/admin/seminars/{seminar.pk}/roster/", {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    url = f"/admin/seminars/checkin/{registration_token(person, CHECKIN_SALT)}/"
    assert "キューアール 太郎" in client.get(url).content.decode()
    client.post(url)
    person.refresh_from_db()
    assert person.checked_in_at is not None


def test_reminder_the_day_before_and_thanks_after_with_survey(
    client, django_capture_on_commit_callbacks
):
    seminar = make_seminar(days=1, capacity_venue=5)
    with django_capture_on_commit_callbacks(execute=True):
        person = register(seminar=seminar, email="remind@example.jp")
        now = timezone.now()
        assert seminar_reminders_send(now) == 1
        assert seminar_reminders_send(now) == 0
    assert "明日のセミナー" in mail.outbox[-1].subject
    from common.tests.factories import staff_user

    registration_check_in(registration=person, by=staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        assert seminar_thanks_send(seminar.ends_at + dt.timedelta(hours=1)) == 1
    body = mail.outbox[-1].body
    survey_url = re.search(r"https?://\S+/registration/survey/\S+/", body).group(0)
    path = "/" + survey_url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"satisfaction": "4", "useful_for_dx": "1", "comment": "参考になった"}
    )
    assert response.status_code == 302
    from events.models import SeminarSurvey

    assert SeminarSurvey.objects.get().useful_for_dx is True


def test_a_forged_cancel_link_is_404(client):
    """A real registration's number with a made-up signature (or another link's) cancels nothing."""
    person = register(seminar=make_seminar(), email="forged@example.jp")
    assert client.get(f"/registration/cancel/{person.pk}:forged/").status_code == 404
    survey_token = registration_token(person, SURVEY_SALT)
    assert client.get(f"/registration/cancel/{survey_token}/").status_code == 404
    real = registration_token(person, CANCEL_SALT)
    assert client.get(f"/registration/cancel/{real}/").status_code == 200


def test_english_registration_gets_english_mail(client, django_capture_on_commit_callbacks):
    from wagtail.models import Locale

    seminar = make_seminar(capacity_venue=5)
    english = seminar_page(seminar).copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    url = english.get_url()
    assert url.startswith("/en/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM)
    assert response.status_code == 302
    assert mail.outbox[-1].subject.startswith(
        "[Mie DX Center] Your seminar registration is confirmed"
    )
    assert "Dear registrant" in mail.outbox[-1].body


def test_staff_moving_a_registration_tells_the_person_by_mail(
    client, django_capture_on_commit_callbacks
):
    from common.models import OutboxMessage
    from common.tests.factories import staff_user

    seminar = make_seminar(format="hybrid", capacity_venue=5, capacity_online=5)
    person = register(seminar=seminar, email="move@example.jp", name="移動 太郎")
    client.force_login(staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/seminars/registrations/{person.pk}/move/", {"mode": "online"}
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.mode == "online"
    queued = OutboxMessage.objects.filter(to_email="move@example.jp", template="seminar_moved")
    assert queued.count() == 1
    message = mail.outbox[-1]
    assert message.to == ["move@example.jp"]
    assert "参加方法を変更しました" in message.subject
    assert "参加方法: オンライン" in message.body
    assert "https://meet.example.jp/secret-room" in message.body
    ics = next(a for a in message.attachments if a[0] == "seminar.ics")
    event = Calendar.from_ical(ics[1]).walk("VEVENT")[0]
    assert "secret-room" in str(event["LOCATION"])
    assert not any(a[0] == "checkin-qr.png" for a in message.attachments)


def test_an_english_registrant_moved_by_staff_gets_the_mail_in_english(
    django_capture_on_commit_callbacks,
):
    from events.services import registration_move

    seminar = make_seminar(format="hybrid", capacity_venue=5, capacity_online=5)
    person = register(seminar=seminar, email="jane@example.com", mode="online", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        registration_move(registration=person, mode="venue")  # staff work in Japanese
    message = mail.outbox[-1]
    assert message.to == ["jane@example.com"]
    assert message.subject.startswith("[Mie DX Center] Your way of attending has changed")
    assert "Attending: Venue" in message.body
    assert "Venue: 津市の会場 三重県津市広明町13" in message.body
    assert "secret-room" not in message.body
    assert any(a[0] == "checkin-qr.png" for a in message.attachments)


def test_cancelling_ones_own_registration_is_confirmed_with_a_calendar_cancel(
    django_capture_on_commit_callbacks,
):
    """Issue 27: the person's own cancellation (their link) gets a confirmation in their
    language whose calendar file removes the seminar (METHOD:CANCEL, the same UID)."""
    seminar = make_seminar(capacity_venue=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar=seminar, language="en")
    confirmed = mail.outbox[-1]
    uid = str(Calendar.from_ical(confirmed.attachments[0][1]).walk("VEVENT")[0]["uid"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
    (message,) = mail.outbox
    assert message.to == ["a@example.jp"]
    assert "registration is cancelled" in message.subject
    calendar = Calendar.from_ical(next(a for a in message.attachments if a[0] == "seminar.ics")[1])
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["uid"]) == uid

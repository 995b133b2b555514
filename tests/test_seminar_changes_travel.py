"""Issue 27 (changes that travel): a seminar's cancellation or move reaches the 個別相談会 held
after it: slots closed or checked against the new time, bookers told in their language."""

import datetime as dt

import pytest
from icalendar import Calendar

from django.core import mail

from appointments.services import free_slots, session_book
from appointments.tests.factories import booking_data, make_series
from events.tests.factories import make_seminar, seminar_change, seminar_publish

pytestmark = pytest.mark.django_db


def _after_lecture(seminar, minutes=30, slots=3):
    """Slots from 16:15, after a 14:00–16:00 lecture; one booked in English."""
    starts = seminar.starts_at + dt.timedelta(hours=2, minutes=15)
    series = make_series(
        seminar=seminar,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes * slots),
        slot_minutes=minutes,
    )
    return series


def test_cancelling_a_seminar_closes_its_sessions_and_tells_their_bookers(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(days=20)
    series = _after_lecture(seminar)
    first = series.slots.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        booking = session_book(slot=first, **booking_data(), language="en")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        seminar.is_cancelled = True
        seminar_publish(seminar)

    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert list(free_slots(series)) == []  # nobody can book a session of a cancelled seminar
    person = next(m for m in mail.outbox if m.to == ["hanako@ise.example.jp"])
    assert "seminar will not take place" in person.subject  # in the booker's language
    calendar = Calendar.from_ical(person.attachments[0][1])
    assert str(calendar["method"]) == "CANCEL"
    assert any(m.to == ["aoyama@advisors.example.jp"] for m in mail.outbox)  # the host too


def test_moving_a_seminar_checks_its_sessions_against_the_new_time(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(days=20)  # 14:00–16:00
    series = _after_lecture(seminar)  # 16:15, 16:45, 17:15
    slots = list(series.slots.order_by("starts_at"))
    with django_capture_on_commit_callbacks(execute=True):
        booking = session_book(slot=slots[0], **booking_data())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        seminar.starts_at += dt.timedelta(hours=1)  # 15:00–17:00
        seminar.ends_at += dt.timedelta(hours=1)
        seminar_publish(seminar)

    booking.refresh_from_db()
    assert booking.status == "booked"  # kept; the booker decides
    told = next(m for m in mail.outbox if m.to == ["hanako@ise.example.jp"])
    assert "重なります" in told.subject
    # The free slot that now overlaps the lecture is closed; the one after it stays open.
    assert [s.pk for s in free_slots(series)] == [slots[2].pk]


def test_staff_see_a_slot_that_overlaps_the_moved_lecture_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    from cases.tests.factories import staff_user

    seminar = make_seminar(days=20)
    series = _after_lecture(seminar)
    slots = list(series.slots.order_by("starts_at"))
    with django_capture_on_commit_callbacks(execute=True):
        session_book(slot=slots[0], **booking_data())
        seminar.starts_at += dt.timedelta(hours=1)
        seminar.ends_at += dt.timedelta(hours=1)
        seminar_publish(seminar)
    client.force_login(staff_user())
    html = client.get(f"/admin/session_series/edit/{series.pk}/").content.decode()
    assert "セミナーの時間と重なる相談枠があります: 16:15" in html


def test_reinstating_a_seminar_reopens_the_sessions_its_cancellation_closed(
    django_capture_on_commit_callbacks,
):
    seminar = make_seminar(days=20)
    series = _after_lecture(seminar)
    slots = list(series.slots.order_by("starts_at"))
    # Staff had taken the last slot off before the cancellation: it stays off.
    slots[2].is_withdrawn = True
    slots[2].save(update_fields=["is_withdrawn"])
    with django_capture_on_commit_callbacks(execute=True):
        booking = session_book(slot=slots[0], **booking_data(), language="en")
        seminar_change(seminar, is_cancelled=True)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and list(free_slots(series)) == []
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        seminar_change(seminar, is_cancelled=False)

    series.refresh_from_db()
    assert series.is_published
    assert [s.pk for s in free_slots(series)] == [slots[0].pk, slots[1].pk]
    booking.refresh_from_db()
    assert booking.status == "cancelled"  # they were told it was off; they book again if they wish
    [told] = [m for m in mail.outbox if m.to == ["hanako@ise.example.jp"]]
    assert "takes place after all" in told.subject  # in the booker's language
    assert "/en/" in told.body  # the link to book again, in English
    assert not told.attachments  # no calendar entry: there is no booking to put back

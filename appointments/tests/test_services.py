import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from django.core import mail
from django.utils import timezone

from appointments.exceptions import CancellationClosed, SlotTaken
from appointments.models import SessionBooking, SessionSlot
from appointments.services import (
    booking_ics,
    free_slots,
    series_save,
    session_book,
    session_cancel,
    session_record,
    session_reminders_send,
)
from cases.models import Assignment, Case, CaseEvent
from common.models import OutboxMessage, PurposeNotice
from common.scheduling import registered_jobs

from .factories import booking_data, make_series

pytestmark = pytest.mark.django_db


def test_a_series_is_cut_into_whole_slots():
    series = make_series(slots=3, minutes=30)
    slots = list(series.slots.all())
    assert len(slots) == 3
    assert [s.ends_at - s.starts_at for s in slots] == [dt.timedelta(minutes=30)] * 3


def test_shortening_a_series_withdraws_free_slots_but_keeps_a_booked_one():
    series = make_series(slots=3)
    last = series.slots.last()
    session_book(slot=last, **booking_data())
    series.ends_at = series.starts_at + dt.timedelta(minutes=30)
    series_save(series=series)
    assert SessionSlot.objects.filter(series=series, is_withdrawn=False).count() == 2
    assert not SessionSlot.objects.get(pk=last.pk).is_withdrawn


def test_a_booking_is_a_case_with_channel_session_and_the_assignment_already_accepted(
    django_capture_on_commit_callbacks,
):
    series = make_series()
    slot = series.slots.first()
    notice = PurposeNotice.current("consultation")
    with django_capture_on_commit_callbacks(execute=True):
        booking = session_book(slot=slot, **booking_data(notice=notice))
    case = booking.case
    assert case.channel == Case.Channel.SESSION
    assert case.get_channel_display() == "個別相談会"
    assert case.status == Case.Status.IN_PROGRESS
    assignment = case.assignments.get()
    assert assignment.state == Assignment.State.ACCEPTED
    assert assignment.advisor == series.advisor
    assert case.consent.referral_consent and case.consent.notice == notice
    # The case's timeline names the slot.
    assert CaseEvent.objects.filter(case=case, action="session_booked", comment__contains=str(slot))
    # The person gets the booking mail with the calendar file, the advisor a note; no
    # "consultation received" or "new referral, please answer" mail besides.
    to = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [t for t, _ in to] == ["aoyama@advisors.example.jp", "hanako@ise.example.jp"]
    person = next(m for m in mail.outbox if m.to == ["hanako@ise.example.jp"])
    assert "個別相談会のご予約を受け付けました" in person.subject
    assert "/sessions/cancel/" in person.body
    (name, content, mimetype) = person.attachments[0]
    assert name == "session.ics" and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at
    assert "みえDXセンター" in str(event["location"])


def test_the_person_hears_in_english_when_they_booked_in_english(
    django_capture_on_commit_callbacks,
):
    series = make_series()
    with django_capture_on_commit_callbacks(execute=True):
        session_book(slot=series.slots.first(), **booking_data(), language="en")
    person = next(m for m in mail.outbox if m.to == ["hanako@ise.example.jp"])
    assert person.subject.startswith("[Mie DX Center] Your individual session is booked")
    assert "Ichiro Aoyama" in person.body


def test_one_person_per_slot_and_the_second_is_offered_the_next_free_slots():
    series = make_series(slots=3)
    first, second, third = series.slots.all()
    session_book(slot=first, **booking_data())
    with pytest.raises(SlotTaken) as caught:
        session_book(slot=first, **booking_data(email="other@example.jp"))
    assert caught.value.free == [second, third]
    assert SessionBooking.objects.filter(slot=first).count() == 1
    assert Case.objects.filter(channel="session").count() == 1


def test_cancelling_frees_the_slot_and_the_case_records_it(django_capture_on_commit_callbacks):
    series = make_series(slots=1)
    slot = series.slots.get()
    booking = session_book(slot=slot, **booking_data())
    assert list(free_slots(series)) == []
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(booking=booking)
    assert list(free_slots(series)) == [slot]
    assert CaseEvent.objects.filter(case=booking.case, action="session_cancelled").exists()
    cancelled = next(m for m in mail.outbox if "キャンセルしました" in m.subject)
    calendar = Calendar.from_ical(cancelled.attachments[0][1])
    assert str(calendar["method"]) == "CANCEL"
    # Someone else may now book it.
    session_book(slot=slot, **booking_data(email="next@example.jp"))


def test_the_cancel_link_stops_when_the_slot_starts():
    series = make_series(days=1)
    slot = series.slots.first()
    booking = session_book(slot=slot, **booking_data())
    with pytest.raises(CancellationClosed):
        session_cancel(booking=booking, now=slot.starts_at)
    assert SessionBooking.objects.get(pk=booking.pk).status == "booked"


def test_the_reminder_is_a_scheduled_job():
    assert "session_reminders" in registered_jobs()


def test_reminder_the_day_before_once(django_capture_on_commit_callbacks):
    series = make_series(days=3)
    slot = series.slots.first()
    booking = session_book(slot=slot, **booking_data())
    OutboxMessage.objects.all().delete()
    day_before = timezone.localtime(slot.starts_at).replace(hour=9) - dt.timedelta(days=1)
    two_days_before = day_before - dt.timedelta(days=1)
    assert session_reminders_send(two_days_before) == 0
    with time_machine.travel(day_before, tick=False):
        assert session_reminders_send(day_before) == 1
        assert session_reminders_send(day_before) == 0
    message = OutboxMessage.objects.get(template="session_reminder")
    assert message.to_email == "hanako@ise.example.jp"
    assert message.context["booking_id"] == booking.pk


def test_the_advisor_records_the_session_and_a_no_show_is_counted(settings):
    series = make_series(days=2, slots=2)
    one, two = series.slots.all()
    held = session_book(slot=one, **booking_data())
    absent = session_book(slot=two, **booking_data(email="b@example.jp"))
    advisor_user = series.advisor.user
    with time_machine.travel(two.ends_at + dt.timedelta(minutes=5), tick=False):
        session_record(
            booking=held,
            by=advisor_user,
            attendance="held",
            discussed="受発注のクラウド化を説明",
            follow_up_needed=True,
        )
        session_record(booking=absent, by=advisor_user, attendance="no_show")
    held.refresh_from_db()
    assert held.attendance == "held" and held.follow_up_needed
    assert CaseEvent.objects.filter(
        case=held.case, action="session_held", comment__contains="クラウド化"
    ).exists()
    assert SessionBooking.objects.get(pk=absent.pk).attendance == "no_show"


def test_the_calendar_file_of_an_online_session_carries_the_link():
    series = make_series(place="online", online_url="https://meet.example.jp/room-7")
    booking = session_book(slot=series.slots.first(), **booking_data())
    event = Calendar.from_ical(booking_ics(booking)).walk("VEVENT")[0]
    assert str(event["location"]) == "https://meet.example.jp/room-7"
    assert str(event["dtstart"].params["TZID"]) == "Asia/Tokyo"


def test_the_host_gets_the_slot_in_a_calendar_file_and_its_removal_on_cancel(
    django_capture_on_commit_callbacks,
):
    series = make_series()
    slot = series.slots.first()
    with django_capture_on_commit_callbacks(execute=True):
        booking = session_book(slot=slot, **booking_data(), language="en")
    host, person = (
        next(m for m in mail.outbox if m.to == [address])
        for address in ("aoyama@advisors.example.jp", "hanako@ise.example.jp")
    )
    # The host's note is in Japanese, links to the portal, and carries its own calendar entry.
    assert "個別相談会" in host.subject and "/partner/sessions/" in host.body
    assert "session.ics" in host.body
    (name, content, mimetype) = host.attachments[0]
    assert (name, mimetype) == ("session.ics", "text/calendar")
    host_event = Calendar.from_ical(content).walk("VEVENT")[0]
    person_event = Calendar.from_ical(person.attachments[0][1]).walk("VEVENT")[0]
    assert host_event.decoded("dtstart") == slot.starts_at
    assert booking.case.reference in str(host_event["summary"])
    assert "伊勢" not in Calendar.from_ical(content).to_ical().decode()  # the portal says who
    assert str(host_event["uid"]) != str(person_event["uid"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(booking=booking)
    host = next(m for m in mail.outbox if m.to == ["aoyama@advisors.example.jp"])
    calendar = Calendar.from_ical(host.attachments[0][1])
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["uid"]) == str(host_event["uid"])

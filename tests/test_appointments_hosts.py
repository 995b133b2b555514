"""The host schedule (/partner/sessions/) follows the viewer's own referral and its consent; a
series' new host never inherits bookings made with the old one; one address cannot hoard slots."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from django.core import mail
from django.utils import timezone

from appointments.exceptions import BookingLimit
from appointments.models import SessionBooking
from appointments.services import (
    OPEN_BOOKINGS_PER_ADDRESS,
    series_save,
    session_book,
    session_cancel,
)
from appointments.tests.factories import booking_data, form_data, make_advisor, make_series
from cases.models import Assignment, Case
from cases.services import consent_record
from cases.tests.factories import staff_user
from cms import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    return demo.seed_site()


def _other_advisor():
    return make_advisor(name="白子 二郎", email="shiroko@advisors.example.jp", username="shiroko")


def _series_form(series, **overrides) -> dict:
    """The admin edit form of a series as it is, with `overrides`."""
    local = timezone.localtime
    data = {
        "title": series.title,
        "title_en": series.title_en,
        "advisor": series.advisor_id or "",
        "company": series.company_id or "",
        "seminar": "",
        "place": series.place,
        "venue_name": series.venue_name,
        "venue_address": series.venue_address,
        "online_url": series.online_url,
        "starts_at": local(series.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": local(series.ends_at).strftime("%Y-%m-%d %H:%M"),
        "slot_minutes": str(series.slot_minutes),
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_after_a_consent_withdrawal_the_schedule_hides_the_booker_and_refuses_records(client, home):
    series = make_series(days=1, slots=2)
    first = series.slots.first()
    booking = session_book(slot=first, **booking_data())
    host = series.advisor.user
    client.force_login(host)
    html = client.get("/partner/sessions/").content.decode()
    assert "伊勢 花子" in html and "株式会社伊勢製作所" in html
    assert "受発注をデジタル化したい。" in html

    consent_record(case=booking.case, by=staff_user(), given=False, method="phone")

    html = client.get("/partner/sessions/").content.decode()
    assert "伊勢" not in html
    assert "株式会社伊勢製作所" not in html
    assert "受発注をデジタル化したい。" not in html
    with time_machine.travel(first.ends_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(host)
        response = client.post(
            f"/partner/sessions/{booking.pk}/", {"attendance": "held", "discussed": "x"}
        )
    assert response.status_code == 404
    assert SessionBooking.objects.get(pk=booking.pk).recorded_at is None


def test_a_host_change_needs_confirmation_and_then_cancels_the_future_bookings(
    client, home, django_capture_on_commit_callbacks
):
    series = make_series(days=1, slots=2)
    first, second = series.slots.all()
    old_host = series.advisor
    new_host = _other_advisor()
    held = session_book(slot=first, **booking_data())
    ahead = session_book(
        slot=second, **booking_data(email="later@example.jp", family_name="後藤"), language="en"
    )
    staff = staff_user()
    mail.outbox.clear()
    # Staff change the host while the first slot is under way: it has started, the second not.
    with time_machine.travel(first.starts_at + dt.timedelta(minutes=5), tick=False):
        client.force_login(staff)
        url = f"/admin/session_series/edit/{series.pk}/"
        response = client.post(url, _series_form(series, advisor=new_host.pk))
        # The first save is refused with what it would do; nothing has changed yet.
        assert response.status_code == 200
        html = response.content.decode()
        assert "1件" in html and "キャンセル" in html
        series.refresh_from_db()
        assert series.advisor == old_host
        assert SessionBooking.objects.get(pk=ahead.pk).status == "booked"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, _series_form(series, advisor=new_host.pk, confirm_host_change="on")
            )
        assert response.status_code == 302
    series.refresh_from_db()
    assert series.advisor == new_host
    # The booking ahead is cancelled; the one under way stays with the host who held it.
    assert SessionBooking.objects.get(pk=ahead.pk).status == "cancelled"
    assert SessionBooking.objects.get(pk=held.pk).status == "booked"
    assert held.case.assignments.get().advisor == old_host
    # The booker hears in their language, with the slot taken off their calendar; the old host
    # is told; the new host gets nothing about a booking they were never given.
    booker = [m for m in mail.outbox if m.to == ["later@example.jp"]]
    assert len(booker) == 1 and "cancelled" in booker[0].subject
    assert "change" in booker[0].body
    assert str(Calendar.from_ical(booker[0].attachments[0][1])["method"]) == "CANCEL"
    old = [m for m in mail.outbox if m.to == ["aoyama@advisors.example.jp"]]
    assert len(old) == 1 and ahead.case.reference in old[0].body
    assert str(Calendar.from_ical(old[0].attachments[0][1])["method"]) == "CANCEL"
    assert not [m for m in mail.outbox if m.to == ["shiroko@advisors.example.jp"]]

    # The new host sees neither booking and may not record on the one under way.
    client.force_login(new_host.user)
    html = client.get("/partner/sessions/").content.decode()
    assert held.case.reference not in html and "伊勢" not in html
    assert ahead.case.reference not in html and "後藤" not in html
    with time_machine.travel(first.ends_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(new_host.user)
        assert client.post(f"/partner/sessions/{held.pk}/", {"attendance": "held"}).status_code == (
            404
        )
        # The old host keeps the session they held and records it.
        client.force_login(old_host.user)
        html = client.get("/partner/sessions/").content.decode()
        assert held.case.reference in html and "伊勢 花子" in html
        response = client.post(f"/partner/sessions/{held.pk}/", {"attendance": "held"})
    assert response.status_code == 302
    assert SessionBooking.objects.get(pk=held.pk).attendance == "held"


def test_saving_a_series_without_changing_its_host_keeps_its_bookings(client, home):
    series = make_series(days=3, slots=2)
    booking = session_book(slot=series.slots.first(), **booking_data())
    client.force_login(staff_user())
    response = client.post(
        f"/admin/session_series/edit/{series.pk}/", _series_form(series, title="新しい名称")
    )
    assert response.status_code == 302
    assert SessionBooking.objects.get(pk=booking.pk).status == "booked"


def test_a_new_host_never_sees_or_records_the_old_hosts_bookings(client, home):
    series = make_series(days=1, slots=2)
    first, second = series.slots.all()
    old_host, new_host = series.advisor, _other_advisor()
    under_way = session_book(slot=first, **booking_data())
    ahead = session_book(slot=second, **booking_data(email="later@example.jp"))
    with time_machine.travel(first.starts_at + dt.timedelta(minutes=5), tick=False):
        series.advisor = new_host
        series_save(series=series)
        client.force_login(new_host.user)
        html = client.get("/partner/sessions/").content.decode()
    assert "伊勢" not in html and "受発注をデジタル化したい。" not in html
    assert under_way.case.reference not in html and ahead.case.reference not in html
    assert SessionBooking.objects.get(pk=ahead.pk).status == "cancelled"
    assert not Assignment.objects.filter(advisor=new_host).exists()
    with time_machine.travel(first.ends_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(new_host.user)
        response = client.post(f"/partner/sessions/{under_way.pk}/", {"attendance": "no_show"})
        assert response.status_code == 404
        client.force_login(old_host.user)
        assert under_way.case.reference in client.get("/partner/sessions/").content.decode()


def test_one_address_gets_one_open_booking_per_series_and_keeps_what_was_typed(client, home):
    series = make_series(slots=4)
    first, second, *_ = series.slots.all()
    assert client.post(f"/sessions/{series.pk}/", form_data(first)).status_code == 302
    # The same address in another spelling, for the next slot.
    response = client.post(
        f"/sessions/{series.pk}/",
        form_data(second, email="Hanako@ISE.Example.JP", organisation_name="株式会社二度目"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "既にこの個別相談会を予約されています" in html
    assert 'value="株式会社二度目"' in html and "受発注をデジタル化したい。" in html
    assert SessionBooking.objects.count() == 1
    assert Case.objects.filter(channel="session").count() == 1
    assert len([m for m in mail.outbox if m.to == ["aoyama@advisors.example.jp"]]) <= 1


def test_the_refusal_is_in_english_under_en(client, home):
    series = make_series(slots=2)
    first, second = series.slots.all()
    client.post(f"/en/sessions/{series.pk}/", form_data(first))
    response = client.post(f"/en/sessions/{series.pk}/", form_data(second))
    assert response.status_code == 409
    assert "You have already booked this session" in response.content.decode()


def test_a_cancelled_booking_frees_the_address_for_the_series_again():
    series = make_series(slots=2)
    first, second = series.slots.all()
    booking = session_book(slot=first, **booking_data())
    session_cancel(booking=booking)
    session_book(slot=second, **booking_data(email="HANAKO@ise.example.jp"))


def test_one_address_holds_a_few_open_bookings_across_series_at_most():
    advisor = make_advisor()
    series = [make_series(advisor=advisor, days=10 + i, slots=1) for i in range(4)]
    for s in series[:OPEN_BOOKINGS_PER_ADDRESS]:
        session_book(slot=s.slots.get(), **booking_data())
    with pytest.raises(BookingLimit):
        session_book(slot=series[OPEN_BOOKINGS_PER_ADDRESS].slots.get(), **booking_data())
    assert SessionBooking.objects.count() == OPEN_BOOKINGS_PER_ADDRESS


def test_a_booking_made_before_the_limits_counts_towards_them_after_the_migration():
    from importlib import import_module

    from django.apps import apps

    series = make_series(slots=2)
    first, second = series.slots.all()
    booking = session_book(slot=first, **booking_data())
    # As 0003 left a booking made before the per-address limit: no key.
    SessionBooking.objects.filter(pk=booking.pk).update(email_key="")
    import_module("appointments.migrations.0004_booking_email_key_backfill").backfill(apps, None)
    with pytest.raises(BookingLimit):
        session_book(slot=second, **booking_data(email="Hanako@ＩＳＥ.example.jp"))

import datetime as dt
import re
import subprocess

import pytest
import time_machine

from django.utils import timezone

from appointments.models import SessionBooking, SessionsPage
from appointments.services import booking_token, session_book
from appointments.tests.factories import booking_data, form_data, make_advisor, make_series
from cases.models import Case
from cases.tests.factories import UserFactory, staff_user
from cms import demo
from common.dates import fiscal_year_of
from events.tests.factories import make_seminar
from reports.render import to_pdf
from reports.report import yearly_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    return demo.seed_site()


def test_booking_page_shows_the_notice_and_consent_before_submit_and_books(
    client, home, django_capture_on_commit_callbacks
):
    series = make_series(slots=2)
    first = series.slots.first()
    html = client.get(f"/sessions/{series.pk}/").content.decode()
    assert html.index("個人情報の取扱いについて") < html.index('name="requester_type"')
    assert "青山 一郎" in html and 'name="referral_consent"' in html
    assert html.index('name="referral_consent"') < html.index("予約する</button>")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sessions/{series.pk}/", form_data(first))
    assert response.status_code == 302
    booking = SessionBooking.objects.get()
    thanks = client.get(response["Location"]).content.decode()
    assert booking.case.reference in thanks
    assert booking.slot == first and booking.language == "ja"


def test_consent_to_share_with_the_advisor_is_required(client, home):
    series = make_series()
    data = form_data(series.slots.first())
    del data["referral_consent"]
    response = client.post(f"/sessions/{series.pk}/", data)
    assert response.status_code == 400
    assert "相談相手への提供への同意が必要です" in response.content.decode()
    assert not SessionBooking.objects.exists()


def test_a_taken_slot_shows_the_form_again_with_what_was_typed_and_the_free_slots(client, home):
    series = make_series(slots=3)
    first, second, third = series.slots.all()
    session_book(slot=first, **booking_data(email="early@example.jp"))
    response = client.post(
        f"/sessions/{series.pk}/", form_data(first, organisation_name="株式会社遅れて製作所")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="slot-taken"' in html
    assert 'value="株式会社遅れて製作所"' in html
    assert "受発注をデジタル化したい。" in html
    assert f'value="{second.pk}"' in html and f'value="{third.pk}"' in html
    assert f'value="{first.pk}"' not in html


def test_the_booking_page_is_in_english_under_en(client, home):
    series = make_series()
    html = client.get(f"/en/sessions/{series.pk}/").content.decode()
    assert '<html lang="en"' in html
    assert "Individual sessions" in html and "Ichiro Aoyama" in html
    assert "Handling of personal information" in html


def test_the_seminar_page_offers_the_sessions_that_follow_it(client, home):
    seminar = make_seminar(days=12)
    series = make_series(days=12, seminar=seminar, place="seminar", venue_name="", venue_address="")
    html = client.get(seminar.url).content.decode()
    assert 'id="sessions"' in html and f"/sessions/{series.pk}/" in html
    # The venue comes from the seminar when the series leaves it empty.
    assert series.where() == ("津市の会場", "三重県津市広明町13")


def test_the_seminar_page_shows_the_free_slots_again_after_each_booking_and_cancellation(
    client, home
):
    """The sessions section is kept in the shared cache; a booking or a cancellation redraws it."""
    seminar = make_seminar(days=12)
    series = make_series(days=12, slots=2, seminar=seminar)
    assert "空き 2枠" in client.get(seminar.url).content.decode()
    assert "空き 2枠" in client.get(seminar.url).content.decode()  # from the cache

    booking = session_book(slot=series.slots.first(), **booking_data())
    assert "空き 1枠" in client.get(seminar.url).content.decode()

    client.get(f"/sessions/cancel/{booking_token(booking)}/")
    client.post(f"/sessions/cancel/{booking_token(booking)}/")
    assert "空き 2枠" in client.get(seminar.url).content.decode()


def test_the_sessions_page_lists_open_series_and_is_in_the_sitemap(client, home):
    page = SessionsPage(title="個別相談会", slug="sessions-page")
    home.add_child(instance=page)
    page.save_revision().publish()
    series = make_series()
    html = client.get(page.url).content.decode()
    assert f"/sessions/{series.pk}/" in html and "空き 3枠" in html
    assert "/sessions-page/" in client.get("/sitemap.xml").content.decode()


def test_the_cancel_link_frees_the_slot(client, home):
    series = make_series(slots=1)
    booking = session_book(slot=series.slots.get(), **booking_data())
    url = f"/sessions/cancel/{booking_token(booking)}/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert SessionBooking.objects.get().status == "cancelled"
    assert 'id="cancel-result"' in client.get(url).content.decode()
    assert client.get(f"/sessions/{series.pk}/").content.decode().count('name="slot"') == 1
    assert client.get("/sessions/cancel/forged:token/").status_code == 404


def test_the_advisor_sees_their_bookings_in_the_portal_and_records_the_session(client, home):
    series = make_series(days=1, slots=2)
    first = series.slots.first()
    booking = session_book(slot=first, **booking_data())
    other = make_advisor(name="別の 人", email="other@advisors.example.jp", username="other")
    client.force_login(other.user)
    html = client.get("/partner/sessions/").content.decode()
    assert booking.case.reference not in html
    assert (
        client.post(f"/partner/sessions/{booking.pk}/", {"attendance": "held"}).status_code == 404
    )
    client.force_login(series.advisor.user)
    html = client.get("/partner/sessions/").content.decode()
    assert booking.case.reference in html and "受発注をデジタル化したい。" in html
    # The booking is also an accepted referral on the portal's list.
    home_html = client.get("/partner/").content.decode()
    assert booking.case.reference in home_html
    assert 'href="/partner/sessions/"' in home_html
    with time_machine.travel(first.ends_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(series.advisor.user)  # a fresh login: the idle timeout has passed
        response = client.post(
            f"/partner/sessions/{booking.pk}/",
            {"attendance": "held", "discussed": "クラウド受発注を紹介", "follow_up_needed": "on"},
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.attendance == "held" and booking.follow_up_needed


def test_staff_see_the_booking_as_a_case_and_mark_a_no_show(client, home):
    series = make_series(days=1)
    slot = series.slots.first()
    booking = session_book(slot=slot, **booking_data())
    staff = staff_user()
    client.force_login(staff)
    listing = client.get("/admin/cases/").content.decode()
    assert booking.case.reference in listing
    case_page = client.get(f"/admin/cases/inspect/{booking.case.pk}/").content.decode()
    assert "個別相談会" in case_page and str(slot) in case_page
    # The slot has a section of its own on the case: when, with whom, where, how it went.
    section = re.search(r'<section[^>]*id="case-session".*?</section>', case_page, re.S)
    assert section, "no 個別相談会 section on the case page"
    start = timezone.localtime(slot.starts_at)
    assert f"{start:%H:%M}" in section.group(0) and "青山 一郎" in section.group(0)
    assert "予約済" in section.group(0) and "未記録" in section.group(0)
    bookings_page = client.get("/admin/sessions/bookings/").content.decode()
    assert booking.case.reference in bookings_page
    # Inside the admin frame like every staff page: titled, with the breadcrumb.
    assert re.search(r"<title>\s*個別相談会の予約", bookings_page)
    with time_machine.travel(slot.ends_at + dt.timedelta(minutes=1), tick=False):
        client.force_login(staff)  # a fresh login: the idle timeout has passed
        response = client.post(f"/admin/sessions/bookings/{booking.pk}/no_show/")
    assert response.status_code == 302
    assert SessionBooking.objects.get().attendance == "no_show"
    case_page = client.get(f"/admin/cases/inspect/{booking.case.pk}/").content.decode()
    section = re.search(r'<section[^>]*id="case-session".*?</section>', case_page, re.S)
    assert "来所なし" in section.group(0)
    # Someone without the permission cannot.
    client.force_login(UserFactory(username="nobody"))
    assert client.post(f"/admin/sessions/bookings/{booking.pk}/held/").status_code in (302, 403)
    assert SessionBooking.objects.get().attendance == "no_show"


def test_the_yearly_report_counts_offered_booked_held_and_no_shows(client, home, tmp_path):
    series = make_series(days=1, slots=3)
    one, two, _three = series.slots.all()
    held = session_book(slot=one, **booking_data())
    session_book(slot=two, **booking_data(email="b@example.jp"))
    advisor = series.advisor.user
    from appointments.services import session_record

    with time_machine.travel(two.ends_at + dt.timedelta(minutes=1), tick=False):
        session_record(booking=held, by=advisor, attendance="held", discussed="説明")
    fy = fiscal_year_of(timezone.localtime(one.starts_at).date())
    report = yearly_report(fy)
    assert report["sessions"]["by_host"] == [
        {"host": "青山 一郎", "kind": "advisor", "offered": 3, "booked": 2, "held": 1, "no_show": 0}
    ]
    # The cases are counted in the year they were received (the slot may lie in the next one).
    received_fy = fiscal_year_of(timezone.localdate())
    assert yearly_report(received_fy)["cases"]["by_channel"]["session"] == 2
    path = tmp_path / "report.pdf"
    path.write_bytes(to_pdf(report))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "個別相談会" in text
    assert re.search(r"青山 一郎\s+3\s+2\s+1\s+0", text)
    client.force_login(staff_user())
    dashboard = client.get(f"/admin/statistics/?fy={fy}").content.decode()
    assert 'id="sessions"' in dashboard and "青山 一郎" in dashboard
    assert Case.objects.filter(channel="session").count() == 2


@time_machine.travel(
    dt.datetime(2027, 3, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False
)
def test_a_session_booked_in_march_for_april_counts_the_case_in_march_and_the_session_in_april(
    home,
):
    series = make_series(days=1, slots=1)
    session_book(slot=series.slots.get(), **booking_data())
    march, april = yearly_report(2026), yearly_report(2027)
    assert march["cases"]["by_channel"].get("session") == 1
    assert april["cases"]["by_channel"].get("session", 0) == 0
    assert [row["booked"] for row in april["sessions"]["by_host"]] == [1]
    assert march["sessions"]["by_host"] == []

"""Issue 18 (history you can read): every record staff or partners change keeps its history,
and the admin shows who changed what, when, from what to what."""

import pytest

from django.apps import apps

from wagtail.models import Site

from cases.models import Case
from cases.services import case_note_add, case_update
from cases.tests.factories import make_case, staff_user
from common.models import CenterSettings, PurposeNotice
from crm.requester import Requester

pytestmark = pytest.mark.django_db

# Models staff or partners change through the admin, the portal or a service.
STAFF_EDITED = [
    "cases.Case",
    "cases.ConsentRecord",
    "cases.Assignment",
    "cases.Note",
    "cases.Attachment",
    "cases.CaseSurvey",
    "crm.Organisation",
    "crm.Person",
    "crm.Subscription",
    "crm.Campaign",
    "events.Registration",
    "events.SeminarSurvey",
    "events.SeminarSchedule",
    "partners.PartnerCompany",
    "partners.Advisor",
    "partners.Membership",
    "partners.ExpertiseArea",
    "common.PurposeNotice",
    "common.CenterSettings",
    "reports.KpiTarget",
    "appointments.SessionSeries",
    "appointments.SessionBooking",
]


@pytest.mark.parametrize("label", STAFF_EDITED)
def test_every_staff_edited_model_keeps_its_history(label):
    assert hasattr(apps.get_model(label), "history")


def test_the_case_history_shows_who_changed_what_from_what_to_what(client):
    alice = staff_user("alice")
    case = make_case(subject="古い件名")
    case_update(case=case, by=alice, subject="新しい件名")
    case_note_add(case=case, by=alice, body="電話で確認しました。")
    client.force_login(alice)
    page = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    assert f"/admin/history/cases/case/{case.pk}/" in page
    response = client.get(f"/admin/history/cases/case/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "古い件名" in html and "新しい件名" in html
    assert f"{alice.last_name} {alice.first_name}" in html  # who, by name (姓 名)
    assert "電話で確認しました。" in html  # the note's creation shows on the case


def test_purpose_notices_and_center_settings_keep_their_history(client):
    manager = staff_user("boss", group="センター管理者")
    notice = PurposeNotice.current("consultation")
    notice.text_ja = "改訂した通知"
    notice.save()
    client.force_login(manager)
    html = client.get(f"/admin/history/common/purposenotice/{notice.pk}/").content.decode()
    assert "改訂した通知" in html
    inspect = client.get(f"/admin/purpose-notices/inspect/{notice.pk}/").content.decode()
    assert f"/admin/history/common/purposenotice/{notice.pk}/" in inspect
    settings = CenterSettings.objects.create(site_id=1, phone="059-000-0000")
    settings.phone = "059-111-1111"
    settings.save()
    assert settings.history.count() == 2


def test_history_needs_the_view_permission(client):
    case = make_case()
    client.force_login(staff_user("partnerish", group="センター職員"))
    assert client.get(f"/admin/history/cases/case/{case.pk}/").status_code == 200
    assert client.get("/admin/history/auth/user/1/").status_code in (403, 404, 302)
    assert client.get(f"/admin/history/cases/case/{case.pk + 999}/").status_code == 404
    assert Case.objects.count() == 1


def _history_link(obj) -> str:
    return f"/admin/history/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/"


def test_every_admin_page_of_a_record_with_a_history_links_to_it(client):
    """Center settings, KPI targets, seminar registrations, session series and bookings: the
    page staff open for the record shows the 変更履歴 link (the cases, notices, campaigns,
    subscriptions, advisors and partners are tested with their own pages)."""
    from appointments.services import session_book
    from appointments.tests.factories import booking_data, make_series
    from events.services import registration_create
    from events.tests.factories import make_seminar
    from reports.models import KpiTarget

    manager = staff_user("boss", group="センター管理者")
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    target = KpiTarget.objects.create(fiscal_year=2030, key="consultations", target=100)
    seminar = make_seminar(capacity_venue=5)
    registration = registration_create(
        seminar=seminar,
        requester=Requester(family_name="参加 者", email="r@example.jp"),
        mode="venue",
    )
    series = make_series(days=3, slots=1)
    booking = session_book(slot=series.slots.get(), **booking_data())
    settings = CenterSettings.for_site(Site.objects.get(is_default_site=True))
    pages = [
        (settings, f"/admin/settings/common/centersettings/{settings.site_id}/"),
        (target, f"/admin/kpi_targets/edit/{target.pk}/"),
        (registration, f"/admin/seminars/{seminar.pk}/roster/"),
        (series, f"/admin/session_series/edit/{series.pk}/"),
        (booking, "/admin/sessions/bookings/"),
    ]
    for obj, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert _history_link(obj) in html, url
        assert client.get(_history_link(obj)).status_code == 200


def test_a_registration_history_shows_its_survey(client):
    from events.models import Registration
    from events.tests.factories import make_seminar

    seminar = make_seminar(capacity_venue=5)
    registration = Registration.objects.create(
        seminar=seminar, name="参加 者", email="r@example.jp", mode="venue"
    )
    from events.models import SeminarSurvey

    SeminarSurvey.objects.create(
        registration=registration, satisfaction=4, useful_for_dx=True, comment="とても参考になった"
    )
    client.force_login(staff_user("alice"))
    html = client.get(_history_link(registration)).content.decode()
    assert "とても参考になった" in html


def test_history_shows_times_in_japan_time(client):
    """Issue 29: a time in the history (登録日時) read as raw UTC, up to a day behind Japan."""
    from django.utils import timezone

    alice = staff_user("alice")
    case = make_case(subject="時刻の確認")
    client.force_login(alice)
    html = client.get(f"/admin/history/cases/case/{case.pk}/").content.decode()
    assert f"{timezone.localtime(case.created_at):%Y-%m-%d %H:%M}" in html
    assert "+00:00" not in html

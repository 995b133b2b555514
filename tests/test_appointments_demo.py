import pytest

from appointments import demo as appointments_demo
from appointments.models import SessionSeries, SessionsPage
from cms import demo as cms_demo
from events import demo as events_demo
from partners import demo as partners_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_sessions_after_the_next_open_seminar_and_office_hours(client):
    partners_demo.seed()
    home = cms_demo.seed_site()
    events_demo.seed(home)
    assert appointments_demo.seed(home) == {"session_series": 2}
    assert appointments_demo.seed(home) == {"session_series": 0}  # idempotent
    after_seminar = SessionSeries.objects.get(seminar__isnull=False)
    office_hours = SessionSeries.objects.get(seminar__isnull=True)
    assert after_seminar.advisor.name == "青山 美咲"
    assert after_seminar.starts_at > after_seminar.seminar.ends_at
    assert after_seminar.slots.count() == 3 and office_hours.slots.count() == 4
    assert office_hours.company.name == "伊勢湾モバイル株式会社"
    assert SessionsPage.objects.filter(locale__language_code="ja", live=True).exists()
    assert SessionsPage.objects.filter(locale__language_code="en", live=True).exists()
    assert (
        f"/sessions/{after_seminar.pk}/" in client.get(after_seminar.seminar.url).content.decode()
    )

import datetime as dt

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from appointments.models import SessionSeries
from appointments.tests.factories import make_advisor
from cases.tests.factories import staff_user
from cms import demo
from events.tests.factories import make_seminar

pytestmark = pytest.mark.django_db


def test_staff_publish_a_series_in_the_admin_and_its_slots_are_made(client):
    home = demo.seed_site()
    seminar = make_seminar(days=14)
    advisor = make_advisor()
    client.force_login(staff_user())
    form_page = client.get("/admin/session_series/new/")
    assert form_page.status_code == 200
    # Only seminars can be chosen as the seminar a series follows (events registers them).
    field = form_page.context["form"].fields["seminar"]
    assert set(field.queryset.values_list("pk", flat=True)) == {seminar.pk}
    assert home.pk not in set(field.queryset.values_list("pk", flat=True))
    starts = timezone.localtime(seminar.ends_at) + dt.timedelta(minutes=30)
    response = client.post(
        "/admin/session_series/new/",
        {
            "title": "セミナー後の個別相談会",
            "title_en": "",
            "advisor": advisor.pk,
            "company": "",
            "seminar": seminar.pk,
            "place": "seminar",
            "venue_name": "",
            "venue_address": "",
            "online_url": "",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + dt.timedelta(minutes=90)).strftime("%Y-%m-%d %H:%M"),
            "slot_minutes": "30",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    series = SessionSeries.objects.get()
    assert series.slots.count() == 3
    assert series.seminar_id == seminar.pk


def test_a_series_needs_exactly_one_host():
    series = SessionSeries(
        title="x",
        place="center",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="どちらか一方"):
        series.full_clean()

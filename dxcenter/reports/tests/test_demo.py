"""The demo is built around the day `seed_demo` runs, so the portal and the reports always have
something to show: seminars ahead (open, full with a waiting list, closed), seminars held with
attendance and surveys, and cases in the current and the previous fiscal year."""

import datetime as dt
import io

import pytest
import time_machine

from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from dxcenter.common.dates import fiscal_year_of
from dxcenter.reports.report import yearly_report
from events.models import Registration, SeminarPage, SeminarSurvey
from partners.models import Advisor, PartnerCompany

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        "2028-04-01T08:00:00+09:00",  # the first morning of a fiscal year (31 March in UTC)
        "2030-12-30T15:00:00+09:00",  # the year-end closure of the last year we promise
        None,  # the day the suite runs (in the clock leg of `make test`, a day it picks)
    ],
)
def test_the_demo_is_built_around_the_day_it_runs(client, moment):
    when = dt.datetime.fromisoformat(moment) if moment else timezone.now()
    with time_machine.travel(when, tick=True):
        call_command("seed_demo", "--password", "demo-pass-1234", stdout=io.StringIO())
        now = timezone.now()
        today = timezone.localdate()
        ahead = list(
            SeminarPage.objects.live().filter(starts_at__gt=now, locale__language_code="ja")
        )
        open_now = [s for s in ahead if s.registration_open(now)]
        assert open_now, "no seminar open for registration"
        index = client.get("/seminars/").content.decode()
        assert all(s.title in index for s in ahead)
        full = [s for s in ahead if s.registrations.filter(status=Registration.Status.WAITLISTED)]
        assert full and full[0].registration_open(now)
        assert any(not s.registration_open(now) for s in ahead), "no closed seminar ahead"

        year = fiscal_year_of(today)
        assert Case.objects.filter(fiscal_year=year).exists()
        assert Case.objects.filter(fiscal_year=year - 1).count() >= 50
        assert Case.objects.filter(fiscal_year__in=[2021, 2022]).count() == 81
        held = SeminarSurvey.objects.filter(
            registration__seminar__starts_at__gte=now - dt.timedelta(days=60),
            registration__seminar__starts_at__lt=now,
        )
        assert held.exists(), "no recent seminar with survey answers"
        report = yearly_report(year)
        assert report["cases"]["total"] > 0 and report["seminars"]
        previous = yearly_report(year - 1)
        assert any(s["attended"] for s in previous["seminars"])
        assert previous["satisfaction"]["contribution_rate"] is not None


def test_the_demo_is_idempotent_and_run_again_later_keeps_a_seminar_to_book(client):
    """Run twice the same day, the demo stays as it was; left alone until its seminars have
    passed, it gets new ones ahead."""
    start = dt.datetime(2027, 6, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=True):
        call_command("seed_demo", "--password", "demo-pass-1234", stdout=io.StringIO())
        cases, seminars = Case.objects.count(), SeminarPage.objects.count()
        call_command("seed_demo", stdout=io.StringIO())
        assert (Case.objects.count(), SeminarPage.objects.count()) == (cases, seminars)
        assert Advisor.objects.count() == 18
        assert PartnerCompany.objects.count() == 11
    # 44 days on, nothing lies ahead any more, and the new seminar held 20 days back falls on the
    # day of the first run's seminar 24 days ahead.
    with time_machine.travel(start + dt.timedelta(days=44), tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        now = timezone.now()
        assert any(
            s.registration_open(now) for s in SeminarPage.objects.live().filter(starts_at__gt=now)
        )

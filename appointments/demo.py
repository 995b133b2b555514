"""Demo 個別相談会 relative to the day the demo runs: after the next open seminar, and office hours."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale, Page

from common.dates import add_business_days
from events.models import Seminar
from events.selectors import presented_seminars
from partners.models import Advisor, PartnerCompany

from .models import SessionSeries, SessionsPage
from .services import series_create

TOKYO = dt.timezone(dt.timedelta(hours=9))


def _next_open_seminar(now: dt.datetime) -> Seminar | None:
    """The next seminar ahead, presented on a live page, that takes registrations."""
    seminars = presented_seminars().filter(starts_at__gt=now, is_cancelled=False)
    for seminar in seminars.order_by("starts_at"):
        if seminar.registration_open(now):
            return seminar
    return None


@transaction.atomic
def seed(home: Page, now: dt.datetime | None = None) -> dict:
    """The 個別相談会 page (ja/en) and, when none lies ahead, two series (idempotent)."""
    page = SessionsPage.objects.child_of(home).first()
    if page is None:
        page = SessionsPage(
            title="個別相談会",
            slug="sessions",
            show_in_menus=True,
            intro=(
                "<p>みえDXアドバイザーやみえDXパートナーに、1対1で30分ずつ相談できます。"
                "セミナーの後の相談会と、センターのオフィスアワーがあります。相談は無料です。</p>"
            ),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    english = Locale.objects.filter(language_code="en").first()
    if english and home.has_translation(english) and not page.has_translation(english):
        translated = page.copy_for_translation(english)
        translated.title = "Individual sessions"
        translated.intro = (
            "<p>Talk one to one with a Mie DX Advisor or Partner, 30 minutes each: after a "
            "seminar, or during the center's office hours. Free of charge (held in Japanese).</p>"
        )
        translated.save_revision().publish()
    now = now or timezone.now()
    if SessionSeries.objects.filter(ends_at__gt=now).exists():
        return {"session_series": 0}
    made = 0
    advisor = Advisor.objects.filter(name="青山 美咲").first() or Advisor.objects.first()
    seminar = _next_open_seminar(now)
    if advisor and seminar:
        starts = seminar.ends_at + dt.timedelta(minutes=15)
        series_create(
            title=f"個別相談会（{seminar.title}）",
            title_en="Individual sessions after the seminar",
            advisor=advisor,
            seminar=seminar,
            place=SessionSeries.Place.SEMINAR,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=90),
            slot_minutes=30,
        )
        made += 1
    company = PartnerCompany.objects.filter(name="伊勢湾モバイル株式会社").first()
    if company:
        # Office hours fall on a business day (no weekend, holiday or year-end closure).
        day = add_business_days(timezone.localdate(now), 7)
        starts = dt.datetime.combine(day, dt.time(10, 0), TOKYO)
        series_create(
            title="オフィスアワー（スマホ活用・セキュリティ）",
            title_en="Office hours (smartphones and security)",
            company=company,
            place=SessionSeries.Place.CENTER,
            venue_name="みえDXセンター 相談室",
            venue_address="三重県津市広明町13",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            slot_minutes=30,
        )
        made += 1
    return {"session_series": made}

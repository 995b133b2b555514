"""Issue 31: a programme held on several dates and at several venues (the seed's 「県内5会場で
スマホ教室を開催」) is one page; each date has its own seats, waiting list and roster, and the
yearly report counts each date as a seminar."""

import re

import pytest

from django.utils import timezone

from common.dates import fiscal_year_of
from common.tests.factories import staff_user
from events.models import Registration
from events.statistics import seminar_statistics

from .factories import make_programme
from .test_registration import FORM

pytestmark = pytest.mark.django_db

VENUES = ["津会場", "四日市会場", "伊勢会場", "伊賀会場", "尾鷲会場"]


def _smartphone_class():
    return make_programme(
        name="スマホ教室（令和4年度）", title="スマホ教室", venues=VENUES, capacity_venue=2
    )


def _row(html, seminar):
    return re.search(rf'<tr id="date-{seminar.pk}">(.*?)</tr>', html, re.S).group(1)


def test_one_page_lists_every_date_and_a_registration_fills_that_date_only(client):
    page, dates = _smartphone_class()
    html = client.get(page.url).content.decode()
    for seminar in dates:
        assert seminar.venue_name in _row(html, seminar)
        assert "受付中" in _row(html, seminar)
    # The form offers the five dates.
    assert html.count('name="date"') == 5

    yokkaichi, ise = dates[1], dates[2]
    for i in range(3):
        response = client.post(
            page.url, {**FORM, "email": f"p{i}@example.jp", "date": yokkaichi.pk}
        )
        assert response.status_code == 302
    statuses = list(Registration.objects.order_by("pk").values_list("seminar_id", "status"))
    assert statuses == [
        (yokkaichi.pk, "confirmed"),
        (yokkaichi.pk, "confirmed"),
        (yokkaichi.pk, "waitlisted"),
    ]
    html = client.get(page.url).content.decode()
    assert "参加確定 2・満席" in _row(html, yokkaichi)
    assert "キャンセル待ち" in _row(html, yokkaichi)
    assert "参加確定 0" in _row(html, ise) and "受付中" in _row(html, ise)
    # The same address may take part on another date.
    response = client.post(page.url, {**FORM, "email": "p0@example.jp", "date": ise.pk})
    assert response.status_code == 302
    assert Registration.objects.get(seminar=ise).status == "confirmed"


def test_a_date_that_is_not_open_cannot_be_chosen(client):
    page, dates = _smartphone_class()
    dates[0].is_cancelled = True
    dates[0].save()
    html = client.get(page.url).content.decode()
    assert html.count('name="date"') == 4
    assert "開催中止" in _row(html, dates[0])
    response = client.post(page.url, {**FORM, "date": dates[0].pk})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_staff_see_a_roster_per_date_and_the_programmes_totals(client):
    page, dates = _smartphone_class()
    for i, seminar in enumerate(dates[:3]):
        client.post(page.url, {**FORM, "email": f"p{i}@example.jp", "date": seminar.pk})
    client.force_login(staff_user())
    listing = client.get("/admin/seminars/").content.decode()
    for seminar in dates:
        assert f"/admin/seminars/{seminar.pk}/roster/" in listing
    totals = re.search(r'<table class="listing" id="programmes">.*?</table>', listing, re.S)
    assert re.search(
        r"<td>スマホ教室（令和4年度）</td><td>5</td><td>3</td><td>0</td>", totals.group(0)
    )
    roster = client.get(f"/admin/seminars/{dates[1].pk}/roster/").content.decode()
    assert "p1@example.jp" in roster and "p0@example.jp" not in roster


def test_the_yearly_report_counts_each_date_as_a_seminar_and_lists_the_dates(client):
    _page, dates = _smartphone_class()
    fiscal_year = fiscal_year_of(timezone.localdate(dates[0].starts_at))
    # Dates may straddle the fiscal year's end: those in the year are listed, one line each.
    in_year = [s for s in dates if fiscal_year_of(timezone.localdate(s.starts_at)) == fiscal_year]
    rows = [r for r in seminar_statistics(fiscal_year) if r["programme"]]
    assert [r["title"] for r in rows] == [f"スマホ教室（{s.venue_name}）" for s in in_year]
    assert {r["programme"] for r in rows} == {"スマホ教室（令和4年度）"}

    client.force_login(staff_user())
    html = client.get("/admin/statistics/", {"fy": fiscal_year}).content.decode()
    table = re.search(r'<table class="listing" id="seminars">.*?</table>', html, re.S).group(0)
    listed = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", table)
    assert listed == [f"スマホ教室（{s.venue_name}）" for s in in_year]

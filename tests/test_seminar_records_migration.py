"""Issue 31: seminars become records of their own (`events.Seminar`). The migrations move the
data with nothing lost: seminars built like the demo's (held ones with check-ins and survey
answers, one recorded before the system, one ahead with an English translation whose own copy
of the capacity the old product ignored, a 個別相談会 linked to the English page) are taken back
to the old schema, measured there, migrated forward and measured again: registrations, history
and the yearly statistics are identical, both pages show the one seminar, and the series
follows it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Avg, Count, Q
from django.utils import timezone

from wagtail.models import Locale

from appointments.models import SessionSeries
from appointments.tests.factories import make_series
from common.dates import fiscal_year_of, fiscal_year_range
from crm.requester import Requester
from events.models import Seminar, SeminarPage
from events.services import registration_create
from events.statistics import seminar_statistics
from events.tests.factories import make_seminar, seminar_page
from tests.people import seminar_with_people

TOKYO = ZoneInfo("Asia/Tokyo")
OLD = [
    ("events", "0008_search_key_for_the_one_search"),
    ("appointments", "0005_session_closed_by_seminar_cancellation"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _people(apps):
    """Every registration (and the history kept of the app's records), as the staff see them."""
    registrations = apps.get_model("events", "Registration").objects.order_by("pk")
    return {
        "registrations": list(
            registrations.values_list(
                "pk", "seminar_id", "email", "mode", "status", "checked_in_at"
            )
        ),
        "surveys": list(
            apps.get_model("events", "SeminarSurvey")
            .objects.order_by("pk")
            .values_list("registration_id", "satisfaction")
        ),
        "history": [
            apps.get_model("events", name).objects.count()
            for name in (
                "HistoricalRegistration",
                "HistoricalSeminarSurvey",
                "HistoricalSeminarSchedule",
            )
        ],
    }


def _old_statistics(apps, fiscal_year):
    """The yearly figures the old code gave: each seminar page in the default locale once,
    live and not cancelled, with its registrations."""
    start, end = fiscal_year_range(fiscal_year)
    pages = (
        apps.get_model("events", "SeminarPage")
        .objects.filter(locale__language_code="ja", live=True, is_cancelled=False)
        .filter(
            starts_at__gte=dt.datetime.combine(start, dt.time.min, TOKYO),
            starts_at__lte=dt.datetime.combine(end, dt.time.max, TOKYO),
        )
        .annotate(
            registered=Count(
                "registrations", filter=~Q(registrations__status="cancelled"), distinct=True
            ),
            checked_in=Count(
                "registrations", filter=Q(registrations__checked_in_at__isnull=False), distinct=True
            ),
            satisfaction=Avg("registrations__survey__satisfaction"),
        )
        .order_by("starts_at")
    )
    return [
        (
            p.starts_at.astimezone(TOKYO).date().isoformat(),
            p.title,
            p.registered,
            p.recorded_attendance if p.recorded_attendance is not None else p.checked_in,
            round(p.satisfaction, 2) if p.satisfaction is not None else None,
        )
        for p in pages
    ]


def _new_statistics(fiscal_year):
    return [
        (r["date"], r["title"], r["registered"], r["attended"], r["satisfaction"])
        for r in seminar_statistics(fiscal_year)
    ]


@pytest.mark.not_clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_seminars_move_to_their_own_records_with_nothing_lost():
    held, _ = seminar_with_people(
        days=-40,
        people=[("三重 花子", "hanako@example.jp"), ("伊勢 太郎", "taro@example.jp")],
        title="データで考える地域の観光",
    )
    make_seminar(days=-41, title="導入前のセミナー", recorded_attendance=35)
    ahead = make_seminar(days=20, capacity_venue=8, title="シニア向けスマホ教室の開き方")
    english = seminar_page(ahead).copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "How to run a smartphone class"
    english.save_revision().publish()
    registration_create(
        seminar=ahead,
        requester=Requester(family_name="鈴鹿 次郎", email="jiro@example.jp"),
        mode="venue",
    )
    series = make_series(days=20, place="seminar", seminar=ahead)
    fiscal_year = fiscal_year_of(timezone.localdate(held.starts_at))
    english_pk, series_pk = english.pk, series.pk
    before_new = _new_statistics(fiscal_year)

    try:
        old = _migrate(OLD)
        OldPage = old.get_model("events", "SeminarPage")
        # The old schema: the English page has its own copy, which staff changed (2 seats) and
        # the product ignored; the series names the English page.
        OldPage.objects.filter(pk=english_pk).update(capacity_venue=2)
        old.get_model("appointments", "SessionSeries").objects.filter(pk=series_pk).update(
            seminar_id=english_pk
        )
        people, figures = _people(old), _old_statistics(old, fiscal_year)
        by_title = {f[1]: f for f in figures}
        assert by_title["データで考える地域の観光"][2:4] == (2, 2)  # registered, attended
        assert by_title.get("導入前のセミナー", (0, 0, 0, 35))[3] == 35  # the same year, mostly
        page_of = dict(OldPage.objects.values_list("title", "pk"))
    finally:
        new = _migrate(_leaf())

    assert _people(new) == people
    assert _new_statistics(fiscal_year) == figures == before_new
    # One seminar per seminar page in Japanese, with its page's id; both languages show it, with
    # the Japanese page's capacity.
    assert Seminar.objects.count() == 3
    japanese = SeminarPage.objects.get(pk=page_of["シニア向けスマホ教室の開き方"])
    assert japanese.seminar_id == japanese.pk
    assert SeminarPage.objects.get(pk=english_pk).seminar_id == japanese.pk
    assert Seminar.objects.get(pk=japanese.pk).capacity_venue == 8
    assert Seminar.objects.get(pk=page_of["導入前のセミナー"]).recorded_attendance == 35
    # The 個別相談会 that named the English page follows the seminar.
    assert SessionSeries.objects.get(pk=series_pk).seminar_id == japanese.pk

"""The page cache: anonymous visitors are served stored pages, publishing purges them, and pages
with a form still give every visitor their own CSRF token."""

import datetime as dt
import re

import pytest

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cms.models import NewsPage
from events.models import Registration
from events.tests.factories import make_seminar, seminar_page

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.DXCENTER_PAGE_CACHE = True  # off for the rest of the suite


def test_anonymous_visitors_get_the_stored_page(client, site):
    assert client.get("/").get("X-Page-Cache") == "miss"
    second = Client().get("/")
    assert second.get("X-Page-Cache") == "hit"
    assert "みえDXセンター" in second.content.decode()
    assert "Content-Security-Policy" in second  # stored with the headers of the page


def test_publishing_a_page_purges_the_cache(client, site):
    news = NewsPage.objects.live().filter(locale__language_code="ja").first()
    client.get(news.url)
    assert Client().get(news.url).get("X-Page-Cache") == "hit"
    news.title = "タイトルを直しました"
    news.save_revision().publish()
    fresh = Client().get(news.url)
    assert fresh.get("X-Page-Cache") == "miss"
    assert "タイトルを直しました" in fresh.content.decode()


def test_logged_in_people_always_get_a_fresh_page(client, site):
    boss = User.objects.create_superuser("boss", "boss@example.jp", "pw-123456789")
    client.get("/")
    client.force_login(boss)
    assert client.get("/").get("X-Page-Cache") is None


def test_a_stored_seminar_page_gives_each_visitor_their_own_working_token(db):
    seminar = make_seminar(capacity_venue=5)
    first = Client(enforce_csrf_checks=True)
    assert first.get(seminar.url).get("X-Page-Cache") == "miss"

    tokens = []
    for n in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(seminar.url)
        assert page.get("X-Page-Cache") == "hit"
        assert "__dx_page_cache" not in page.content.decode()
        token = TOKEN.search(page.content.decode()).group(1)
        tokens.append(visitor.cookies["csrftoken"].value)
        response = visitor.post(
            f"/seminars/{seminar_page(seminar).pk}/register/",
            {
                "csrfmiddlewaretoken": token,
                "name": f"キャッシュ 花子{n}",
                "email": f"cached{n}@example.jp",
                "requester_type": "business",
                "mode": "venue",
                "consent": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    assert tokens[0] != tokens[1]
    assert Registration.objects.filter(seminar=seminar).count() == 2


def test_seat_counts_are_kept_for_thirty_seconds_at_most(client, db):
    seminar = make_seminar(capacity_venue=5)
    response = client.get(seminar.url)
    assert "max-age=30" in response["Cache-Control"]


def test_a_query_string_variant_is_neither_stored_nor_served_from_the_cache(site):
    from django.core.cache import caches

    from cms.cache import generation

    seminar = make_seminar(capacity_venue=5)
    forged = {"registered": "waitlisted", "n": "お電話ください 0120-000-000"}
    first = Client().get(seminar.url, forged)
    assert first.status_code == 200 and first.get("X-Page-Cache") is None
    again = Client().get(seminar.url, forged)
    assert again.get("X-Page-Cache") is None
    assert "0120-000-000" not in again.content.decode()
    # The plain page is stored, but the variant is still not served from it.
    assert Client().get(seminar.url).get("X-Page-Cache") == "miss"
    assert Client().get(seminar.url).get("X-Page-Cache") == "hit"
    assert Client().get(seminar.url, {"utm_source": "mail"}).get("X-Page-Cache") is None
    prefix = f"pagecache:{generation()}:"
    stored = [k for k in caches["pages"]._cache if prefix in k]  # local memory under the tests
    assert len(stored) == 1  # the plain page only


def test_a_change_to_the_seminar_record_reaches_its_stored_page_at_once(client, db):
    """Staff change a seminar in its record (セミナーの日程), not on its page: a visitor who
    comes next sees the new time, the cancellation and the new lecturer, not the stored page."""
    from events.services import seminar_saved
    from partners.models import Advisor

    seminar = make_seminar(capacity_venue=5)
    client.get(seminar.url)
    assert Client().get(seminar.url).get("X-Page-Cache") == "hit"

    seminar.starts_at += dt.timedelta(hours=1)
    seminar.ends_at += dt.timedelta(hours=1)
    seminar.save()
    seminar_saved(seminar=seminar)
    moved = Client().get(seminar.url)
    assert moved.get("X-Page-Cache") == "miss"
    assert timezone.localtime(seminar.starts_at).strftime("%H:%M") in moved.content.decode()

    advisor = Advisor.objects.create(name="講師 一郎", is_public=True)
    seminar.lecturer_advisors.add(advisor)  # a many-to-many change saves no row of the seminar
    assert "講師 一郎" in Client().get(seminar.url).content.decode()

    seminar.is_cancelled = True
    seminar.save()
    assert "開催を中止しました" in Client().get(seminar.url).content.decode()


def test_an_editor_facing_model_that_does_not_say_whether_pages_show_it_fails_the_check(
    monkeypatch,
):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from common import page_cache

    call_command("check")
    shown = page_cache.shown_models()
    assert {"events.Seminar", "events.SeminarProgramme", "common.CenterSettings"} <= set(shown)
    monkeypatch.setattr(
        page_cache, "_SHOWN", {k: v for k, v in shown.items() if k != "events.Seminar"}
    )
    with pytest.raises(SystemCheckError, match=r"events\.Seminar is offered") as failure:
        call_command("check")
    assert "common.E011" in str(failure.value)

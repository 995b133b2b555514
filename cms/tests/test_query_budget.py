"""Every public page rendered afresh makes at most 12 queries under the production cache
configuration (the database cache's own queries counted), with few and with many children."""

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

from appointments import demo as sessions_demo
from appointments.tests.factories import make_series
from cms import cache as page_cache
from cms.models import CaseStudyIndexPage, CaseStudyPage, NewsPage
from events.tests.factories import make_seminar

BUDGET = 12


def _public_paths(children: int) -> list[str]:
    index = CaseStudyIndexPage.objects.get(locale__language_code="ja")
    news_index = Page.objects.get(slug="news", locale__language_code="ja").specific
    for n in range(children):
        index.add_child(
            instance=CaseStudyPage(
                title=f"追加事例{n}",
                slug=f"extra-{n}",
                requester_type="business",
                category="information",
                industry=f"業種{n % 5}",
                challenge="<p>課題</p>",
                support="<p>支援</p>",
            )
        )
        news_index.add_child(instance=NewsPage(title=f"追加のお知らせ{n}", slug=f"extra-{n}"))
    seminar = make_seminar(capacity_venue=30, capacity_online=30, format="hybrid")
    for n in range(children):
        make_seminar(title=f"追加セミナー{n}", capacity_venue=10)
    sessions_demo.seed(Page.objects.get(depth=2, locale__language_code="ja").specific)
    series = make_series(slots=children)
    ja = {"locale__language_code": "ja"}
    return {
        "home": "/",
        "English home": "/en/",
        "news index": "/news/",
        "news page": NewsPage.objects.live().filter(**ja).first().url,
        "case study index": "/case-studies/",
        "case study": CaseStudyPage.objects.live().filter(**ja).first().url,
        "advisor directory": "/advisors/",
        "partner directory": "/partners/",
        "FAQ": "/faq/",
        "seminar index": "/seminars/",
        "seminar with its form": seminar.url,  # open for registration: seats left, the form
        "consultation form": "/consultation/",
        "個別相談会 page": "/sessions/",
        "個別相談会 booking form": f"/sessions/{series.pk}/",
        "privacy page": "/privacy/",
        "standard page": "/about/",
    }


def _queries(path: str, *, bypass: bool = False) -> list[str]:
    client = Client()
    if bypass:  # a visitor with a cookie is never served from the page cache
        client.cookies["csrftoken"] = "a-cookie-bypasses-the-page-cache"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    assert response.get("X-Page-Cache") != "hit", path  # rendered afresh
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("children", [3, 30])
def test_every_public_page_rendered_afresh_keeps_the_budget(site, production_caches, children):
    """Each page rendered afresh (a visitor the page cache does not serve), and its first visit
    after a publish, once an earlier visitor has rebuilt the site chrome (menu, footer, the
    site and its root paths) in either language."""
    paths = _public_paths(children)
    first_visit, rendered = {}, {}
    for kind, path in paths.items():
        page_cache.purge()
        Client().get("/accessibility/")
        Client().get("/en/accessibility/")
        first_visit[kind] = len(_queries(path))
        rendered[kind] = len(_queries(path, bypass=True))
    assert max(rendered.values()) <= BUDGET, rendered
    assert max(first_visit.values()) <= BUDGET, first_visit

"""Every public page of the demo, in both languages: no template text leaks into the HTML,
and English pages link English pages and say English words."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wagtail.models import Page

TOKYO = ZoneInfo("Asia/Tokyo")
# The demo's seminars are placed around the day it is built; build it on a fixed day.
DEMO_DAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site():
    from cms import demo as cms_demo
    from events import demo as events_demo
    from partners import demo as partners_demo

    with time_machine.travel(DEMO_DAY, tick=False):
        partners_demo.seed()
        home = cms_demo.seed_site()
        events_demo.seed(home)
        cms_demo.seed_menu(home)
        yield home


def _leaks(html: str) -> list[str]:
    # Scripts may hold JSON with braces of their own; the page text and attributes may not.
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    return [html[max(0, m.start() - 60) : m.end() + 60] for m in TEMPLATE_SYNTAX.finditer(html)]


def _registration_links(client, seminar_url):
    """Register on a seminar page and return the mail's links, for the pages they open."""
    from django.core import mail

    client.post(
        seminar_url,
        {
            "name": "見本 花子",
            "email": f"leak{len(mail.outbox)}@example.jp",
            "requester_type": "business",
            "mode": "venue",
            "consent": "on",
        },
    )
    from events.models import Registration

    registration = Registration.objects.order_by("-pk").first()
    from events.services import CANCEL_SALT, SURVEY_SALT, registration_token

    return [
        f"/registration/cancel/{registration_token(registration, CANCEL_SALT)}/",
        f"/en/registration/cancel/{registration_token(registration, CANCEL_SALT)}/",
        f"/registration/survey/{registration_token(registration, SURVEY_SALT)}/",
    ]


@time_machine.travel(DEMO_DAY, tick=False)
def test_no_page_of_either_language_shows_template_syntax(client, demo_site):
    pages = list(Page.objects.live().filter(depth__gte=2).specific())
    seen = {}
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert _leaks(html) == [], page.url
        seen.setdefault(page.locale.language_code, set()).add(type(page).__name__)
    # Every page type of the demo was rendered, in both languages.
    assert {"HomePage", "SeminarIndexPage", "SeminarPage"} <= seen["ja"]
    assert {"HomePage", "SeminarIndexPage", "SeminarPage"} <= seen["en"]
    assert seen["ja"] == seen["en"]

    # And the pages a registrant reaches from the page or the mail.
    seminar = next(
        p
        for p in pages
        if type(p).__name__ == "SeminarPage" and p.seminar and p.seminar.registration_open()
    )
    links = _registration_links(client, seminar.url)
    extra = [f"{seminar.url}?registered=confirmed&n=", f"{seminar.url}?registered=waitlisted&n=2"]
    for path in extra + links:
        response = client.get(path)
        assert response.status_code in (200, 410), path
        assert _leaks(response.content.decode()) == [], path
    assert "{#" not in client.post(seminar.url, {"name": ""}).content.decode()


@time_machine.travel(DEMO_DAY, tick=False)
def test_the_english_seminar_index_lists_the_seminars_and_english_pages_link_english_pages(
    client, demo_site
):
    from events.demo import ENGLISH_TITLES
    from events.models import SeminarPage

    index = client.get("/en/seminars/").content.decode()
    assert "There are no upcoming seminars" not in index
    upcoming = index.split("Past seminars", 1)[0]
    for title in ENGLISH_TITLES.values():
        english = SeminarPage.objects.get(title=title)
        assert f'href="{english.url}">{title}</a>' in upcoming
        assert english.url.startswith("/en/seminars/")
    # Past seminars exist in Japanese only: listed with a note, in Japanese.
    past = index.split("Past seminars", 1)[1]
    japanese_only = SeminarPage.objects.get(title="AIなど最先端デジタル技術について考える")
    assert f'href="{japanese_only.url}" lang="ja">{japanese_only.title}</a>' in past
    assert "(page in Japanese)" in past

    home = client.get("/en/").content.decode()
    section = home.split('id="seminars-title"')[1].split("</section>")[0]
    links = re.findall(r'href="([^"]+)"', section)
    assert links and all(link.startswith("/en/") for link in links), links
    assert "All seminars" in section and "セミナーの一覧へ" not in section


@time_machine.travel(DEMO_DAY, tick=False)
def test_english_pages_have_no_untranslated_interface_words(client, demo_site):
    partners = client.get("/en/partners/").content.decode()
    assert "11 companies" in partners and "11社" not in partners
    assert ">All<" in partners and ">すべて<" not in partners
    case_studies = client.get("/en/case-studies/").content.decode()
    assert ">すべて<" not in case_studies
    japanese = client.get("/partners/").content.decode()
    assert "11社" in japanese and ">すべて<" in japanese


def test_the_admin_home_reads_japanese(client, demo_site):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("kanri", "kanri@example.jp", "x")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert re.search(r"\d+ ページ", html)
    assert "すべてのページを検索" in html
    for english in (" Pages <", "Search all pages", ">Help<", '"Help"'):
        assert english not in html, english


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    # Content shown in Japanese on purpose (a page that exists in Japanese only) says so.
    html = re.sub(r'<(\w+)\b[^>]*\blang="ja"[^>]*>.*?</\1>', "", html, flags=re.S)
    attributes = re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', html)
    return "\n".join([re.sub(r"<[^>]+>", "\n", html), *attributes])


@time_machine.travel(DEMO_DAY, tick=False)
def test_english_pages_show_no_japanese_interface_text(client, demo_site):
    """The English of every interface string comes from locale/en/LC_MESSAGES/django.po: on the
    English pages (forms with their error messages too) no msgid shows untranslated."""
    from pathlib import Path

    import polib

    from django.conf import settings

    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"))
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    placeholder = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")
    # The literal parts of each Japanese msgid, long enough not to be a word of the content.
    phrases = {
        part.strip()
        for entry in catalogue
        if not entry.obsolete and japanese.search(entry.msgid)
        for part in placeholder.split(entry.msgid)
        if len(part.strip()) >= 4 and japanese.search(part)
    }
    pages = Page.objects.live().filter(depth__gte=2, locale__language_code="en").specific()
    requests = [("get", page.url) for page in pages]
    requests += [("get", "/en/newsletter/"), ("get", "/en/partner/login/")]
    requests += [
        ("post", p.url) for p in pages if type(p).__name__ in ("ConsultationPage", "SeminarPage")
    ]
    requests += [("post", "/en/newsletter/")]
    assert {"/en/", "/en/consultation/", "/en/privacy/"} <= {url for _, url in requests}

    shown = {}
    for method, url in requests:
        response = client.post(url, {"email": "x"}) if method == "post" else client.get(url)
        assert response.status_code in (200, 400), (method, url)
        text = _visible_text(response.content.decode())
        leaked = sorted(phrase for phrase in phrases if phrase in text)
        if leaked:
            shown[f"{method} {url}"] = leaked
    assert shown == {}

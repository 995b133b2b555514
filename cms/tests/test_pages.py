import re
import sys

import pytest

from django.urls import get_resolver

from wagtail.models import Locale, Page

from cms.models import CaseStudyIndexPage, CaseStudyPage, ConsultationPage, NewsPage


def locs(client) -> list[str]:
    xml = client.get("/sitemap.xml").content.decode()
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def test_sitemap_lists_both_languages_and_every_page_answers(client, site):
    paths = locs(client)
    assert "/" in paths and "/en/" in paths
    assert "/case-studies/retail-cloud-accounting/" in paths
    assert "/en/case-studies/retail-cloud-accounting/" in paths
    assert "/en/accessibility/" in paths
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_english_pages_are_in_english_with_english_chrome(client, site):
    html = client.get("/en/about/").content.decode()
    assert '<html lang="en">' in html
    assert "About the center" in html
    assert "Skip to main content" in html
    assert "本文へ移動" not in html


def test_language_switcher_goes_to_the_translation(client, site):
    html = client.get("/about/").content.decode()
    assert 'href="/en/about/" lang="en"' in html
    html = client.get("/en/case-studies/bank-staff-seminar/").content.decode()
    assert 'href="/case-studies/bank-staff-seminar/" lang="ja"' in html


def test_language_switcher_falls_back_to_the_nearest_translated_ancestor(client, site):
    # This news item exists in Japanese only: English readers land on the English news list.
    html = client.get("/news/news-2022-10-smartphone/").content.decode()
    assert 'href="/en/news/" lang="en"' in html


def test_menu_lists_pages_shown_in_menus_and_marks_the_current_one(client, site):
    html = client.get("/case-studies/bank-staff-seminar/").content.decode()
    nav = html.split('class="dx-nav"')[1].split("</nav>")[0]
    assert "事例集" in nav and "よくある質問" in nav
    assert "個人情報の取扱い" not in nav  # not shown in menus: it is in the footer
    assert 'href="/case-studies/" aria-current="true"' in nav
    en_nav = client.get("/en/faq/").content.decode().split('class="dx-nav"')[1]
    assert 'href="/en/faq/" aria-current="page"' in en_nav.split("</nav>")[0]


def test_breadcrumbs_lead_from_home_to_the_page(client, site):
    html = client.get("/case-studies/bank-staff-seminar/").content.decode()
    trail = html.split('class="dx-breadcrumbs"')[1].split("</nav>")[0]
    assert trail.index('href="/"') < trail.index('href="/case-studies/"')
    assert '<span aria-current="page">金融機関の職員がDXを学び' in trail
    assert 'class="dx-breadcrumbs"' not in client.get("/").content.decode()


def test_footer_links_follow_the_visitors_language(client, site):
    ja = client.get("/").content.decode().split('class="dx-footer"')[1]
    assert 'href="/accessibility/">ウェブアクセシビリティ方針' in ja
    en = client.get("/en/").content.decode().split('class="dx-footer"')[1]
    assert 'href="/en/accessibility/">Web accessibility policy' in en
    assert 'href="/en/privacy/">Privacy policy' in en


def test_home_shows_consult_button_seminars_news_and_featured_case_studies(client, site):
    from events.tests.factories import make_seminar

    make_seminar(days=30, title="来月のDXセミナー")
    make_seminar(days=-30, title="先月のDXセミナー")
    html = client.get("/").content.decode()
    assert 'class="btn btn-primary btn-lg dx-cta" href="/consultation/"' in html
    assert "来月のDXセミナー" in html
    assert "先月のDXセミナー" not in html
    # The latest news: the demo's news of the fiscal year it runs in.
    from django.utils import timezone

    from common.dates import fiscal_year_label, fiscal_year_of

    label = fiscal_year_label(fiscal_year_of(timezone.localdate()))
    assert f"{label}もDXの相談を受け付けています" in html
    assert "経理とバックオフィス業務をデジタル化したい" in html  # featured
    assert "勤務シフト表を自動で作成したい" not in html  # not featured


def test_case_studies_filter_by_category_and_industry(client, site):
    html = client.get("/case-studies/?category=problem_solving").content.decode()
    # The seed's three and the demo's case study of the current fiscal year.
    assert "4件の事例" in html
    assert "勤務シフト表を自動で作成したい" in html
    assert "経理とバックオフィス業務をデジタル化したい" not in html
    html = client.get("/case-studies/?category=problem_solving&industry=製造業").content.decode()
    assert "2件の事例" in html and "社員にDXをどう説明し" in html
    assert "受発注をFAXからウェブに移したい" in html
    # An unknown value is ignored rather than hiding everything.
    # An unknown category filters nothing: every case study, the current year's included.
    assert "6件の事例" in client.get("/case-studies/?category=nonsense").content.decode()


def test_case_study_shows_the_advisors_and_partners_involved(client, db):
    from partners import demo as partners_demo

    partners_demo.seed()
    from cms import demo

    demo.seed_site()
    html = client.get("/case-studies/senior-smartphone-classes/").content.decode()
    assert "伊勢湾モバイル株式会社" in html and "鈴鹿テレコム株式会社" in html
    assert "企画運営" in html or "イベント企画運営" in html
    en = client.get("/en/case-studies/bank-staff-seminar/").content.decode()
    assert "Misaki Aoyama" in en


def test_directories_filter_by_expertise(client, db):
    from partners import demo as partners_demo

    partners_demo.seed()
    from cms import demo

    demo.seed_site()
    html = client.get("/partners/").content.decode()
    assert "11社" in html
    html = client.get("/partners/?expertise=smartphone").content.decode()
    assert "伊勢湾モバイル株式会社" in html and "株式会社津システムズ" not in html
    html = client.get("/advisors/?expertise=smartphone").content.decode()
    assert "中村 彩" in html and "青山 美咲" not in html
    en = client.get("/en/advisors/").content.decode()
    assert "Misaki Aoyama" in en


def test_search_finds_pages_in_the_visitors_language_only(client, site):
    html = client.get("/search/", {"q": "シフト"}).content.decode()
    assert "勤務シフト表を自動で作成したい" in html
    en = client.get("/en/search/", {"q": "accounting"}).content.decode()
    assert "Digitising accounting and the back office" in en
    assert "経理とバックオフィス" not in en
    empty = client.get("/search/").content.decode()
    assert "検索結果" not in empty


def test_meta_description_and_open_graph(client, site):
    html = client.get("/case-studies/retail-cloud-accounting/").content.decode()
    assert '<meta name="description" content="小売業者からの相談に、クラウド会計の動向' in html
    assert '<meta property="og:title" content="経理とバックオフィス業務をデジタル化したい">' in html
    assert (
        '<meta property="og:url" content="http://testserver/case-studies/retail-cloud-accounting/">'
        in html
    )
    assert '<meta property="og:locale" content="en_US">' in client.get("/en/").content.decode()


def test_every_page_has_exactly_one_h1(client, site):
    for path in locs(client):
        html = client.get(path).content.decode()
        assert html.count("<h1") == 1, path


def test_consultation_page_falls_back_to_its_intro_without_the_cases_app(client, site, monkeypatch):
    # The URLconf imports cases.views itself: load it before hiding the module, or a test that
    # runs first (random order) fails in the URLconf instead of exercising the fallback.
    get_resolver().url_patterns  # noqa: B018
    monkeypatch.setitem(sys.modules, "cases.views", None)  # import now raises ImportError
    html = client.get("/consultation/").content.decode()
    assert "申込：このページのフォームからお申し込みください。" in html


def test_seed_is_idempotent(site):
    from cms import demo

    before = Page.objects.count()
    demo.seed_site()
    assert Page.objects.count() == before
    assert ConsultationPage.objects.count() == 2


@pytest.mark.parametrize("children", [3, 30])
def test_index_pages_keep_a_fixed_query_budget(
    client, site, children, django_assert_max_num_queries
):
    index = CaseStudyIndexPage.objects.get(locale__language_code="ja")
    news_index = Page.objects.get(slug="news", locale__language_code="ja").specific
    for n in range(children):
        study = CaseStudyPage(
            title=f"追加事例{n}",
            slug=f"extra-{n}",
            requester_type="business",
            category="information",
            industry=f"業種{n % 5}",
            challenge="<p>課題</p>",
            support="<p>支援</p>",
        )
        index.add_child(instance=study)
        news_index.add_child(instance=NewsPage(title=f"追加のお知らせ{n}", slug=f"extra-{n}"))
    for path in ("/case-studies/", "/news/", "/en/case-studies/", "/"):
        client.get(path)  # site-wide fragments (menu, footer) are cached as in production
    for path in ("/case-studies/", "/news/", "/advisors/", "/faq/"):
        with django_assert_max_num_queries(12):
            assert client.get(path + "?page=1").status_code == 200


def test_detail_pages_and_the_home_page_keep_the_budget(
    client, site, django_assert_max_num_queries
):
    from events.tests.factories import make_seminar

    seminar = make_seminar(capacity_venue=30, capacity_online=30, format="hybrid")
    paths = [
        "/",
        "/seminars/",
        seminar.url,  # open for registration: seats left and the form
        NewsPage.objects.live().filter(locale__language_code="ja").first().url,
        CaseStudyPage.objects.live().filter(locale__language_code="ja").first().url,
        "/en/",
    ]
    for path in paths:
        client.get(path)  # site-wide fragments (menu, footer) are cached as in production
    for path in paths:
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200, path


def test_unused_locale_is_harmless(client, site):
    Locale.objects.get_or_create(language_code="fr")
    assert client.get("/").status_code == 200

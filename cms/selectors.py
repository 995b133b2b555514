"""Reads of the public site: what each page lists, menus, breadcrumbs, search."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from wagtail.models import Locale, Page

from common.search import expand_query
from common.vocab import Category
from events.selectors import upcoming_seminar_pages
from partners import selectors as partner_selectors
from partners.models import ExpertiseArea

from .models import CaseStudyPage, HomePage, NewsPage

HOME_DEPTH = 2

# What a case-study card shows: the home page's featured cards and the index read only these.
CASE_STUDY_CARD_FIELDS = (
    "id",
    "title",
    "url_path",
    "locale_id",
    "summary",
    "category",
    "requester_type",
    "industry",
)


def _home_path(page: Page) -> str:
    return page.path[: HOME_DEPTH * Page.steplen]


def home_sections(home: Page) -> dict:
    """Upcoming seminars, latest news and featured case studies for the home page."""

    # Seminars are often published in Japanese only: show the visitor's language where it
    # exists, else the original, one entry per seminar; a cancelled one stays listed, marked.
    upcoming = upcoming_seminar_pages(home.locale_id, limit=3)
    news = list(
        NewsPage.objects.live()
        .descendant_of(home)
        .order_by("-date", "-pk")
        .only("id", "title", "url_path", "locale_id", "date", "summary")[:3]
    )
    featured = list(
        CaseStudyPage.objects.live()
        .descendant_of(home)
        .filter(featured=True)
        .order_by("path")
        .only(*CASE_STUDY_CARD_FIELDS)[:3]
    )
    sections = {}
    for child in (
        Page.objects.child_of(home)
        .live()
        .only("id", "title", "url_path", "locale_id", "content_type_id")
    ):
        sections.setdefault(child.content_type_id, child)
    return {
        "upcoming_seminars": upcoming,
        "latest_news": news,
        "featured_case_studies": featured,
        "consultation_page": sections.get(_content_type_id("cms", "consultationpage")),
        "news_index": sections.get(_content_type_id("cms", "newsindexpage")),
        "case_study_index": sections.get(_content_type_id("cms", "casestudyindexpage")),
        "seminar_index": sections.get(_content_type_id("events", "seminarindexpage")),
    }


def _content_type_id(app_label: str, model: str) -> int:
    return ContentType.objects.get_for_model(apps.get_model(app_label, model)).pk


def news_for_index(index: Page) -> QuerySet:
    """Live news below the index, newest first."""

    return (
        NewsPage.objects.live()
        .child_of(index)
        .order_by("-date", "-pk")
        .only("id", "title", "url_path", "locale_id", "date", "summary")
    )


def case_studies_for_index(index: Page, *, category: str = "", industry: str = ""):
    """Live case studies below the index, filtered; and every industry present, for the filter."""

    studies = CaseStudyPage.objects.live().child_of(index)
    industries = sorted(set(studies.exclude(industry="").values_list("industry", flat=True)))
    if category in Category.values:
        studies = studies.filter(category=category)
    if industry:
        studies = studies.filter(industry=industry)
    studies = (
        studies.select_related("municipality")
        .order_by("path")
        .only(
            *CASE_STUDY_CARD_FIELDS,
            "municipality__name",
            "municipality__name_en",
        )
    )
    return studies, industries


def directory(kind: str, expertise_slug: str = "") -> dict:
    """Advisors or partner companies for a directory page, with the expertise filter."""
    areas = list(ExpertiseArea.objects.order_by("sort_order", "name"))
    selected = next((a for a in areas if a.slug == expertise_slug), None)
    slug = selected.slug if selected else None
    # Looked up on the module when called, so that a swapped partners.selectors function is used.
    if kind == "advisors":
        people = partner_selectors.public_advisors(slug)
    else:
        people = partner_selectors.public_companies(slug)
    return {
        "entries": list(people),
        "expertise_areas": areas,
        "selected_expertise": selected,
    }


def locale_home(page: Page | None) -> Page | None:
    """The home page of the page's language tree, else of the active language."""
    if page is not None and page.depth >= HOME_DEPTH:
        return Page.objects.filter(path=_home_path(page)).first()

    locale = Locale.get_active()
    return (
        HomePage.objects.filter(locale=locale).first() or HomePage.objects.order_by("path").first()
    )


def menu_pages(home_path: str) -> list[Page]:
    """The home page at home_path and its live children marked 'show in menus', in tree order."""
    return list(
        Page.objects.filter(
            Q(path=home_path)
            | Q(depth=HOME_DEPTH + 1, path__startswith=home_path, show_in_menus=True),
            live=True,
        )
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth", "locale_id")
    )


def breadcrumb_pages(page: Page) -> list[Page]:
    """Ancestors from the home page down to the page's parent."""
    if page.depth <= HOME_DEPTH:
        return []
    return list(
        page.get_ancestors()
        .filter(depth__gte=HOME_DEPTH)
        .only("id", "title", "url_path", "path", "depth", "locale_id")
    )


def localized_pages(pages: list[Page], locale: Locale) -> dict[int, Page]:
    """For each page, its live translation in the locale (or itself), keyed by page id."""
    keys = {p.translation_key for p in pages}
    found = {
        p.translation_key: p
        for p in Page.objects.filter(translation_key__in=keys, locale=locale, live=True).only(
            "id", "title", "url_path", "locale_id", "translation_key"
        )
    }
    return {p.pk: found.get(p.translation_key, p) for p in pages}


def search_pages(query: str, locale: Locale):
    """Live public pages of one language matching the query, best first."""
    if not query.strip():
        return Page.objects.none()
    pages = Page.objects.live().public().filter(locale=locale).specific()
    return pages.search(expand_query(query), operator="and")

"""Site chrome for the public templates: menu, breadcrumbs, footer links, meta tags."""

from django import template
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator

from wagtail.models import Locale, Page

from cms import selectors
from cms.cache import fragment_key, generation, store
from cms.models import FooterLinks
from common.templatetags.dx import other_language_url

register = template.Library()
FRAGMENT_SECONDS = 60 * 60


def _host(request) -> str:
    return request.get_host() if request is not None else ""


def _home_path(page) -> str | None:
    if isinstance(page, Page) and page.depth >= selectors.HOME_DEPTH:
        return page.path[: selectors.HOME_DEPTH * Page.steplen]
    return None


@register.simple_tag
def cache_generation() -> int:
    """The page-cache generation, for `{% cache %}` fragments that a publish must drop."""
    return generation()


@register.inclusion_tag("includes/nav.html", takes_context=True)
def main_menu(context):
    """The main menu: the home page and its children shown in menus, current one marked."""
    request = context.get("request")
    page = context.get("page")
    language = translation.get_language()
    home_path = _home_path(page)
    key = fragment_key("menu", _host(request), language, home_path or "-")
    items = store().get(key)
    if items is None:
        home = Page(path=home_path, depth=selectors.HOME_DEPTH) if home_path else None
        if home is None:
            home = selectors.locale_home(None)
        items = []
        if home is not None:
            for item in selectors.menu_pages(home.path):
                items.append({"title": item.title, "url": item.get_url(request), "path": item.path})
        store().set(key, items, FRAGMENT_SECONDS)
    current_path = page.path if isinstance(page, Page) else None
    menu = []
    for index, item in enumerate(items):
        if current_path is None:
            state = ""
        elif current_path == item["path"]:
            state = "page"
        elif index and current_path.startswith(item["path"]):
            state = "true"
        else:
            state = ""
        menu.append({**item, "current": state})
    return {"menu": menu, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page to the current page (nothing on the home page itself)."""
    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= selectors.HOME_DEPTH:
        return {"crumbs": [], "page": page}
    key = fragment_key("crumbs", _host(request), translation.get_language(), page.pk)
    crumbs = store().get(key)
    if crumbs is None:
        crumbs = [
            {"title": p.title, "url": p.get_url(request)} for p in selectors.breadcrumb_pages(page)
        ]
        store().set(key, crumbs, FRAGMENT_SECONDS)
    return {"crumbs": crumbs, "page": page}


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[dict]:
    """Footer links from the FooterLinks setting, each page followed into the visitor's language."""

    request = context.get("request")
    language = translation.get_language()
    key = fragment_key("footer", _host(request), language)
    links = store().get(key)
    if links is not None:
        return links
    links = []
    if request is not None:
        setting = FooterLinks.for_request(request)
        values = [block.value for block in setting.links]
        pages = [v["page"] for v in values if v["page"] is not None]
        locale = Locale.objects.filter(language_code=language).first()
        localized = selectors.localized_pages(pages, locale) if pages and locale else {}
        for value in values:
            label = (value["label_en"] if language == "en" else "") or value["label"]
            if value["page"] is not None:
                target = localized.get(value["page"].pk, value["page"])
                links.append({"title": label or target.title, "url": target.get_url(request)})
            elif value["url"]:
                links.append({"title": label or value["url"], "url": value["url"]})
    store().set(key, links, FRAGMENT_SECONDS)
    return links


@register.simple_tag(takes_context=True)
def language_switch_url(context, language: str) -> str:
    """other_language_url, remembered per page until the next publish."""

    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page) or request is None or request.GET:
        return other_language_url(context, language)
    key = fragment_key("lang", _host(request), language, page.pk)
    url = store().get(key)
    if url is None:
        url = other_language_url(context, language)
        store().set(key, url, FRAGMENT_SECONDS)
    return url


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str = "") -> str:
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(path or request.path)


@register.simple_tag
def page_description(page, default: str = "") -> str:
    """The meta description: the promote tab's text, else the page's summary or lead."""
    for field in ("search_description", "summary", "lead", "intro"):
        value = getattr(page, field, "") if page is not None else ""
        if value:
            return Truncator(strip_tags(str(value)).strip()).chars(120)
    return default

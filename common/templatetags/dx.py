import datetime as dt

from django import template
from django.db.models import Q
from django.urls import translate_url
from django.utils import dateformat, timezone
from django.utils.translation import get_language

from wagtail.models import Page

from common.admin_display import admin_value as display_value
from common.dates import fiscal_year_label, format_date_ja
from common.names import user_display_name

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A user's name, family name first (姓 名), else the sign-in name."""
    return user_display_name(user)


@register.filter(is_safe=True)
def admin_value(value):
    """はい/いいえ for a yes/no, Japan time for a time (common.admin_display)."""
    return display_value(value)


@register.simple_tag(takes_context=True)
def other_language_url(context, language: str) -> str:
    """The same page in the other language: the page's translation, else the translation of its
    nearest translated ancestor (at least the home page), never a path that would 404."""
    request = context.get("request")
    page = context.get("page")
    if page is not None and hasattr(page, "get_translation_or_none"):
        if get_language() == language:  # a page is served in the language of its URL
            return page.get_url(request=request)
        # One query: the page or its deepest ancestor (home included) that exists in `language`.
        keys = Q(translation_key=page.translation_key)
        if page.depth > 2:
            ancestors = page.get_ancestors().filter(depth__gte=2).values("translation_key")
            keys |= Q(translation_key__in=ancestors)
        translated = (
            Page.objects.filter(keys, locale__language_code=language, live=True)
            .order_by("-depth")
            .first()
        )
        if translated is not None:
            return translated.get_url(request=request)
    if request is None:
        return "/" if language == "ja" else f"/{language}/"
    return translate_url(request.get_full_path(), language)


@register.filter
def jdate(value: dt.date | dt.datetime | None, weekday: bool = True) -> str:
    """2022年4月1日(金); on English pages Fri 1 April 2022."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if (get_language() or "ja").startswith("en"):
        return dateformat.format(value, "D j F Y" if weekday else "j F Y")
    return format_date_ja(value, weekday=weekday)


@register.filter
def fy_label(value: int, language: str = "ja") -> str:
    return fiscal_year_label(int(value), language)

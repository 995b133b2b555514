import datetime as dt

from django import template
from django.urls import translate_url

from dxcenter.common.dates import fiscal_year_label, format_date_ja

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language_url(context, language: str) -> str:
    """The same page in the other language: the page's translation, else the translation of its
    nearest translated ancestor (at least the home page), never a path that would 404."""
    request = context.get("request")
    page = context.get("page")
    if page is not None and hasattr(page, "get_translation_or_none"):
        from wagtail.models import Locale, Page

        locale = Locale.objects.filter(language_code=language).first()
        if locale is not None:
            if page.locale_id == locale.pk:
                return page.get_url(request=request)
            keys = [page.translation_key]
            if page.depth > 2:
                keys += list(
                    page.get_ancestors()
                    .filter(depth__gte=2)
                    .values_list("translation_key", flat=True)
                )
            translated = (
                Page.objects.filter(translation_key__in=keys, locale=locale, live=True)
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
    """2022年4月1日(金)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return format_date_ja(value, weekday=weekday)


@register.filter
def fy_label(value: int, language: str = "ja") -> str:
    return fiscal_year_label(int(value), language)

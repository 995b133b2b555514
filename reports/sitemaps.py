"""The open-data page in sitemap.xml, in both languages (it is a view, not a Wagtail page)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation


class OpenDataSitemap(Sitemap):
    def items(self):
        return ["ja", "en"]

    def location(self, language):
        with translation.override(language):
            return reverse("opendata")

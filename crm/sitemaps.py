from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation


class NewsletterSitemap(Sitemap):
    """The subscribe page in both languages (the site check walks the sitemap with axe)."""

    def items(self):
        return ["ja", "en"]

    def location(self, language):
        with translation.override(language):
            return reverse("crm:subscribe")

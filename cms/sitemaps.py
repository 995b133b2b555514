"""sitemap.xml with every language: the site's home page and each of its translations."""

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class LocalizedSitemap(Sitemap):
    """Wagtail's sitemap lists the site root's tree only; this one walks each translation."""

    def items(self):
        root = self.get_wagtail_site().root_page
        homes = Page.objects.filter(translation_key=root.translation_key, live=True)
        query = None
        for home in homes:
            tree = Page.objects.descendant_of(home, inclusive=True)
            query = tree if query is None else query | tree
        if query is None:
            return Page.objects.none()
        return query.live().public().order_by("path").defer_streamfields().specific()

"""A page's view restrictions in one query (Wagtail reads the ancestors first, then the restrictions)."""

from django.db.models import Q

from wagtail.models import Page, PageViewRestriction


class ViewRestrictionsInOneQueryMixin:
    """Wagtail's `get_view_restrictions` as one query: the restrictions on the page and its
    ancestors (their paths follow from the page's own), an alias's restrictions being those of
    the page it aliases."""

    def get_view_restrictions(self):
        step = self.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of_id")
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page_id__in=aliased)
        )

"""Public views of the cms app that are not pages: the site search."""

from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from wagtail.models import Locale

from .models import paginate
from .selectors import search_pages

MAX_QUERY_LENGTH = 100


def search(request):
    """Site search in the visitor's language (/search/ and /en/search/)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = paginate(request, search_pages(query, Locale.get_active()), per_page=10)
    response = TemplateResponse(
        request, "cms/search.html", {"search_query": query, "results": results}
    )
    # Every query is a different URL: not worth keeping in the page cache.
    patch_cache_control(response, private=True)
    return response

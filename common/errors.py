"""Bad input is the client's error: a 400 or 404 page, never a 500.

The project's own views check their values (path converters and ``params.int_param``). Views
that are not the project's own, Wagtail's admin choosers above all, pass a query value such as
``?id=abc`` or ``?p=-1`` straight to the database or the paginator; the exceptions that come of
it are answered here as the client's error. Anything else still reaches the 500 page.
"""

import logging
import traceback

from django.core.exceptions import BadRequest
from django.core.paginator import InvalidPage
from django.db import DataError
from django.http import Http404, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from .redact import redact_emails

logger = logging.getLogger(__name__)

# Third-party views known to fail on a form field or a session key that is missing: a request
# nobody's browser sends. (view name, exception class)
MISSING_INPUT = {
    ("wagtailadmin_choose_page_external_link", AttributeError),
    ("wagtailredirects:process_import", KeyError),
    ("wagtailadmin_pages:set_page_position", AttributeError),  # the root page has no parent
}


def _raised_by_model_field(exc: BaseException) -> bool:
    """A ValueError or TypeError from a model field turning a value into a database value."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any("/django/db/models/" in frame.filename for frame in frames[-3:])


def is_bad_input(request, exc: BaseException) -> bool:
    if isinstance(exc, OverflowError | DataError):
        return True
    if isinstance(exc, ValueError | TypeError) and _raised_by_model_field(exc):
        return True
    if type(exc).__name__ == "FilterFieldError":  # a search filter the index does not have
        return True
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return any(view_name == name and isinstance(exc, kind) for name, kind in MISSING_INPUT)


class BadInputMiddleware:
    """Unsafe ``next`` values dropped before the view; bad-input exceptions become 400/404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = request.GET.get("next")
        if target is not None and not (
            target.startswith("/")
            and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
        ):
            query = request.GET.copy()
            del query["next"]
            request.GET = QueryDict(query.urlencode())
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, InvalidPage):
            raise Http404(str(exc)) from exc
        if is_bad_input(request, exc):
            logger.warning("bad input on %s: %s", request.path, redact_emails(repr(exc)))
            raise BadRequest(str(exc)) from exc
        return None

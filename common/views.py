import contextlib
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .models import CenterSettings

HEARTBEAT_KEY = "dxcenter:worker_heartbeat"
HEARTBEAT_MAX_AGE = 15 * 60


@require_GET
@never_cache
def healthz(request):
    """For load balancers: database reachable and, once seen, a recent worker heartbeat."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error"}, status=503)
    beat = cache.get(HEARTBEAT_KEY)
    if beat is not None and time.time() - float(beat) > HEARTBEAT_MAX_AGE:
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


CENTER_CONTACT_KEY = "dxcenter:center_contact"
CENTER_CONTACT_FIELDS = (
    "name",
    "name_en",
    "address",
    "phone",
    "email",
    "office_hours",
    "office_hours_en",
)


def _center_contact(request) -> dict | None:
    """The center's contact details for the error page, from the database while it answers,
    else the copy kept in the cache, else none: the page renders either way."""
    try:
        center = CenterSettings.for_request(request)
        contact = {field: getattr(center, field) for field in CENTER_CONTACT_FIELDS}
    except Exception:
        try:
            return cache.get(CENTER_CONTACT_KEY)
        except Exception:
            return None
    with contextlib.suppress(Exception):
        cache.set(CENTER_CONTACT_KEY, contact, None)
    return contact


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The site's own 500 page: its design, the center's contact details, nothing internal."""
    try:
        template = loader.get_template(template_name)
        body = template.render(
            {"center": _center_contact(request), "LANGUAGE_CODE": get_language() or "ja"}
        )
    except Exception:
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)

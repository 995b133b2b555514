import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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

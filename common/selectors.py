"""Reads every app may use."""

import datetime as dt
from collections.abc import Iterable

from axes.models import AccessAttempt

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from .models import BouncedAddress
from .security import ip_failure_limit
from .text import canonical_email


def bouncing_emails(emails: Iterable[str]) -> set[str]:
    """The addresses among `emails` the provider reported as bouncing (canonical form)."""
    wanted = {canonical_email(e) for e in emails if e}
    if not wanted:
        return set()
    return set(BouncedAddress.objects.filter(email__in=wanted).values_list("email", flat=True))


def is_bouncing(email: str) -> bool:
    email = canonical_email(email)
    return bool(email) and BouncedAddress.objects.filter(email=email).exists()


def login_lockouts() -> dict[str, list[dict]]:
    """Accounts and client addresses locked out now (django-axes counts within the cool-off)."""
    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    since = timezone.now() - cooloff
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)

    def over(field: str, limit: int) -> list[dict]:
        rows = (
            recent.exclude(**{field: ""})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        return [
            {"key": row[field], "failures": row["failures"], "until": row["last"] + cooloff}
            for row in rows
        ]

    return {
        "accounts": over("username", settings.AXES_FAILURE_LIMIT),
        "addresses": over("ip_address", ip_failure_limit()),
    }

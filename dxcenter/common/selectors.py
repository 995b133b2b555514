"""Reads every app may use."""

from collections.abc import Iterable

from .models import BouncedAddress


def bouncing_emails(emails: Iterable[str]) -> set[str]:
    """The addresses among `emails` the provider reported as bouncing (lower-case)."""
    wanted = {e.lower() for e in emails if e}
    if not wanted:
        return set()
    return set(BouncedAddress.objects.filter(email__in=wanted).values_list("email", flat=True))


def is_bouncing(email: str) -> bool:
    return bool(email) and BouncedAddress.objects.filter(email=email.lower()).exists()

"""Which records hold a consent to a purpose notice: each app registers its own in ``ready()``.

A notice version someone consented to is evidence, so its text never changes again; the base
asks the registered models instead of importing the apps.
"""

from django.db import models

_EVIDENCE: list[type[models.Model]] = []


def notice_evidence(model: type[models.Model]) -> None:
    """Record that ``model`` has a ``notice`` foreign key naming what a person consented to."""
    if model not in _EVIDENCE:
        _EVIDENCE.append(model)


def notice_in_use(notice) -> bool:
    """A version someone consented to is evidence: its text never changes again."""
    return any(model.objects.filter(notice=notice).exists() for model in _EVIDENCE)

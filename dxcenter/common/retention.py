"""Personal data is kept only as long as needed (APPI), then anonymised.

Each app registers how its data expires with `@retention_policy("name")` in its `retention.py`
(imported by the common app's `ready()`). A policy takes `today`, anonymises what has expired
and returns counts. It must be idempotent: what is already anonymised is not touched or counted
again. Policies blank personal data only; codes, dates and states stay, so every statistic is
the same before and after.
"""

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction

# Stored in place of free text that may hold personal data; data, not interface text, so it is
# the same whatever the language of the request that runs the policy.
REMOVED = "（保存期間経過により削除）"

Policy = Callable[[dt.date], dict[str, int]]
_POLICIES: dict[str, Policy] = {}


def retention_policy(name: str) -> Callable[[Policy], Policy]:
    """Register `func(today) -> counts` as the retention policy `name`."""

    def register(func: Policy) -> Policy:
        _POLICIES[name] = func
        return func

    return register


def registered_policies() -> dict[str, Policy]:
    return dict(_POLICIES)


def retention_apply(*, today: dt.date, dry_run: bool = False) -> dict[str, int]:
    """Run every policy in one transaction; a dry run rolls back and reports the same counts."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for _name, policy in sorted(_POLICIES.items()):
            for key, n in policy(today).items():
                counts[key] = counts.get(key, 0) + n
        if dry_run:
            transaction.set_rollback(True)
    return counts


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def history_of(model: type[models.Model], pks) -> models.QuerySet:
    """The change history (django-simple-history) of these rows; empty if the model has none."""
    history = getattr(model, "history", None)
    if history is None:
        return model.objects.none()
    return history.model.objects.filter(**{f"{model._meta.pk.attname}__in": list(pks)})


def blank_filled(queryset: models.QuerySet, *fields: str) -> int:
    """Replace each non-empty text field by the marker; returns how many rows had any."""
    changed = 0
    for name in fields:
        changed += (
            queryset.exclude(**{name: ""}).exclude(**{name: REMOVED}).update(**{name: REMOVED})
        )
    return changed

"""Personal data is kept only as long as needed (APPI), then anonymised.

Each personal-data area (common/areas.py, registered in an app's ``personal_data.py``) erases
its own data in ``erase(run)``: it anonymises what has expired on ``run.today`` and returns
counts. It must be idempotent: what is already anonymised is not touched or counted again.
Areas blank personal data only; codes, dates and states stay, so every statistic is the same
before and after. This module runs the areas and offers them the helpers below.
"""

import datetime as dt

from django.db import models, transaction

from .areas import RetentionRun, personal_data_areas

# Stored in place of free text that may hold personal data; data, not interface text, so it is
# the same whatever the language of the request that runs the policy.
REMOVED = "（保存期間経過により削除）"


def retention_apply(*, today: dt.date, dry_run: bool = False) -> dict[str, int]:
    """Run every area's erase in one transaction; a dry run rolls back and reports the same counts."""
    counts: dict[str, int] = {}
    run = RetentionRun(today=today)
    with transaction.atomic():
        for area in personal_data_areas():
            for key, n in area.erase(run).items():
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

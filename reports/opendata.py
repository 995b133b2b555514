"""Open data: consultations per closed fiscal year, with small municipality cells suppressed.

The rule, also published on the open-data page (`reports/open_data.html`):

- Only closed fiscal years are published. A year's figures are computed once, after the year has
  closed and a grace period for late entries has passed, and kept as a release that never changes:
  two downloads at any time give the same figures, so nothing can be learnt by differencing.
- Each year stands alone. There is no cumulative figure across years, so no year's suppressed
  cell can be recovered from another year or from a running total.
- Municipality cells with 0, 1 or 2 consultations are blank: a blank never tells 0 from 1 or 2.
- When any municipality cell is blank, the "unknown municipality" cell is blank too, and when
  only one municipality cell would be blank, the smallest other one is blanked as well.
  With the year's total published (and derivable from the other dimensions), the blanks'
  sum is known; it can always have come entirely from the "unknown" cell, so no blank
  municipality can be shown to hold even one case. `suppress()` is audited against an attacker
  who knows this rule in `reports/tests/test_open_data.py`.
- Requester types and consultation categories are published in full: they name no place.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case
from cases.statistics import case_statistics
from common.dates import fiscal_year_of

from .labels import choice_labels as _labels
from .models import OpenDataRelease

SUPPRESS_BELOW = 3
UNKNOWN = "unknown"
# Late entries (paper forms, imports) for March are in the system by the end of May.
GRACE_DAYS = 60
DIMENSIONS = ("total", "requester_type", "category", "municipality")


def suppress(cells: dict[str, int], *, unknown: str = UNKNOWN) -> dict[str, int | None]:
    """The municipality cells as published: None where blank (see the module docstring)."""
    towns = [code for code in cells if code != unknown]
    blank = {code for code in towns if cells[code] < SUPPRESS_BELOW}
    if len(blank) == 1:
        published = sorted((cells[code], code) for code in towns if code not in blank)
        if published:
            blank.add(published[0][1])
    if blank and unknown in cells:
        blank.add(unknown)
    return {code: None if code in blank else n for code, n in cells.items()}


def publishable_years(today: dt.date) -> list[int]:
    """Closed fiscal years whose grace period has passed, from the first year with a case."""

    first = Case.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).first()
    if first is None:
        return []
    current = fiscal_year_of(today)
    last = current - 1
    if today < dt.date(current, 4, 1) + dt.timedelta(days=GRACE_DAYS):
        last -= 1
    return list(range(first, last + 1))


def year_rows(fiscal_year: int) -> list[dict]:
    """One fiscal year's published rows, computed from the cases (used once, when released)."""

    labels = _labels()
    labels["municipality"][UNKNOWN] = "不明（所在市町の記録なし）"
    stats = case_statistics(fiscal_year)
    towns = {code: 0 for code in labels["municipality"] if code != UNKNOWN}
    towns.update(stats["by_municipality"])
    towns.setdefault(UNKNOWN, 0)
    rows = [_row(fiscal_year, "total", "total", "相談件数", stats["total"])]
    for dimension, key in [("requester_type", "by_requester_type"), ("category", "by_category")]:
        for code, n in stats[key].items():
            rows.append(_row(fiscal_year, dimension, code, labels[dimension][code], n))
    for code, n in suppress(towns).items():
        rows.append(_row(fiscal_year, "municipality", code, labels["municipality"][code], n))
    return rows


def _row(fiscal_year, dimension, code, label, count) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "dimension": dimension,
        "code": code,
        "label": label,
        "count": count,
    }


def open_data_releases_publish(*, today: dt.date | None = None) -> list:
    """Freeze every publishable fiscal year that has no release yet; return all releases."""

    today = today or timezone.localdate()
    have = set(OpenDataRelease.objects.values_list("fiscal_year", flat=True))
    for fiscal_year in publishable_years(today):
        if fiscal_year in have:
            continue
        try:
            with transaction.atomic():
                OpenDataRelease.objects.create(
                    fiscal_year=fiscal_year, released_on=today, rows=year_rows(fiscal_year)
                )
        except IntegrityError:
            pass  # another request released it a moment ago: theirs stands
    return list(OpenDataRelease.objects.order_by("fiscal_year"))

"""Seminar statistics per fiscal year, aggregated in SQL."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q

from common.dates import fiscal_year_range

from .selectors import presented_seminars
from .services import seminar_title


def seminar_statistics(fiscal_year: int) -> list[dict]:
    """Seminars held in the fiscal year: registered, attended and survey satisfaction.

    Each seminar once, whatever the languages of its pages, and each date of a programme as
    a seminar of its own (named with its date and venue); seminars whose pages are drafts
    (never published, or withdrawn) and cancelled seminars are left out: the report to the
    assembly counts seminars held.
    """

    start, end = fiscal_year_range(fiscal_year)
    tokyo = ZoneInfo("Asia/Tokyo")
    seminars = (
        presented_seminars()
        .filter(is_cancelled=False)
        .filter(
            starts_at__gte=dt.datetime.combine(start, dt.time.min, tokyo),
            starts_at__lte=dt.datetime.combine(end, dt.time.max, tokyo),
        )
        .annotate(
            registered=Count(
                "registrations", filter=~Q(registrations__status="cancelled"), distinct=True
            ),
            checked_in=Count(
                "registrations", filter=Q(registrations__checked_in_at__isnull=False), distinct=True
            ),
            satisfaction=Avg("registrations__survey__satisfaction"),
            survey_answers=Count("registrations__survey", distinct=True),
        )
        .select_related("programme")
        .prefetch_related("lecturer_advisors", "lecturer_companies")
        .order_by("starts_at")
    )
    rows = []
    for s in seminars:
        attended = s.recorded_attendance if s.recorded_attendance is not None else s.checked_in
        rows.append(
            {
                "date": s.starts_at.astimezone(tokyo).date().isoformat(),
                "title": seminar_title(s, "ja"),
                "programme": s.programme.name if s.programme_id else "",
                "lecturers": s.lecturers_text(),
                "registered": s.registered,
                "attended": attended,
                "held": s.ends_at.astimezone(tokyo).date() <= dt.datetime.now(tokyo).date()
                and (attended or 0) > 0,
                "satisfaction": round(s.satisfaction, 2) if s.satisfaction is not None else None,
                "survey_answers": s.survey_answers,
            }
        )
    return rows

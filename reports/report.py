"""The yearly report: one dictionary that every output (screen, JSON, CSV, XLSX, PDF) renders."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.statistics import session_statistics
from cases.statistics import (
    case_statistics,
    cumulative_statistics,
    referral_statistics,
    report_examples,
    satisfaction_statistics,
)
from common.dates import fiscal_year_label, fiscal_year_range
from events.statistics import seminar_statistics

from .models import KpiTarget

KPI_BASIS_LABELS = {
    "full_year": _("年間目標"),
    "pro_rata": _("按分目標（経過日数分）"),
    "interim_rate": _("年間目標（年度途中の暫定値）"),
}


def grade(actual: float | None, target: float) -> str | None:
    """A: target met; B: at least 80 % of it; C: at least 60 %; D: below."""
    if actual is None or not target:
        return None
    ratio = actual / target
    if ratio >= 1:
        return "A"
    if ratio >= 0.8:
        return "B"
    if ratio >= 0.6:
        return "C"
    return "D"


# Targets that accumulate over the year: while it runs, the share due by today is graded.
CUMULATIVE_KPIS = (KpiTarget.Key.CONSULTATIONS, KpiTarget.Key.SEMINAR_PARTICIPANTS)


def fiscal_year_elapsed_share(fiscal_year: int, *, today: dt.date | None = None) -> float:
    """Share of the fiscal year's days up to and including today: 0 before it, 1 after it."""
    today = today or timezone.localdate()
    start, end = fiscal_year_range(fiscal_year)
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def kpi_progress(fiscal_year: int, *, today: dt.date | None = None) -> dict:
    """Whether the year still runs, how much of it has passed, and as of which day."""
    today = today or timezone.localdate()
    share = fiscal_year_elapsed_share(fiscal_year, today=today)
    return {
        "running": 0 < share < 1,
        "elapsed_share": round(share, 4),
        "elapsed_percent": round(share * 100),
        "as_of": today.isoformat(),
    }


def kpi_rows(
    fiscal_year: int,
    *,
    cases_total: int,
    participants: int,
    contribution,
    progress: dict | None = None,
) -> list[dict]:
    """Each target with its actual and grade; while the year runs, a count is graded against
    the pro-rata target (the elapsed share of it) and a rate is marked provisional."""
    progress = progress or kpi_progress(fiscal_year)
    actuals = {
        KpiTarget.Key.CONTRIBUTION_RATE: None
        if contribution is None
        else round(contribution * 100, 1),
        KpiTarget.Key.SEMINAR_PARTICIPANTS: participants,
        KpiTarget.Key.CONSULTATIONS: cases_total,
    }
    rows = []
    for target in KpiTarget.objects.filter(fiscal_year=fiscal_year):
        actual = actuals.get(target.key)
        value = float(target.target)
        basis, against = "full_year", value
        if progress["running"]:
            if target.key in CUMULATIVE_KPIS:
                basis, against = "pro_rata", round(value * progress["elapsed_share"], 1)
            else:
                basis = "interim_rate"
        rows.append(
            {
                "key": target.key,
                "name": str(target.get_key_display()),
                "target": value,
                "actual": actual,
                "basis": basis,
                "basis_label": str(KPI_BASIS_LABELS[basis]),
                "graded_against": against,
                "grade": grade(actual, against),
            }
        )
    return rows


def yearly_report(fiscal_year: int, language: str = "ja") -> dict:
    """Every figure of the year, with every vocabulary code present as a key."""
    start, end = fiscal_year_range(fiscal_year)
    cases = case_statistics(fiscal_year)
    seminars = seminar_statistics(fiscal_year)
    satisfaction = satisfaction_statistics(fiscal_year)
    participants = sum(s["attended"] or 0 for s in seminars)
    satisfaction["seminar_participants"] = participants
    progress = kpi_progress(fiscal_year)
    return {
        "fiscal_year": fiscal_year,
        "label": fiscal_year_label(fiscal_year, language),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "cases": cases,
        "cumulative": cumulative_statistics(fiscal_year),
        "referrals": referral_statistics(fiscal_year),
        "seminars": seminars,
        "sessions": session_statistics(fiscal_year),
        "satisfaction": satisfaction,
        "examples": report_examples(fiscal_year),
        "kpi_progress": progress,
        "kpis": kpi_rows(
            fiscal_year,
            cases_total=cases["total"],
            participants=participants,
            contribution=satisfaction["contribution_rate"],
            progress=progress,
        ),
    }

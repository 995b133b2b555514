"""The yearly report: one dictionary that every output (screen, JSON, CSV, XLSX, PDF) renders."""

from appointments.statistics import session_statistics
from cases.statistics import (
    case_statistics,
    cumulative_statistics,
    referral_statistics,
    report_examples,
    satisfaction_statistics,
)
from dxcenter.common.dates import fiscal_year_label, fiscal_year_range
from events.statistics import seminar_statistics

from .models import KpiTarget


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


def kpi_rows(fiscal_year: int, *, cases_total: int, participants: int, contribution) -> list[dict]:
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
        rows.append(
            {
                "key": target.key,
                "name": str(target.get_key_display()),
                "target": value,
                "actual": actual,
                "grade": grade(actual, value),
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
        "kpis": kpi_rows(
            fiscal_year,
            cases_total=cases["total"],
            participants=participants,
            contribution=satisfaction["contribution_rate"],
        ),
    }

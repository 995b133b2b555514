"""Reach and workload: who the center served where, and who carries the referrals.

Cross-app aggregation (cases and events), so it lives in the top layer. Every figure is
aggregated in SQL per municipality; regions and the towns not reached are folded from those
30 rows.
"""

import datetime as dt
import statistics
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from cases.models import Assignment, Case
from common.dates import fiscal_year_range
from common.models import Municipality
from common.municipalities import Region, region_of
from events.models import Registration
from events.selectors import presented_seminars
from partners.models import Advisor, PartnerCompany

TOKYO = ZoneInfo("Asia/Tokyo")
FIGURES = ("consultations", "organisations", "attendance")


def _fy_bounds(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = fiscal_year_range(fiscal_year)
    return (
        dt.datetime.combine(start, dt.time.min, TOKYO),
        dt.datetime.combine(end, dt.time.max, TOKYO),
    )


def _attendance_by_town(fiscal_year: int) -> dict[str | None, int]:
    """People checked in at the fiscal year's seminars (not cancelled), by their town."""
    start, end = _fy_bounds(fiscal_year)
    rows = (
        Registration.objects.filter(
            seminar__in=presented_seminars().filter(is_cancelled=False),
            seminar__starts_at__range=(start, end),
            checked_in_at__isnull=False,
        )
        .values("municipality_id")
        .annotate(n=Count("pk"))
    )
    return {row["municipality_id"]: row["n"] for row in rows}


def reach_by_town(fiscal_year: int) -> list[dict]:
    """One row per municipality (and one for "not recorded"): consultations, organisations
    served and seminar attendance in the fiscal year."""
    cases = (
        Case.objects.filter(fiscal_year=fiscal_year)
        .values("municipality_id")
        .annotate(consultations=Count("pk"), organisations=Count("organisation_id", distinct=True))
    )
    by_case = {row["municipality_id"]: row for row in cases}
    attendance = _attendance_by_town(fiscal_year)
    rows = []
    for town in Municipality.objects.order_by("sort_order", "code"):
        row = by_case.get(town.code, {})
        rows.append(
            {
                "code": town.code,
                "name": town.name,
                "region": region_of(town.code),
                "region_label": str(Region(region_of(town.code)).label)
                if region_of(town.code)
                else "",
                "consultations": row.get("consultations", 0),
                "organisations": row.get("organisations", 0),
                "attendance": attendance.get(town.code, 0),
            }
        )
    unknown = by_case.get(None, {})
    rows.append(
        {
            "code": "",
            "name": "（市町の記録なし）",
            "region": "",
            "region_label": "",
            "consultations": unknown.get("consultations", 0),
            "organisations": unknown.get("organisations", 0),
            "attendance": attendance.get(None, 0),
        }
    )
    return rows


def reach_by_region(town_rows: list[dict]) -> list[dict]:
    """The town rows folded into the five regions (the prefecture and "not recorded" apart)."""
    totals = {code: dict.fromkeys(FIGURES, 0) for code in Region.values}
    for row in town_rows:
        if row["region"]:
            for key in FIGURES:
                totals[row["region"]][key] += row[key]
    return [
        {"code": code, "name": str(Region(code).label), **totals[code]} for code in Region.values
    ]


def towns_not_reached(town_rows: list[dict]) -> list[dict]:
    """市町 with neither a consultation nor a seminar attendee in the year."""
    return [
        row
        for row in town_rows
        if row["region"] and not (row["consultations"] or row["attendance"])
    ]


def towns_never_reached() -> list[str]:
    """市町 no consultation and no seminar attendee has ever come from."""
    reached = set(
        Case.objects.exclude(municipality=None).values_list("municipality_id", flat=True)
    ) | set(
        Registration.objects.filter(checked_in_at__isnull=False)
        .exclude(municipality=None)
        .values_list("municipality_id", flat=True)
    )
    return [
        town.name
        for town in Municipality.objects.order_by("sort_order", "code")
        if region_of(town.code) and town.code not in reached
    ]


def reach_report(fiscal_year: int) -> dict:
    towns = reach_by_town(fiscal_year)
    return {
        "fiscal_year": fiscal_year,
        "towns": towns,
        "regions": reach_by_region(towns),
        "not_reached": towns_not_reached(towns),
        "never_reached": towns_never_reached(),
    }


def reach_tables(report: dict) -> dict[str, tuple[list[str], list[list]]]:
    """The report as sheets (header, rows) for CSV and XLSX."""
    header = ["コード", "名称", "地域", "相談件数", "相談した団体数", "セミナー参加者数"]
    towns = [
        [
            r["code"],
            r["name"],
            r["region_label"],
            r["consultations"],
            r["organisations"],
            r["attendance"],
        ]
        for r in report["towns"]
    ]
    regions = [
        # An area has no 団体コード; its internal code stays out of the export.
        ["", r["name"], r["name"], r["consultations"], r["organisations"], r["attendance"]]
        for r in report["regions"]
    ]
    not_reached = [[r["code"], r["name"]] for r in report["not_reached"]]
    return {
        "市町別": (header, towns),
        "地域別": (header, regions),
        "未到達の市町": (["コード", "名称"], not_reached),
    }


def _median_hours(durations: list[dt.timedelta]) -> float | None:
    """Median hours, never below zero: an answer stamped a moment before the offer (clocks of
    two machines) is an immediate one, not a negative wait shown as "-0.0"."""
    if not durations:
        return None
    hours = round(statistics.median(d.total_seconds() for d in durations) / 3600, 1)
    return max(hours, 0.0) + 0.0


def workload(fiscal_year: int) -> list[dict]:
    """Advisors and partners: open referrals now, median time to accept (referrals made in the
    year), and referrals completed in the year."""
    start, end = _fy_bounds(fiscal_year)
    open_states = [Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
    open_q = Q(assignments__state__in=open_states, assignments__case__status__in=Case.OPEN_STATUSES)
    done_q = Q(assignments__state=Assignment.State.DONE, assignments__done_at__range=(start, end))
    accepted = (
        Assignment.objects.filter(created_at__range=(start, end), responded_at__isnull=False)
        .exclude(state__in=[Assignment.State.DECLINED, Assignment.State.PROPOSED])
        # A referral from past records was written down, not offered and accepted here.
        .exclude(case__channel=Case.Channel.IMPORT)
        .values_list("advisor_id", "company_id", "created_at", "responded_at")
    )
    waits: dict[tuple[str, int], list[dt.timedelta]] = {}
    for advisor_id, company_id, created, responded in accepted:
        key = ("advisor", advisor_id) if advisor_id else ("partner", company_id)
        waits.setdefault(key, []).append(responded - created)
    rows = []
    for kind, model in (("advisor", Advisor), ("partner", PartnerCompany)):
        for assignee in model.objects.annotate(
            open_referrals=Count("assignments", filter=open_q, distinct=True),
            done=Count("assignments", filter=done_q, distinct=True),
        ).order_by(*model.READING_ORDER):
            rows.append(
                {
                    "kind": kind,
                    "name": assignee.name,
                    "open": assignee.open_referrals,
                    "median_accept_hours": _median_hours(waits.get((kind, assignee.pk), [])),
                    "done": assignee.done,
                }
            )
    return rows

"""Case statistics per fiscal year, aggregated in SQL (one query per table, whatever N)."""

import statistics as pystats

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from common.dates import business_days_between, fiscal_year_months
from common.models import Municipality
from common.vocab import Category, RequesterType

from .models import Assignment, Case, CaseSurvey


def _counts(qs, field, keys) -> dict[str, int]:
    found = dict(qs.values_list(field).annotate(n=Count("pk")).order_by())
    return {key: found.get(key, 0) for key in keys}


def case_statistics(fiscal_year: int) -> dict:
    """Totals and breakdowns of one fiscal year; every vocabulary code present, zero or not."""
    cases = Case.objects.filter(fiscal_year=fiscal_year)
    by_month_rows = (
        cases.annotate(y=ExtractYear("received_on"), m=ExtractMonth("received_on"))
        .values_list("y", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = dict.fromkeys(fiscal_year_months(fiscal_year), 0)
    for year, month, n in by_month_rows:
        by_month[f"{year}-{month:02d}"] = n
    municipality_codes = list(Municipality.objects.values_list("code", flat=True))
    by_municipality = _counts(cases, "municipality_id", municipality_codes)
    unknown = cases.filter(municipality__isnull=True).count()
    if unknown:
        by_municipality["unknown"] = unknown
    return {
        "total": cases.count(),
        "by_requester_type": _counts(cases, "requester_type", RequesterType.values),
        "by_category": _counts(cases, "category", Category.values),
        "by_month": by_month,
        "by_municipality": by_municipality,
        "by_channel": _counts(cases, "channel", Case.Channel.values),
        "by_status": _counts(cases, "status", Case.Status.values),
        "first_response": first_response_statistics(fiscal_year),
    }


def first_response_statistics(fiscal_year: int) -> dict:
    """Median business days to the first response and the share within the deadline.

    A case closed without any recorded contact, or still unanswered past its due date, is late:
    leaving it out would make the 期限内率 look better the fewer requesters were called back.
    """
    cases = Case.objects.filter(fiscal_year=fiscal_year).exclude(channel=Case.Channel.IMPORT)
    rows = list(
        cases.filter(first_responded_on__isnull=False).values_list(
            "received_on", "first_responded_on", "first_response_due"
        )
    )
    late_without_response = cases.filter(
        Q(status=Case.Status.CLOSED) | Q(first_response_due__lt=timezone.localdate()),
        first_responded_on__isnull=True,
    ).count()
    counted = len(rows) + late_without_response
    days = [business_days_between(received, responded) for received, responded, _ in rows]
    within = sum(1 for _, responded, due in rows if due is None or responded <= due)
    return {
        "responded": len(rows),
        "late_without_response": late_without_response,
        "median_business_days": pystats.median(days) if days else None,
        "within_deadline_rate": round(within / counted, 3) if counted else None,
    }


def cumulative_statistics(fiscal_year: int) -> dict:
    """From the first recorded case up to the end of the fiscal year."""
    cases = Case.objects.filter(fiscal_year__lte=fiscal_year)
    per_year = dict(cases.values_list("fiscal_year").annotate(n=Count("pk")).order_by())
    first = min(per_year) if per_year else fiscal_year
    return {
        "total": cases.count(),
        "by_fiscal_year": {str(y): per_year.get(y, 0) for y in range(first, fiscal_year + 1)},
        "by_requester_type": _counts(cases, "requester_type", RequesterType.values),
        "by_category": _counts(cases, "category", Category.values),
    }


def referral_statistics(fiscal_year: int) -> list[dict]:
    """Referrals per advisor or partner in the year, with how many were accepted."""
    rows = (
        Assignment.objects.filter(case__fiscal_year=fiscal_year)
        .values("advisor__name", "company__name")
        .annotate(
            referred=Count("pk"),
            accepted=Count("pk", filter=Q(state__in=["accepted", "done"])),
            declined=Count("pk", filter=Q(state="declined")),
            done=Count("pk", filter=Q(state="done")),
        )
        .order_by("-referred")
    )
    return [
        {
            "assignee": row["advisor__name"] or row["company__name"],
            "kind": "advisor" if row["advisor__name"] else "company",
            "referred": row["referred"],
            "accepted": row["accepted"],
            "declined": row["declined"],
            "done": row["done"],
        }
        for row in rows
    ]


def satisfaction_statistics(fiscal_year: int) -> dict:
    """支援に対する貢献度: share of answering requesters who found the support helpful."""
    answers = CaseSurvey.objects.filter(case__fiscal_year=fiscal_year, answered_at__isnull=False)
    agg = answers.aggregate(
        respondents=Count("pk"),
        helpful=Count("pk", filter=Q(helpful=True)),
    )
    respondents = agg["respondents"]
    return {
        "respondents": respondents,
        "helpful": agg["helpful"],
        "contribution_rate": round(agg["helpful"] / respondents, 3) if respondents else None,
    }


def report_examples(fiscal_year: int) -> list[dict]:
    """Cases staff flagged to appear in the yearly report (具体的な相談内容)."""
    return [
        {
            "reference": c.reference,
            "requester": c.organisation.industry or c.organisation.get_requester_type_display(),
            "requester_type": c.requester_type,
            "category": c.category,
            "category_label": c.get_category_display(),
            "request": c.description,
            "support": c.support_given,
        }
        for c in Case.objects.filter(fiscal_year=fiscal_year, is_report_example=True)
        .select_related("organisation")
        .order_by("received_on")
    ]

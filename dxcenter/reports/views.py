"""The statistics dashboard (admin) and the open data files (public)."""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from cases.admin_views import admin_render
from cases.models import Case
from dxcenter.common.dates import fiscal_year_label, fiscal_year_of
from dxcenter.common.params import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, int_param

from .charts import bar_chart_svg
from .render import _labels, to_csv, to_pdf, to_xlsx
from .report import yearly_report

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _require(request):
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied


def _fiscal_years() -> list[int]:
    years = set(Case.objects.values_list("fiscal_year", flat=True).distinct())
    years.add(fiscal_year_of(timezone.localdate()))
    return sorted(years, reverse=True)


def dashboard(request):
    _require(request)
    years = _fiscal_years()
    fy = int_param(request.GET, "fy", years[0], low=FISCAL_YEAR_MIN + 1, high=FISCAL_YEAR_MAX)
    report = yearly_report(fy)
    previous = yearly_report(fy - 1)
    labels = _labels()
    cases, prev_cases = report["cases"], previous["cases"]

    def rows(key, dimension):
        return [
            (labels[dimension][code], n, prev_cases[key].get(code, 0))
            for code, n in cases[key].items()
        ]

    requester_rows = rows("by_requester_type", "requester_type")
    category_rows = rows("by_category", "category")
    month_rows = [
        (f"{int(m[5:])}月", n, prev_cases["by_month"].get(f"{int(m[:4]) - 1}{m[4:]}", 0))
        for m, n in cases["by_month"].items()
    ]
    return admin_render(
        request,
        "reports/dashboard.html",
        {
            "page_title": "統計",
            "header_icon": "table",
            "years": [(y, fiscal_year_label(y)) for y in years],
            "fy": fy,
            "report": report,
            "previous": previous,
            "requester_rows": requester_rows,
            "category_rows": category_rows,
            "month_rows": month_rows,
            "municipality_rows": [
                (labels["municipality"].get(code, code), n)
                for code, n in cases["by_municipality"].items()
                if n
            ],
            "requester_chart": bar_chart_svg(
                requester_rows, title="相談者区分別（当該年度と前年度）"
            ),
            "category_chart": bar_chart_svg(
                category_rows, title="相談内容区分別（当該年度と前年度）"
            ),
            "contribution_pct": _percent(report["satisfaction"]["contribution_rate"]),
            "previous_contribution_pct": _percent(previous["satisfaction"]["contribution_rate"]),
        },
    )


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def download(request, fiscal_year: int, fmt: str):
    _require(request)
    report = yearly_report(fiscal_year)
    if fmt == "json":
        content = json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()
    elif fmt == "csv":
        content = to_csv(report)
    elif fmt == "xlsx":
        content = to_xlsx(report)
    elif fmt == "pdf":
        content = to_pdf(report)
    else:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="dx-center-report-{fiscal_year}.{fmt}"'
    return response


# --- open data ---

SUPPRESS_BELOW = 3
COLUMNS = [
    ("fiscal_year", "年度（4月〜翌年3月、西暦の開始年）"),
    (
        "dimension",
        "集計区分: requester_type（相談者区分）, category（相談内容区分）, municipality（所在市町）",
    ),
    ("code", "区分のコード（市町は全国地方公共団体コード）"),
    ("label", "区分の名称"),
    ("count", "相談件数。市町別で3件未満のセルは秘匿（空欄）"),
]


def open_data_rows() -> list[dict]:
    """Counts per fiscal year by requester type, category and municipality, small cells hidden."""
    labels = _labels()
    out = []
    for dimension, field in [
        ("requester_type", "requester_type"),
        ("category", "category"),
        ("municipality", "municipality_id"),
    ]:
        found = {
            (fy, code): n
            for fy, code, n in Case.objects.values_list("fiscal_year", field)
            .annotate(n=Count("pk"))
            .order_by()
        }
        years = sorted({fy for fy, _ in found})
        codes = list(labels[dimension])
        if dimension == "municipality":
            codes = [c for c in codes if c != "unknown"]
        for fy in years:
            for code in codes:
                n = found.get((fy, code), 0)
                suppressed = dimension == "municipality" and 0 < n < SUPPRESS_BELOW
                out.append(
                    {
                        "fiscal_year": fy,
                        "dimension": dimension,
                        "code": code,
                        "label": labels[dimension][code],
                        "count": None if suppressed else n,
                    }
                )
    return out


def open_data_metadata() -> dict:
    updated = Case.objects.aggregate(m=Max("updated_at"))["m"]
    return {
        "title": "みえDXセンター 相談件数（年度別・相談者区分別・相談内容区分別・市町別）",
        "publisher": "三重県 デジタル社会推進局",
        "license": "CC BY 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
        "last_updated": (updated or dt.datetime(2021, 4, 1, tzinfo=dt.UTC)).date().isoformat(),
        "suppression": f"市町別で{SUPPRESS_BELOW}件未満のセルは個人の特定を防ぐため秘匿しています。",
        "columns": [{"name": n, "description": d} for n, d in COLUMNS],
    }


@require_GET
@cache_page(60 * 10)
def open_data_json(request):
    return JsonResponse(
        {"metadata": open_data_metadata(), "data": open_data_rows()},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_GET
@cache_page(60 * 10)
def open_data_csv(request):
    import csv
    import io

    meta = open_data_metadata()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c for c, _ in COLUMNS])
    for row in open_data_rows():
        writer.writerow(["" if row[c] is None else row[c] for c, _ in COLUMNS])
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="consultations.csv"'
    response["X-Dataset-Title"] = meta["title"].encode("utf-8").decode("latin-1")
    response["Link"] = '</opendata/consultations.json>; rel="describedby"'
    return response

"""The statistics dashboard (admin) and the open data files (public)."""

import csv
import io

from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cases.models import Case
from common.admin_pages import admin_render, require_perm
from common.dates import fiscal_year_label, fiscal_year_of
from common.params import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, int_param

from .charts import bar_chart_svg
from .labels import choice_labels as _labels
from .opendata import GRACE_DAYS, SUPPRESS_BELOW, open_data_releases_publish
from .render import RENDERERS
from .report import yearly_report

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _fiscal_years() -> list[int]:
    years = set(Case.objects.values_list("fiscal_year", flat=True).distinct())
    years.add(fiscal_year_of(timezone.localdate()))
    return sorted(years, reverse=True)


def dashboard(request):
    require_perm(request, "cases.view_case")
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
    require_perm(request, "cases.view_case")
    if fmt not in RENDERERS:
        raise Http404
    content = RENDERERS[fmt](yearly_report(fiscal_year))
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="dx-center-report-{fiscal_year}.{fmt}"'
    return response


# --- open data ---

COLUMNS = [
    (
        "fiscal_year",
        "年度（4月〜翌年3月、西暦の開始年）",
        "Fiscal year (April to March), by the calendar year it starts in",
    ),
    (
        "dimension",
        "集計区分: total（合計）, requester_type（相談者区分）, category（相談内容区分）, municipality（所在市町）",
        "What is counted: total, requester_type, category, municipality",
    ),
    (
        "code",
        "区分のコード（市町は全国地方公共団体コード、不明は unknown）",
        "The code (municipalities: the national local government code; unknown for none recorded)",
    ),
    ("label", "区分の名称（日本語）", "The name (Japanese)"),
    (
        "count",
        "相談件数。市町別の空欄は秘匿（0〜2件、または他のセルを守るための秘匿）",
        "Consultations. A blank municipality cell is suppressed (0 to 2, or blanked to protect another cell)",
    ),
]
LICENSE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
    "url_en": "https://creativecommons.org/licenses/by/4.0/deed.en",
}


def open_data_rows(releases) -> list[dict]:
    """The published rows of every release, oldest year first."""
    return [row for release in releases for row in release.rows]


def open_data_metadata(releases) -> dict:
    released = max((r.released_on for r in releases), default=None)
    return {
        "title": "みえDXセンター 相談件数（年度別・相談者区分別・相談内容区分別・市町別）",
        "publisher": "三重県 デジタル社会推進局",
        "license": LICENSE["name"],
        "license_url": LICENSE["url"],
        "last_updated": released.isoformat() if released else None,
        "fiscal_years": [
            {"fiscal_year": r.fiscal_year, "released_on": r.released_on.isoformat()}
            for r in releases
        ],
        "suppression": (
            f"締まった年度のみ公開し、公開後は変更しません。市町別で{SUPPRESS_BELOW}件未満（0件を含む）の"
            "セルは空欄です。空欄が1つだけになる場合は次に小さい市町も、空欄がある年度は"
            "「不明」も空欄にします。年度をまたぐ累計は公開しません。"
        ),
        "columns": [{"name": n, "description": d} for n, d, _en in COLUMNS],
        "documentation": "/opendata/",
    }


@require_GET
def open_data_json(request):
    """Every released year as JSON; the query string changes nothing."""
    releases = open_data_releases_publish()
    return JsonResponse(
        {"metadata": open_data_metadata(releases), "data": open_data_rows(releases)},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_GET
def open_data_csv(request):
    """Every released year as plain UTF-8 CSV (no BOM); the query string changes nothing."""
    releases = open_data_releases_publish()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c for c, _ja, _en in COLUMNS])
    for row in open_data_rows(releases):
        writer.writerow(["" if row[c] is None else row[c] for c, _ja, _en in COLUMNS])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = 'inline; filename="consultations.csv"'
    response["Link"] = '</opendata/consultations.json>; rel="describedby"'
    return response


@require_GET
def open_data_page(request):
    """The public page that documents the files, their licence, columns and suppression rule."""
    releases = open_data_releases_publish()
    english = get_language() == "en"
    return TemplateResponse(
        request,
        "reports/open_data.html",
        {
            "releases": releases,
            "columns": [(n, en if english else ja) for n, ja, en in COLUMNS],
            "license": LICENSE,
            "suppress_below": SUPPRESS_BELOW,
            "grace_days": GRACE_DAYS,
        },
    )

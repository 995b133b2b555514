"""Admin pages: reach by town and region (with CSV/XLSX), and the workload of assignees."""

from django.http import Http404, HttpResponse

from common.admin_pages import admin_render, require_perm
from common.dates import fiscal_year_label
from common.params import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, int_param
from common.spreadsheets import csv_bytes, xlsx_bytes

from .reach import reach_report, reach_tables, workload
from .views import CONTENT_TYPES, _fiscal_years


def _fy(request) -> tuple[int, list[int]]:
    years = _fiscal_years()
    fy = int_param(request.GET, "fy", years[0], low=FISCAL_YEAR_MIN + 1, high=FISCAL_YEAR_MAX)
    return fy, years


def reach(request):
    require_perm(request, "cases.view_case")
    fy, years = _fy(request)
    return admin_render(
        request,
        "reports/reach.html",
        {
            "page_title": "地域別の到達状況",
            "header_icon": "site",
            "years": [(y, fiscal_year_label(y)) for y in years],
            "fy": fy,
            "report": reach_report(fy),
        },
    )


def reach_download(request, fiscal_year: int, fmt: str):
    require_perm(request, "cases.view_case")
    tables = reach_tables(reach_report(fiscal_year))
    if fmt == "csv":
        # One CSV: the towns, then the regions, then the towns not reached, each with a title row.
        rows = []
        for title, (header, body) in tables.items():
            rows += [[title], header, *body, []]
        content = csv_bytes(rows)
    elif fmt == "xlsx":
        content = xlsx_bytes(tables)
    else:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="dx-center-reach-{fiscal_year}.{fmt}"'
    return response


def workload_view(request):
    require_perm(request, "cases.view_case")
    fy, years = _fy(request)
    return admin_render(
        request,
        "reports/workload.html",
        {
            "page_title": "紹介先の対応状況",
            "header_icon": "group",
            "years": [(y, fiscal_year_label(y)) for y in years],
            "fy": fy,
            "rows": workload(fy),
        },
    )

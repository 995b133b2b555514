"""Outputs of the yearly report: CSV (long format), XLSX (a sheet per table); the PDF (A4) is in
render_pdf; RENDERERS names each format's function."""

import json

from common.spreadsheets import csv_bytes, xlsx_bytes

from .labels import choice_labels
from .render_pdf import to_pdf


def long_rows(report: dict) -> list[tuple]:
    """fiscal_year, dimension, code, label, count."""
    fy = report["fiscal_year"]
    labels = choice_labels()
    cases = report["cases"]
    rows = [(fy, "total", "total", "相談件数", cases["total"])]
    for dimension, key in [
        ("requester_type", "by_requester_type"),
        ("category", "by_category"),
        ("channel", "by_channel"),
        ("status", "by_status"),
        ("municipality", "by_municipality"),
    ]:
        for code, count in cases[key].items():
            rows.append((fy, dimension, code, labels[dimension].get(code, code), count))
    for month, count in cases["by_month"].items():
        rows.append((fy, "month", month, f"{int(month[:4])}年{int(month[5:])}月", count))
    cumulative = report["cumulative"]
    rows.append((fy, "cumulative_total", "total", "累計相談件数", cumulative["total"]))
    for year, count in cumulative["by_fiscal_year"].items():
        rows.append((fy, "cumulative_fiscal_year", year, f"{year}年度", count))
    for code, count in cumulative["by_requester_type"].items():
        rows.append((fy, "cumulative_requester_type", code, labels["requester_type"][code], count))
    for code, count in cumulative["by_category"].items():
        rows.append((fy, "cumulative_category", code, labels["category"][code], count))
    for seminar in report["seminars"]:
        rows.append(
            (fy, "seminar_attended", seminar["date"], seminar["title"], seminar["attended"] or 0)
        )
    return rows


def to_csv(report: dict) -> bytes:
    """The long table for people: UTF-8 with a BOM for Excel, text cells inert."""
    return csv_bytes(
        long_rows(report), header=["fiscal_year", "dimension", "code", "label", "count"]
    )


def _xlsx_summary(report: dict) -> tuple:
    """The 概要 sheet: the year's headline figures."""
    cases = report["cases"]
    first = cases["first_response"]
    return (
        ["項目", "値"],
        [
            ("年度", report["label"]),
            ("期間", f"{report['period']['start']} 〜 {report['period']['end']}"),
            ("相談件数", cases["total"]),
            ("累計相談件数", report["cumulative"]["total"]),
            ("初回対応済み（件）", first["responded"]),
            ("初回対応の記録なしで完了・期限超過（件）", first["late_without_response"]),
            ("初回対応までの営業日（中央値）", first["median_business_days"]),
            ("期限内の初回対応率", first["within_deadline_rate"]),
            ("支援に対する貢献度", report["satisfaction"]["contribution_rate"]),
            ("貢献度の回答数", report["satisfaction"]["respondents"]),
        ],
    )


def _xlsx_activity(report: dict) -> dict:
    """The sheets of what the center did: seminars, referrals, KPIs and the report's examples."""
    return {
        "セミナー": (
            ["開催日", "テーマ", "講師", "申込者数", "参加者数", "満足度"],
            [
                (
                    s["date"],
                    s["title"],
                    s["lecturers"],
                    s["registered"],
                    s["attended"],
                    s["satisfaction"],
                )
                for s in report["seminars"]
            ],
        ),
        "個別相談会": (
            ["相談相手", "提供枠", "予約", "実施", "来所なし"],
            [
                (r["host"], r["offered"], r["booked"], r["held"], r["no_show"])
                for r in report.get("sessions", {}).get("by_host", [])
            ],
        ),
        "紹介": (
            ["紹介先", "紹介件数", "受諾", "辞退", "完了"],
            [
                (r["assignee"], r["referred"], r["accepted"], r["declined"], r["done"])
                for r in report["referrals"]
            ],
        ),
        "KPI": (
            ["指標", "目標値", "実績値", "評価", "評価の基準", "評価に使った目標"],
            [
                (
                    k["name"],
                    k["target"],
                    k["actual"],
                    k["grade"],
                    k.get("basis_label", ""),
                    k.get("graded_against", k["target"]),
                )
                for k in report["kpis"]
            ],
        ),
        "相談事例": (
            ["受付番号", "相談者", "相談内容区分", "相談内容", "センターによる支援"],
            [
                (e["reference"], e["requester"], e["category_label"], e["request"], e["support"])
                for e in report["examples"]
            ],
        ),
    }


def to_xlsx(report: dict) -> bytes:
    """One sheet per table with Japanese headers, every text cell inert."""
    labels = choice_labels()
    cases = report["cases"]
    cumulative = report["cumulative"]

    def table(mapping, dimension, header):
        return (
            [header, "件数"],
            [(labels[dimension].get(code, code), n) for code, n in mapping.items()],
        )

    def both(mapping, cumulative_mapping, dimension, header):
        return (
            [header, "当該年度", "累計"],
            [
                (labels[dimension].get(code, code), n, cumulative_mapping.get(code, 0))
                for code, n in mapping.items()
            ],
        )

    sheets = {
        "概要": _xlsx_summary(report),
        "相談者区分": both(
            cases["by_requester_type"],
            cumulative["by_requester_type"],
            "requester_type",
            "相談者区分",
        ),
        "相談内容区分": both(
            cases["by_category"], cumulative["by_category"], "category", "相談内容区分"
        ),
        "月別": (["月", "件数"], list(cases["by_month"].items())),
        "市町別": table(cases["by_municipality"], "municipality", "市町"),
        "受付経路": table(cases["by_channel"], "channel", "受付経路"),
        "状況": table(cases["by_status"], "status", "状況"),
        "年度別累計": (
            ["年度", "件数"],
            [(f"{y}年度", n) for y, n in report["cumulative"]["by_fiscal_year"].items()],
        ),
        **_xlsx_activity(report),
    }
    return xlsx_bytes(sheets)


def to_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()


RENDERERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}

"""Outputs of the yearly report: CSV (long format), XLSX (a sheet per table), PDF (A4)."""

import datetime as dt
import json
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer, Table, TableStyle

from django.utils import translation

from cases.models import Case
from dxcenter.common.dates import format_date_ja
from dxcenter.common.models import Municipality
from dxcenter.common.pdf import a4_pdf, japanese_font, text_paragraph
from dxcenter.common.spreadsheets import csv_bytes, xlsx_bytes
from dxcenter.common.vocab import Category, RequesterType


def _labels() -> dict[str, dict[str, str]]:
    with translation.override("ja"):
        municipalities = {m.code: m.name for m in Municipality.objects.all()}
        municipalities["unknown"] = "不明"
        return {
            "requester_type": {c.value: str(c.label) for c in RequesterType},
            "category": {c.value: str(c.label) for c in Category},
            "channel": {c.value: str(c.label) for c in Case.Channel},
            "status": {c.value: str(c.label) for c in Case.Status},
            "municipality": municipalities,
        }


def long_rows(report: dict) -> list[tuple]:
    """fiscal_year, dimension, code, label, count."""
    fy = report["fiscal_year"]
    labels = _labels()
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
        "紹介": (
            ["紹介先", "紹介件数", "受諾", "辞退", "完了"],
            [
                (r["assignee"], r["referred"], r["accepted"], r["declined"], r["done"])
                for r in report["referrals"]
            ],
        ),
        "KPI": (
            ["指標", "目標値", "実績値", "評価"],
            [(k["name"], k["target"], k["actual"], k["grade"]) for k in report["kpis"]],
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
    labels = _labels()
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


def _wrap(label: str, width: int = 13) -> str:
    """A long label over several lines (the chart's axis labels do not wrap by themselves)."""
    return "\n".join(label[i : i + width] for i in range(0, len(label), width)) or label


def _japanese_date(iso: str) -> str:
    """2025-04-01 → 2025年4月1日 (the committee papers' style)."""
    return format_date_ja(dt.date.fromisoformat(iso[:10]), weekday=False)


def _bar_chart(data: list[tuple[str, int]], font: str, width=460, height=150):
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 10
    chart.width, chart.height = width - 190, height - 20
    data = list(reversed(data))  # the first item on top
    chart.data = [[n for _, n in data]]
    chart.categoryAxis.categoryNames = [label for label, _ in data]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#0017C1")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


@dataclass(frozen=True)
class _PdfStyles:
    font: str
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle

    @classmethod
    def make(cls) -> "_PdfStyles":
        font = japanese_font()
        return cls(
            font=font,
            title=ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6),
            heading=ParagraphStyle(
                "h", fontName=font, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4
            ),
            body=ParagraphStyle("b", fontName=font, fontSize=9, leading=13),
            small=ParagraphStyle("s", fontName=font, fontSize=8, leading=11),
        )

    def grid(self, rows, widths, header=True) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#666666")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F1FE")))
        t.setStyle(TableStyle(style))
        return t


def _pdf_counts(report: dict, st: _PdfStyles) -> list:
    """Sections 1 to 3: the case counts by requester type and by category, with their charts."""
    labels = _labels()
    cases = report["cases"]
    cumulative = report["cumulative"]
    return [
        text_paragraph("1 相談件数", st.heading),
        text_paragraph(
            f"相談件数 {cumulative['total']}件（"
            + "、".join(f"{y}年度: {n}件" for y, n in cumulative["by_fiscal_year"].items())
            + f"）。うち{report['label']} {cases['total']}件。",
            st.body,
        ),
        Spacer(1, 4),
        st.grid(
            [["区分", "当該年度", "累計"]]
            + [
                [
                    labels["requester_type"][c],
                    cases["by_requester_type"][c],
                    cumulative["by_requester_type"][c],
                ]
                for c in RequesterType.values
            ],
            [70 * mm, 30 * mm, 30 * mm],
        ),
        text_paragraph("2 相談者区分別（当該年度）", st.heading),
        _bar_chart(
            [(labels["requester_type"][c], n) for c, n in cases["by_requester_type"].items()],
            st.font,
            height=90,
        ),
        text_paragraph("3 相談内容区分別", st.heading),
        st.grid(
            [["相談内容区分", "当該年度", "累計"]]
            + [
                [labels["category"][c], cases["by_category"][c], cumulative["by_category"][c]]
                for c in Category.values
            ],
            [90 * mm, 30 * mm, 30 * mm],
        ),
        Spacer(1, 4),
        _bar_chart(
            [(_wrap(labels["category"][c]), n) for c, n in cases["by_category"].items()],
            st.font,
            height=150,
        ),
    ]


def _pdf_examples(report: dict, st: _PdfStyles) -> list:
    """Section 4, only when the year has examples marked for the report."""
    if not report["examples"]:
        return []
    return [
        text_paragraph("4 具体的な相談内容（主なもの）", st.heading),
        st.grid(
            [["相談者", "区分", "相談内容", "センターによる支援"]]
            + [
                [
                    text_paragraph(e["requester"], st.small),
                    text_paragraph(e["category_label"], st.small),
                    text_paragraph(e["request"], st.small),
                    text_paragraph(e["support"], st.small),
                ]
                for e in report["examples"]
            ],
            [28 * mm, 30 * mm, 58 * mm, 58 * mm],
        ),
    ]


def _pdf_seminars(report: dict, st: _PdfStyles) -> list:
    """Section 5: the seminars held."""
    # The widest date (two-digit month and day) on one line, plus the cell's 6 pt paddings.
    date_width = max(22 * mm, stringWidth("0000年00月00日", st.font, st.small.fontSize) + 14)
    return [
        text_paragraph("5 みえDXセンターセミナー開催状況", st.heading),
        st.grid(
            [["開催日", "テーマ", "講師", "参加者"]]
            + [
                [
                    text_paragraph(_japanese_date(s["date"]), st.small),
                    text_paragraph(s["title"], st.small),
                    text_paragraph(s["lecturers"] or "—", st.small),
                    f"{s['attended']}名" if s["attended"] else "—",
                ]
                for s in report["seminars"]
            ],
            [date_width, 92 * mm - date_width, 62 * mm, 20 * mm],
        ),
    ]


def _pdf_kpis(report: dict, st: _PdfStyles) -> list:
    """Section 6: the KPI table (or why there is none) and the contribution rate."""
    story = [text_paragraph("6 KPI", st.heading)]
    if not report["kpis"]:
        story.append(
            text_paragraph(
                "この年度の目標値は設定されていません（管理画面の「KPI目標」で設定します）。",
                st.body,
            )
        )
    else:
        story.append(
            st.grid(
                [["指標", "目標値", "実績値", "評価"]]
                + [
                    [
                        text_paragraph(k["name"], st.small),
                        k["target"],
                        k["actual"] if k["actual"] is not None else "—",
                        k["grade"] or "—",
                    ]
                    for k in report["kpis"]
                ],
                [80 * mm, 30 * mm, 30 * mm, 20 * mm],
            )
        )
    rate = report["satisfaction"]["contribution_rate"]
    story.append(
        text_paragraph(
            f"支援に対する貢献度: {'—' if rate is None else f'{rate * 100:.1f}%'}"
            f"（回答 {report['satisfaction']['respondents']}件）",
            st.body,
        )
    )
    return story


def to_pdf(report: dict) -> bytes:
    """The committee layout on A4, Japanese font embedded, text extractable."""
    st = _PdfStyles.make()
    story = [
        text_paragraph(f"「みえDXセンター」の取組について　{report['label']}", st.title),
        text_paragraph(
            f"対象期間: {_japanese_date(report['period']['start'])} 〜 "
            f"{_japanese_date(report['period']['end'])}",
            st.body,
        ),
        *_pdf_counts(report, st),
        *_pdf_examples(report, st),
        *_pdf_seminars(report, st),
        *_pdf_kpis(report, st),
    ]
    return a4_pdf(story, title=f"みえDXセンター {report['label']}", author="三重県")


def to_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()


RENDERERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}

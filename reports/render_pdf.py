"""The yearly report as the committee's A4 PDF: Japanese font embedded, text extractable."""

import datetime as dt
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from common.dates import era_year_text, fiscal_year_era, format_date_ja
from common.pdf import a4_pdf, break_lines, japanese_font, splitting_table, text_paragraph
from common.vocab import Category, RequesterType

from .labels import choice_labels


def _wrap(label: str, width: int = 13) -> str:
    """A long label over lines of ``width`` characters at most, broken by 禁則 as the paragraphs
    are (the chart's axis labels do not wrap by themselves)."""
    ends = break_lines([1.0] * len(label), label, [width])
    return (
        "\n".join(label[start:end] for start, end in zip([0, *ends], ends, strict=False)) or label
    )


def _japanese_date(iso: str) -> str:
    """2025-04-01 → 2025年4月1日 (the committee papers' style)."""
    return format_date_ja(dt.date.fromisoformat(iso[:10]), weekday=False)


def _era_fiscal_year(fiscal_year: int) -> str:
    """令和4年度: the fiscal year as the committee papers head it."""
    era, year = fiscal_year_era(fiscal_year)
    return f"{era.name}{era_year_text(year)}年度"


def _era_short(fiscal_year: int) -> str:
    """R4: the fiscal year as the seed's tables print it."""
    era, year = fiscal_year_era(fiscal_year)
    return f"{era.short}{year}"


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
            # A heading never ends a page: it moves to the next one with what it introduces.
            heading=ParagraphStyle(
                "h",
                fontName=font,
                fontSize=12,
                leading=18,
                spaceBefore=10,
                spaceAfter=4,
                keepWithNext=1,
            ),
            body=ParagraphStyle("b", fontName=font, fontSize=9, leading=13),
            small=ParagraphStyle("s", fontName=font, fontSize=8, leading=11),
        )

    def grid(self, rows, widths, header=True) -> Table:
        # Every body cell a paragraph: a row splits across pages only when all its cells can.
        head = rows[:1] if header else []
        body = [
            [c if isinstance(c, Flowable) else text_paragraph(c, self.small) for c in row]
            for row in rows[len(head) :]
        ]
        t = splitting_table(head + body, colWidths=widths, repeatRows=len(head))
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
    labels = choice_labels()
    cases = report["cases"]
    cumulative = report["cumulative"]
    years = [int(y) for y in cumulative["by_fiscal_year"]] or [report["fiscal_year"]]
    this_year = f"当該年度（{_era_short(report['fiscal_year'])}）"
    total = f"累計（{_era_short(min(years))}〜{_era_short(max(years))}）"
    return [
        text_paragraph("1 相談件数", st.heading),
        text_paragraph(
            f"相談件数 {cumulative['total']}件（"
            + "、".join(
                f"{_era_short(int(y))}: {n}件" for y, n in cumulative["by_fiscal_year"].items()
            )
            + f"）。うち{_era_fiscal_year(report['fiscal_year'])} {cases['total']}件。",
            st.body,
        ),
        Spacer(1, 4),
        st.grid(
            [["区分", this_year, total]]
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
            [["相談内容区分", this_year, total]]
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


def _pdf_sessions(report: dict, st: _PdfStyles) -> list:
    """Section 6: the consultation sessions by host, with the totals."""
    sessions = report.get("sessions") or {"by_host": []}
    return [
        text_paragraph("6 個別相談会", st.heading),
        st.grid(
            [["相談相手", "提供枠", "予約", "実施", "来所なし"]]
            + [
                [
                    text_paragraph(r["host"], st.small),
                    r["offered"],
                    r["booked"],
                    r["held"],
                    r["no_show"],
                ]
                for r in sessions["by_host"]
            ]
            + [
                [
                    "計",
                    sessions.get("offered", 0),
                    sessions.get("booked", 0),
                    sessions.get("held", 0),
                    sessions.get("no_show", 0),
                ]
            ],
            [70 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm],
        ),
    ]


def _pdf_kpis(report: dict, st: _PdfStyles) -> list:
    """Section 7: the KPI table (or why there is none) and the contribution rate."""
    story = [text_paragraph("7 KPI", st.heading)]
    if not report["kpis"]:
        story.append(
            text_paragraph(
                "この年度の目標値は設定されていません（管理画面の「KPI目標」で設定します）。",
                st.body,
            )
        )
    else:
        progress = report.get("kpi_progress") or {}
        if progress.get("running"):
            story.append(
                text_paragraph(
                    f"年度途中（{progress['as_of']}時点、年度の{progress['elapsed_percent']}%が経過）:"
                    " 件数の指標は経過日数分の按分目標と比べた評価、率の指標は暫定の評価です。",
                    st.body,
                )
            )
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
        text_paragraph(
            f"「みえDXセンター」の取組について　{_era_fiscal_year(report['fiscal_year'])}",
            st.title,
        ),
        text_paragraph(
            f"対象期間: {_japanese_date(report['period']['start'])} 〜 "
            f"{_japanese_date(report['period']['end'])}",
            st.body,
        ),
        *_pdf_counts(report, st),
        *_pdf_examples(report, st),
        *_pdf_seminars(report, st),
        *_pdf_sessions(report, st),
        *_pdf_kpis(report, st),
    ]
    return a4_pdf(
        story,
        title=f"みえDXセンター {_era_fiscal_year(report['fiscal_year'])}",
        author="三重県",
    )

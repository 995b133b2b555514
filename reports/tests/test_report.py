import csv
import io
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from django.core.management import call_command

from cases import demo as cases_demo
from cases.importing import cases_import, read_table
from cases.tests.factories import import_workbook
from partners import demo as partners_demo
from reports.render import to_csv, to_pdf, to_xlsx
from reports.report import grade, yearly_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cases():
    partners_demo.seed()
    cases_demo.seed()


def test_fy2022_reproduces_the_published_cumulative_figures(demo_cases):
    report = yearly_report(2022)
    assert report["label"] == "2022年度（令和4年度）"
    assert report["period"] == {"start": "2022-04-01", "end": "2023-03-31"}
    assert report["cases"]["total"] == 52
    cumulative = report["cumulative"]
    assert cumulative["total"] == 81
    assert cumulative["by_fiscal_year"] == {"2021": 29, "2022": 52}
    assert cumulative["by_requester_type"] == {
        "business": 48,
        "citizen_group": 9,
        "municipality": 24,
    }
    assert cumulative["by_category"] == {
        "information": 14,
        "training": 39,
        "problem_solving": 25,
        "other": 3,
    }
    assert len(report["examples"]) == 5


def test_every_code_is_a_key_even_when_zero():
    report = yearly_report(2030)
    assert report["cases"]["total"] == 0
    assert set(report["cases"]["by_requester_type"]) == {
        "business",
        "citizen_group",
        "municipality",
    }
    assert set(report["cases"]["by_category"]) == {
        "information",
        "training",
        "problem_solving",
        "other",
    }
    assert list(report["cases"]["by_month"]) == [
        "2030-04",
        "2030-05",
        "2030-06",
        "2030-07",
        "2030-08",
        "2030-09",
        "2030-10",
        "2030-11",
        "2030-12",
        "2031-01",
        "2031-02",
        "2031-03",
    ]
    assert len(report["cases"]["by_municipality"]) == 30
    assert set(report["cases"]["by_channel"]) == {
        "web",
        "phone",
        "email",
        "visit",
        "import",
        "session",
    }


# A closed record carries what was done and how it ended (the import closes through the life cycle).
RECORDS = [
    ["R3.6.1", "事業者", "A", "", "津市", "情報提供", "x", "回答", "", "完了", "解決"],
    ["R3.9.15", "県民グループ", "B", "", "伊勢市", "人材育成", "x", "回答", "", "完了", "解決"],
    ["R4.3.31", "市町", "C", "", "鈴鹿市", "課題解決", "x", "回答", "", "完了", "解決"],
    ["R4.4.1", "事業者", "D", "", "津市", "人材育成", "x", "回答", "", "完了", "解決"],
    ["2022/4/20", "事業者", "E", "", "津市", "人材育成", "x", "", "", "対応中", ""],
    ["2022/12/28", "県", "F", "", "三重県", "その他", "x", "", "", "受付", ""],
    ["2023/3/31", "県民グループ", "G", "", "", "課題解決", "x", "", "", "取下げ", ""],
]


def test_imported_records_reproduce_every_figure():
    result = cases_import(read_table(import_workbook(RECORDS), "past.xlsx"), dry_run=False)
    assert result.ok, result.errors
    report = yearly_report(2022)
    cases = report["cases"]
    assert cases["total"] == 4
    assert cases["by_requester_type"] == {"business": 2, "citizen_group": 1, "municipality": 1}
    assert cases["by_category"] == {
        "information": 0,
        "training": 2,
        "problem_solving": 1,
        "other": 1,
    }
    assert cases["by_month"]["2022-04"] == 2
    assert cases["by_month"]["2022-12"] == 1
    assert cases["by_month"]["2023-03"] == 1
    assert sum(cases["by_month"].values()) == 4
    assert cases["by_municipality"]["242012"] == 2
    assert cases["by_municipality"]["240001"] == 1
    assert cases["by_municipality"]["unknown"] == 1
    assert cases["by_status"]["closed"] == 1 and cases["by_status"]["withdrawn"] == 1
    assert cases["by_channel"]["import"] == 4
    cumulative = report["cumulative"]
    assert cumulative["by_fiscal_year"] == {"2021": 3, "2022": 4}
    assert cumulative["total"] == 7
    assert cumulative["by_category"] == {
        "information": 1,
        "training": 3,
        "problem_solving": 2,
        "other": 1,
    }


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (91.2, 90, "A"),
        (90, 90, "A"),
        (72, 90, "B"),
        (54, 90, "C"),
        (53.9, 90, "D"),
        (None, 90, None),
    ],
)
def test_kpi_grades(actual, target, expected):
    assert grade(actual, target) == expected


def test_kpi_contribution_rate_graded_from_surveys():
    from django.utils import timezone

    from cases.models import CaseSurvey
    from cases.tests.factories import make_case

    for i, helpful in enumerate([True] * 9 + [False]):
        case = make_case(received_on=__import__("datetime").date(2023, 5, 1))
        CaseSurvey.objects.create(
            case=case, token=f"t{i}", helpful=helpful, answered_at=timezone.now()
        )
    report = yearly_report(2023)
    assert report["satisfaction"]["contribution_rate"] == 0.9
    kpi = next(k for k in report["kpis"] if k["key"] == "contribution_rate")
    assert kpi["target"] == 90.0 and kpi["actual"] == 90.0 and kpi["grade"] == "A"


def test_csv_long_format_and_xlsx_sheets(demo_cases):
    report = yearly_report(2022)
    rows = list(csv.reader(io.StringIO(to_csv(report).decode("utf-8-sig"))))
    assert rows[0] == ["fiscal_year", "dimension", "code", "label", "count"]
    assert ["2022", "requester_type", "business", "県内事業者", "31"] in rows
    assert [
        "2022",
        "cumulative_category",
        "training",
        "人材育成（セミナー開催等の相談）",
        "39",
    ] in rows
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert {"概要", "相談者区分", "相談内容区分", "月別", "市町別", "セミナー", "KPI"} <= set(
        book.sheetnames
    )
    assert book["相談者区分"]["A1"].value == "相談者区分"
    # This year beside the cumulative figure, as in the committee paper.
    assert [c.value for c in book["相談者区分"][2]] == ["県内事業者", 31, 48]
    assert [c.value for c in book["相談内容区分"][1]] == ["相談内容区分", "当該年度", "累計"]
    summary = {row[0].value: row[1].value for row in book["概要"].iter_rows(min_row=2)}
    assert summary["初回対応済み（件）"] == report["cases"]["first_response"]["responded"]
    examples = book["相談事例"]
    assert examples.max_row - 1 == len(report["examples"])


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils not installed: run make test"
)
def test_pdf_text_shows_the_year_label_and_the_figures(demo_cases, tmp_path):
    from cms import demo as cms_demo
    from events import demo as events_demo

    events_demo.seed(cms_demo.seed_site())
    path = tmp_path / "report.pdf"
    path.write_bytes(to_pdf(yearly_report(2022)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    title = text.strip().splitlines()[0]
    assert "取組について" in title and "令和4年度" in title  # as the committee papers head it
    assert "相談件数 81件（R3: 29件、R4: 52件）" in text  # the years as the seed's tables
    assert "県内事業者" in text and "48" in text
    assert "人材育成（セミナー開催等の相談）" in text and "39" in text
    assert "138名" in text  # the 3/1 seminar
    assert "2022年4月1日 〜 2023年3月31日" in text  # dates as the committee papers write them
    assert "この年度の目標値は設定されていません" in text  # FY2022 predates みえデジタルプラン
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "BIZUDGothic" in fonts or "IPAexGothic" in fonts
    assert " yes " in fonts  # embedded


def test_yearly_report_command_writes_json(demo_cases, tmp_path):
    out = tmp_path / "r.json"
    call_command("yearly_report", "--fiscal-year", "2022", "--format", "json", "--output", str(out))
    data = json.loads(out.read_text())
    assert data["cumulative"]["total"] == 81


def test_open_data_suppresses_small_municipality_cells(client, demo_cases):
    data = client.get("/opendata/consultations.json").json()
    assert data["metadata"]["license"] == "CC BY 4.0"
    rows = [r for r in data["data"] if r["dimension"] == "municipality"]
    assert rows and all(r["count"] is None or r["count"] >= 3 for r in rows)
    assert any(r["count"] is None for r in rows)
    types = {
        (r["fiscal_year"], r["code"]): r["count"]
        for r in data["data"]
        if r["dimension"] == "requester_type"
    }
    assert types[(2022, "business")] == 31
    response = client.get("/opendata/consultations.csv")
    assert (
        response.content.decode("utf-8").splitlines()[0] == "fiscal_year,dimension,code,label,count"
    )


def test_dashboard_and_downloads_for_staff(client, demo_cases):
    from cases.tests.factories import staff_user

    client.force_login(staff_user())
    html = client.get("/admin/statistics/", {"fy": "2022"}).content.decode()
    assert 'id="cases-total">52<' in html
    svg = html.split('<svg xmlns="http://www.w3.org/2000/svg" role="img"', 1)[1].split("</svg>")[0]
    assert "<script" not in svg
    # The chart says which bar is which year, and the admin header names the page.
    assert "当該年度</text>" in svg and "前年度</text>" in svg
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert "統計" in header
    pdf = client.get("/admin/statistics/2022/download/pdf/")
    assert pdf.content[:4] == b"%PDF"
    client.logout()
    assert client.get("/admin/statistics/").status_code == 302


def test_dashboard_shows_both_years_contribution_as_percentages(client, db):
    import datetime as dt

    from django.utils import timezone

    from cases.models import CaseSurvey
    from cases.tests.factories import make_case, staff_user

    answers = {2023: [True, True, True, False], 2024: [True] * 9 + [False]}
    for fy, helpful_list in answers.items():
        for i, helpful in enumerate(helpful_list):
            case = make_case(received_on=dt.date(fy, 6, 1))
            CaseSurvey.objects.create(
                case=case, token=f"t{fy}-{i}", helpful=helpful, answered_at=timezone.now()
            )
    client.force_login(staff_user())
    html = client.get("/admin/statistics/", {"fy": "2024"}).content.decode()
    assert 'id="contribution">90.0%（回答 10）' in html
    assert 'id="previous-contribution">75.0%（回答 4）' in html


@pytest.mark.not_clock  # a query count over generated years: the day changes nothing
def test_bench_stats_query_count_does_not_grow_with_n(capsys):
    out = io.StringIO()
    call_command("bench_stats", "--cases", "300", "3000", stdout=out)
    a, b = (json.loads(line) for line in out.getvalue().splitlines())
    with capsys.disabled():  # the figures belong in the CI log
        print("\nbench_stats (small):\n" + out.getvalue().strip())
    assert set(a) == {"cases", "seconds_json", "seconds_pdf", "peak_rss_mb", "queries"}
    assert a["queries"] == b["queries"]
    assert (a["cases"], b["cases"]) == (300, 3000)


def _seed_log_rows() -> list[list]:
    """The seed's 81 consultations as a center's own log: no 結果 column, dates in mixed
    spellings, 完了 rows with 対応内容 only (R3 29, R4 52 up to 2023-02-28)."""
    import datetime as dt
    import itertools

    types = ["事業者"] * 48 + ["県民グループ"] * 9 + ["市町"] * 24
    categories = ["情報提供"] * 14 + ["人材育成"] * 39 + ["課題解決"] * 25 + ["その他"] * 3
    # Interleave so that each year holds every kind (the figures are cumulative anyway).
    types = [types[(i * 7) % 81] for i in range(81)]
    categories = [categories[(i * 11) % 81] for i in range(81)]
    days = [dt.date(2021, 6, 1) + dt.timedelta(days=10 * i) for i in range(29)]
    days += [dt.date(2022, 4, 1) + dt.timedelta(days=6 * i) for i in range(52)]
    assert days[28] <= dt.date(2022, 3, 31) and days[-1] <= dt.date(2023, 2, 28)
    towns = itertools.cycle(["津市", "四日市市", "伊勢市", "伊賀市", "尾鷲市", "", "鈴鹿"])
    statuses = itertools.cycle(["完了", "完了", "対応中", "完了", "取下げ"])
    rows = []
    for i, (day, kind, category) in enumerate(zip(days, types, categories, strict=True)):
        era_year = day.year - 2018
        spelling = [
            dt.datetime.combine(day, dt.time()),
            f"{day.year}/{day.month}/{day.day}",
            f"R{era_year}.{day.month}.{day.day}",
            f"令和{era_year}年{day.month}月{day.day}日",
        ][i % 4]
        status = next(statuses)
        rows.append(
            [
                spelling,
                kind,
                f"記録{i:02d}",
                "製造業" if i % 3 else "",
                "三重県" if kind == "市町" and i % 2 else next(towns),
                category,
                f"相談{i}",
                f"対応{i}" if status == "完了" else "",
                "",
                status,
            ]
        )
    return rows


def test_a_centers_past_log_imports_whole_and_reproduces_the_seeds_figures():
    header = [
        "受付日",
        "相談者区分",
        "団体名",
        "業種",
        "所在市町",
        "相談内容区分",
        "相談内容",
        "対応内容",
        "担当",
        "状況",
    ]
    rows = _seed_log_rows()
    result = cases_import(read_table(import_workbook(rows, header), "log.xlsx"), dry_run=False)
    assert result.ok, result.errors[:3]
    assert result.total == 81
    assert result.per_fiscal_year == {2021: 29, 2022: 52}
    closed = sum(1 for row in rows if row[-1] == "完了")
    assert result.missing["結果"] == closed and result.absent_columns == ["結果"]

    report = yearly_report(2022)
    assert report["cases"]["total"] == 52
    cumulative = report["cumulative"]
    assert cumulative["total"] == 81
    assert cumulative["by_fiscal_year"] == {"2021": 29, "2022": 52}
    assert cumulative["by_requester_type"] == {
        "business": 48,
        "citizen_group": 9,
        "municipality": 24,
    }
    assert cumulative["by_category"] == {
        "information": 14,
        "training": 39,
        "problem_solving": 25,
        "other": 3,
    }
    assert (
        report["cases"]["by_status"]["closed"] + yearly_report(2021)["cases"]["by_status"]["closed"]
        == closed
    )
    # 「記録なし」 is not an answer: no 貢献度 from history.
    for year in (2021, 2022):
        satisfaction = yearly_report(year)["satisfaction"]
        assert satisfaction["respondents"] == 0 and satisfaction["contribution_rate"] is None

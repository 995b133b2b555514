"""Every CSV and XLSX written for people: formulas typed by the public stay inert text, numbers
stay numbers, and Japanese Excel reads the CSV as UTF-8 (a byte order mark first)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cases.tests.factories import make_case, staff_user
from common.spreadsheets import csv_bytes, neutralise_cell, xlsx_bytes
from crm.requester import Requester

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=1+cmd|' /C calc'!A0"
BOM = b"\xef\xbb\xbf"


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content[:3] == BOM, content[:3]
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def _no_formula_anywhere(book) -> list:
    """Every cell of every sheet, failing if one is stored as a formula."""
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


@pytest.mark.parametrize(
    "typed", [HYPERLINK, DDE, "+81 59 000 0000", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_that_a_spreadsheet_would_evaluate_gets_an_apostrophe(typed):
    assert neutralise_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "value", [-5, -1.5, Decimal("-0.25"), 0, None, dt.date(2022, 6, 24), "株式会社=テスト", ""]
)
def test_numbers_dates_and_ordinary_text_are_left_alone(value):
    assert neutralise_cell(value) is value


def test_csv_for_people_has_a_bom_and_for_machines_is_plain_utf8():
    people = csv_bytes([[DDE, -3]], header=["氏名", "件数"])
    assert _csv_rows(people) == [["氏名", "件数"], ["'" + DDE, "-3"]]
    machines = csv_bytes([[DDE, -3]], header=["name", "count"], for_people=False)
    assert machines.startswith(b"name,count")
    assert list(csv.reader(io.StringIO(machines.decode("utf-8")))) == [
        ["name", "count"],
        [DDE, "-3"],
    ]


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text():
    book = load_workbook(io.BytesIO(xlsx_bytes({"表": (["名", "値"], [[HYPERLINK, -7.5]])})))
    sheet = book["表"]
    assert sheet["A2"].value == "'" + HYPERLINK and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -7.5 and sheet["B2"].data_type == "n"


def test_seminar_roster_csv_and_xlsx_hold_a_hostile_name_as_text(client):
    from events.services import registration_create
    from events.tests.factories import make_seminar

    seminar = make_seminar(capacity_venue=5)
    registration_create(
        seminar=seminar,
        requester=Requester(family_name=HYPERLINK, email="x@example.jp"),
        mode="venue",
    )
    registration_create(
        seminar=seminar,
        requester=Requester(family_name="山田 太郎", organisation_name=DDE, email="y@example.jp"),
        mode="venue",
    )
    client.force_login(staff_user())
    url = f"/admin/seminars/{seminar.pk}/roster/"

    rows = _csv_rows(client.get(url, {"export": "csv"}).content)
    cells = [cell for row in rows for cell in row]
    assert "'" + HYPERLINK in cells and "'" + DDE in cells
    assert HYPERLINK not in cells and DDE not in cells

    book = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    values = _no_formula_anywhere(book)
    assert "'" + HYPERLINK in values and "'" + DDE in values


def test_case_list_csv_has_a_bom_and_inert_cells_and_xlsx_no_formula(client):
    from crm.models import Organisation

    case = make_case(subject=HYPERLINK)
    Organisation.objects.filter(pk=case.organisation_id).update(name=DDE)
    client.force_login(staff_user())

    response = client.get("/admin/cases/", {"export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0][0] == "受付番号"
    (row,) = rows[1:]
    assert "'" + HYPERLINK in row and "'" + DDE in row
    assert "受付" in row  # the status label, as Japanese Excel will show it

    response = client.get("/admin/cases/", {"export": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = _no_formula_anywhere(book)
    assert "'" + HYPERLINK in values and "'" + DDE in values
    # The fiscal year is still a number.
    assert case.fiscal_year in values


def test_yearly_report_csv_and_xlsx_keep_negative_figures_and_neutralise_text():
    from reports.render import to_csv, to_xlsx
    from reports.report import yearly_report

    report = yearly_report(2022)
    report["seminars"] = [
        {
            "date": "2022-06-24",
            "title": DDE,
            "lecturers": HYPERLINK,
            "registered": 10,
            "attended": 8,
            "satisfaction": 4.5,
        }
    ]
    report["kpis"] = [{"name": "@KPI", "target": 10.0, "actual": -2.5, "grade": "-"}]
    rows = _csv_rows(to_csv(report))
    assert ["2022", "seminar_attended", "2022-06-24", "'" + DDE, "8"] in rows

    book = load_workbook(io.BytesIO(to_xlsx(report)))
    _no_formula_anywhere(book)
    seminar = [c.value for c in book["セミナー"][2]]
    assert seminar == ["2022-06-24", "'" + DDE, "'" + HYPERLINK, 10, 8, 4.5]
    assert [c.value for c in book["KPI"][2]][:4] == ["'@KPI", 10.0, -2.5, "'-"]


def test_access_log_csv_has_a_bom(client):
    client.force_login(staff_user(username="boss", group="センター管理者"))
    client.get("/admin/cases/", {"export": "csv"})
    response = client.get("/admin/access-log/", {"export": "csv"})
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0] == ["日時", "利用者", "対象", "画面"]
    assert len(rows) > 1

"""Every CSV and XLSX the product writes for people goes through here.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (CWE-1236): a registrant named
`=HYPERLINK("http://x","y")` becomes a live link in the roster. Such cells get a leading
apostrophe, as OWASP recommends; numbers, dates and empty cells stay what they are, so a
negative figure in the statistics is still a number. Wagtail's own XLSX export only turns
cells openpyxl would store as formulas back into strings, and its CSV export leaves them as
typed, so the admin's list exports use `SafeSpreadsheetExportMixin`.

CSV for people starts with a UTF-8 byte order mark, without which Japanese Excel reads UTF-8
as Shift_JIS (mojibake). CSV for machines (`for_people=False`, e.g. open data) is plain UTF-8
with its cells as they are: a program reading it must not find apostrophes it did not write.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"


def neutralise_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula, made inert; any other value as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_bytes(
    rows: Iterable[Sequence[Any]], *, header: Sequence[str] = (), for_people: bool = True
) -> bytes:
    """Rows as CSV: for people with a BOM and inert cells, for machines plain UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if for_people else "\n")
    clean = neutralise_cell if for_people else (lambda value: value)
    if header:
        writer.writerow([clean(h) for h in header])
    for row in rows:
        writer.writerow([clean("" if value is None else value) for value in row])
    text = buffer.getvalue().encode("utf-8")
    return UTF8_BOM + text if for_people else text


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One worksheet per (header, rows) with a bold header row; every text cell inert."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title)
        header_cells = []
        for heading in header:
            cell = WriteOnlyCell(sheet, neutralise_cell(heading))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell(sheet, value: Any):
    """One write-only cell: text neutralised and never stored as a formula; dates as dates."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, neutralise_cell(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


class SafeSpreadsheetExportMixin:
    """For a Wagtail IndexView: inert text cells in CSV and XLSX, and a BOM on the CSV."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_cell(super().preprocess_field_value(field, value, export_format))

    def stream_csv(self, queryset):
        yield UTF8_BOM
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

"""Issue 15: uploads accept exactly what the form promises. A ZIP is refused; an Office
document (itself a ZIP) is opened and refused when it hides an archive, a program, a macro, a
path out of the archive, or unpacks to more than the limit.

Review of issue 15: its kind is read from its parts, not from its first bytes, and what real
documents carry is accepted: a chart's workbook under embeddings/ (inspected with the same
rules and budget) and gzip-compressed pictures (.emz, .wmz) under media/."""

import gzip
import io
import struct
import zipfile

import filetype
import pytest

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases.portal.forms import AttachmentForm
from common import uploads
from common.uploads import check_upload

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OOXML = "application/vnd.openxmlformats-officedocument."
MAIN_CONTENT_TYPES = {
    "word/document.xml": OOXML + "wordprocessingml.document.main+xml",
    "xl/workbook.xml": OOXML + "spreadsheetml.sheet.main+xml",
    "ppt/presentation.xml": OOXML + "presentationml.presentation.main+xml",
}
DOCM_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT = '<?xml version="1.0" encoding="UTF-8"?><w:document/>'


def content_types(main, *, main_type=None, padding=0, extra_types=(), doctype="") -> str:
    override = ""
    if main:
        main_type = main_type or MAIN_CONTENT_TYPES[main]
        override = f'<Override PartName="/{main}" ContentType="{main_type}"/>'
    for part, content_type in extra_types:
        override += f'<Override PartName="{part}" ContentType="{content_type}"/>'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="emz" ContentType="image/x-emz"/>'
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument'
        '.spreadsheetml.sheet"/>'
        f"{override}{' ' * padding}</Types>"
    )


def office(
    extra=(),
    *,
    main="word/document.xml",
    main_type=None,
    compression=zipfile.ZIP_DEFLATED,
    padding=0,
    extra_types=(),
    doctype="",
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        # Stored (not compressed) and first, as some writers do: the first 8 KB are this XML.
        stored = zipfile.ZipInfo("[Content_Types].xml")
        stored.compress_type = zipfile.ZIP_STORED if padding else compression
        archive.writestr(
            stored,
            content_types(
                main, main_type=main_type, padding=padding, extra_types=extra_types, doctype=doctype
            ),
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        if main:
            archive.writestr(main, DOCUMENT)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook(extra=()) -> bytes:
    return office(extra, main="xl/workbook.xml")


def emf(size=200) -> bytes:
    """An EMF picture: EMR_HEADER record (type 1) with the " EMF" signature at byte 40."""
    header = struct.pack("<II16s16s", 1, 108, b"\x00" * 16, b"\x00" * 16) + b" EMF"
    return header + b"\x00" * (size - len(header))


def upload(data: bytes, name="報告書.docx"):
    return SimpleUploadedFile(name, data)


def refused(data: bytes, name="報告書.docx") -> bool:
    try:
        check_upload(upload(data, name))
    except ValidationError:
        return True
    return False


def inner_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "x")
    return buffer.getvalue()


def test_a_plain_office_document_is_accepted():
    checked = check_upload(upload(office()))
    assert (checked.content_type, checked.extension) == (DOCX_MIME, "docx")


def test_a_plain_zip_is_refused_whatever_its_name():
    assert refused(inner_zip(), "資料.zip")
    assert refused(inner_zip(), "資料.docx")


@pytest.mark.parametrize(
    "extra",
    [
        [("word/setup.exe", b"MZ\x90\x00" + b"\x00" * 100)],  # a program, by name
        [("word/media/image1.png", b"MZ\x90\x00" + b"\x00" * 100)],  # a program, by content
        [("word/x.bin", b"\x7fELF" + b"\x00" * 100)],
        [("word/embeddings/inner.zip", inner_zip())],  # an archive inside
        [("word/media/image2.png", inner_zip())],  # an archive under another name
        [("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")],  # a macro
        [("../../etc/cron.d/evil", "* * * * * root sh")],  # a path out of the archive
        [("word/../../evil.txt", "x")],
        [("/etc/passwd", "root:x:0:0")],  # an absolute path
        [("C:/Windows/evil.txt", "x")],
        [("word\\..\\..\\evil.txt", "x")],
    ],
)
def test_an_office_document_hiding_something_is_refused(extra):
    assert refused(office(extra))


def test_an_office_document_without_its_main_part_is_refused():
    # The finding: a ZIP with an .exe under word/ was detected as docx.
    assert refused(office([("word/tool.txt", "x")], main=None))


def test_an_office_document_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "OFFICE_MAX_EXPANDED", 2 * 1024 * 1024)
    bomb = office([("word/media/zeros.xml", b"0" * (3 * 1024 * 1024))])
    assert len(bomb) < 100 * 1024  # small on the wire
    assert refused(bomb)
    assert not refused(office([("word/media/zeros.xml", b"0" * (1024 * 1024))]))


def test_the_default_expansion_limit_stops_a_real_bomb():
    bomb = office([("word/media/zeros.xml", b"\x00" * (uploads.OFFICE_MAX_EXPANDED + 1))])
    assert len(bomb) < uploads.MAX_UPLOAD_BYTES
    assert refused(bomb)


def test_pdf_and_images_are_still_accepted():
    assert check_upload(upload(b"%PDF-1.4\n%%EOF\n", "a.pdf")).extension == "pdf"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert check_upload(upload(png, "a.png")).extension == "png"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ja", ["docx", "ZIP", "実行ファイル", "マクロ", "グラフ", "拡張子"]),
        ("en", ["docx", "ZIP", "programs", "macros", "chart", "extension"]),
    ],
)
def test_the_form_says_the_rule(language, words):
    with translation.override(language):
        help_text = str(AttachmentForm().fields["file"].help_text)
    assert all(word in help_text for word in words)


# --- review of issue 15: real Office documents ---


def test_a_docx_whose_first_8_kb_are_its_content_types_is_accepted():
    data = office(padding=9000)
    assert filetype.guess(data[:8192]).mime == "application/zip"  # the first bytes say ZIP
    checked = check_upload(upload(data, "議事録.docx"))
    assert (checked.content_type, checked.extension) == (DOCX_MIME, "docx")


def test_a_docx_with_a_chart_and_its_workbook_is_accepted():
    data = office(
        [
            ("word/charts/chart1.xml", "<c:chartSpace/>"),
            ("word/charts/_rels/chart1.xml.rels", "<Relationships/>"),
            ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook()),
        ]
    )
    assert check_upload(upload(data, "売上報告.docx")).extension == "docx"


def test_a_pptx_with_compressed_pictures_is_accepted():
    data = office(
        [
            ("ppt/media/image1.emz", gzip.compress(emf())),
            ("ppt/media/image2.wmz", gzip.compress(b"\xd7\xcd\xc6\x9a" + b"\x00" * 100)),
        ],
        main="ppt/presentation.xml",
    )
    checked = check_upload(upload(data, "説明会.pptx"))
    assert (checked.content_type, checked.extension) == (PPTX_MIME, "pptx")


def test_the_name_must_agree_with_the_kind_found_inside():
    with pytest.raises(ValidationError) as raised:
        check_upload(upload(office(), "集計.xlsx"))
    assert "拡張子が中身と合いません（中身は docx です）" in str(raised.value)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_upload(upload(office(), "集計.xlsx"))
    assert "extension does not match its content (it is a docx file)" in str(raised.value)
    assert refused(office(), "報告書")  # no extension at all
    assert check_upload(upload(workbook(), "集計.XLSX")).extension == "xlsx"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        # A document with macros: by its part, or by its content type under any name.
        (
            office([("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")], main_type=DOCM_CONTENT_TYPE),
            "a.docm",
        ),
        (office(main_type=DOCM_CONTENT_TYPE), "a.docx"),
        # A workbook part declared as a Word document, or two kinds at once.
        (
            office(main="xl/workbook.xml", main_type=MAIN_CONTENT_TYPES["word/document.xml"]),
            "a.xlsx",
        ),
        (
            office(
                [("xl/workbook.xml", DOCUMENT)],
                extra_types=[("/xl/workbook.xml", MAIN_CONTENT_TYPES["xl/workbook.xml"])],
            ),
            "a.docx",
        ),
        # Embedded: a program, a plain ZIP named like a workbook, a workbook hiding a program,
        # a workbook with macros, an OLE package (it can carry any file).
        (office([("word/embeddings/tool.exe", b"MZ" + b"\x00" * 100)]), "a.docx"),
        (office([("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner_zip())]), "a.docx"),
        (office([("word/embeddings/data.zip", inner_zip())]), "a.docx"),
        (office([("word/embeddings/b.xlsx", workbook([("xl/setup.exe", b"MZ")]))]), "a.docx"),
        (office([("word/embeddings/b.xlsx", workbook([("xl/vbaProject.bin", b"x")]))]), "a.docx"),
        (office([("word/embeddings/b.xlsm", workbook())]), "a.docx"),
        (office([("word/embeddings/b.docx", workbook())]), "a.docx"),  # name and kind differ
        (
            office([("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")]),
            "a.docx",
        ),
        # A workbook outside embeddings/, a gzip picture outside media/ or not a picture.
        (office([("word/media/b.xlsx", workbook())]), "a.docx"),
        (office([("word/b.emz", gzip.compress(emf()))]), "a.docx"),
        (office([("word/media/image1.emz", gzip.compress(b"MZ" + b"\x00" * 100))]), "a.docx"),
        (office([("word/media/image1.emz", gzip.compress(inner_zip()))]), "a.docx"),
        (office([("word/media/image1.emz", emf())]), "a.docx"),  # not compressed at all
        (office([("word/media/image1.png", gzip.compress(emf()))]), "a.docx"),
        # A DTD in [Content_Types].xml (entity expansion).
        (office(doctype="<!DOCTYPE t [<!ENTITY a 'x'>]>"), "a.docx"),
    ],
)
def test_an_office_document_is_still_refused_when_it_hides_something(data, name):
    assert refused(data, name)


def test_embedded_documents_are_followed_two_levels_deep():
    level2 = office(main="xl/workbook.xml")
    level1 = office([("xl/embeddings/inner.xlsx", level2)], main="xl/workbook.xml")
    assert not refused(office([("word/embeddings/outer.xlsx", level1)]))
    level3 = office([("xl/embeddings/deepest.xlsx", level1)], main="xl/workbook.xml")
    assert refused(office([("word/embeddings/outer.xlsx", level3)]))
    # What is hidden at the last level is found too.
    hiding = office(
        [("xl/embeddings/x.xlsx", workbook([("xl/a.exe", b"MZ")]))], main="xl/workbook.xml"
    )
    assert refused(office([("word/embeddings/outer.xlsx", hiding)]))


def test_embedded_documents_and_pictures_share_the_expansion_budget(monkeypatch):
    monkeypatch.setattr(uploads, "OFFICE_MAX_EXPANDED", 2 * 1024 * 1024)
    zeros = b"0" * (700 * 1024)
    one = workbook([("xl/media/zeros.xml", zeros)])
    assert not refused(office([("word/embeddings/a.xlsx", one)]))
    # Each workbook alone is under the limit; together they are not.
    assert refused(office([(f"word/embeddings/{n}.xlsx", one) for n in "abc"]))
    # A picture that unpacks beyond the limit is a bomb too, though small on the wire.
    bomb = gzip.compress(emf(3 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    assert refused(office([("word/media/image1.emz", bomb)]))
    assert not refused(office([("word/media/image1.emz", gzip.compress(emf(1024 * 1024)))]))


def test_entries_of_embedded_documents_count_towards_the_limit(monkeypatch):
    monkeypatch.setattr(uploads, "OFFICE_MAX_ENTRIES", 10)
    inner = workbook([(f"xl/x{n}.xml", "<x/>") for n in range(4)])  # 7 entries
    assert not refused(office([("word/embeddings/a.xlsx", workbook())]))
    assert refused(office([("word/embeddings/a.xlsx", inner)]))


def test_a_workbook_written_by_a_real_writer_is_accepted_alone_and_embedded():
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 5):
        sheet.append([row, row * 2])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=4))
    sheet.add_chart(chart, "D2")
    buffer = io.BytesIO()
    book.save(buffer)
    assert check_upload(upload(buffer.getvalue(), "売上.xlsx")).extension == "xlsx"
    embedded = office([("word/embeddings/Microsoft_Excel_Worksheet.xlsx", buffer.getvalue())])
    assert check_upload(upload(embedded, "売上報告.docx")).extension == "docx"

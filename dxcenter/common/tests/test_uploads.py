"""Issue 15: uploads accept exactly what the form promises. A ZIP is refused; an Office
document (itself a ZIP) is opened and refused when it hides an archive, a program, a macro, a
path out of the archive, or unpacks to more than the limit."""

import io
import zipfile

import pytest

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases.portal.forms import AttachmentForm
from dxcenter.common import uploads
from dxcenter.common.uploads import check_upload

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"></Types>'
)
DOCUMENT = '<?xml version="1.0" encoding="UTF-8"?><w:document/>'


def office(extra=(), *, main="word/document.xml", compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        if main:
            archive.writestr(main, DOCUMENT)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


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
        [("word/embeddings/sheet.xlsx", office(main="xl/workbook.xml"))],
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
        ("ja", ["docx", "ZIP", "実行ファイル", "マクロ"]),
        ("en", ["docx", "ZIP", "programs", "macros"]),
    ],
)
def test_the_form_says_the_rule(language, words):
    with translation.override(language):
        help_text = str(AttachmentForm().fields["file"].help_text)
    assert all(word in help_text for word in words)

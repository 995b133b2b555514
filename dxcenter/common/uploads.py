"""Uploaded files: size limit and a type read from the content, not from the name.

Accepted is what the upload forms promise: PDF, PNG, JPEG and Office documents (docx, xlsx,
pptx). An Office document is a ZIP archive, so a ZIP that merely looks like one (an .exe in a
folder named ``word/``) or a ZIP bomb would pass a check of the first bytes; Office documents
are therefore opened and every entry inspected: the parts an Office document must have, no
path that leaves the archive (``../``, absolute), no archive inside, no program or macro, and
at most OFFICE_MAX_EXPANDED bytes once unpacked.
"""

import posixpath
import zipfile
from dataclasses import dataclass

import filetype

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
OFFICE_MAIN_PART = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}
OFFICE_MAX_EXPANDED = 100 * 1024 * 1024
OFFICE_MAX_ENTRIES = 5000
# Leading bytes of archives and programs that have no place inside an Office document.
FORBIDDEN_MAGIC = (
    b"PK\x03\x04",  # ZIP, and Office files embedded as ZIPs
    b"PK\x05\x06",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ",
    b"MSCF",  # cabinet
    b"MZ",  # Windows programs
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"#!",
)
FORBIDDEN_SUFFIXES = (
    ".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".jar", ".apk",
    ".exe", ".dll", ".com", ".bat", ".cmd", ".scr", ".msi", ".ps1", ".vbs", ".js", ".sh",
    ".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm",
)  # fmt: skip
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int


def check_upload(uploaded, *, allowed: dict[str, str] | None = None) -> CheckedUpload:
    """Return the type found in the file's bytes, or raise ValidationError in Japanese/English."""
    allowed = allowed or ALLOWED_TYPES
    size = uploaded.size
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("ファイルが大きすぎます（上限 {limit} MB）。").format(limit=MAX_UPLOAD_BYTES // 2**20)
        )
    if size == 0:
        raise ValidationError(_("空のファイルは登録できません。"))
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            _("このファイルの種類は登録できません（PDF、PNG、JPEG、Office文書のみ）。")
        )
    extension = allowed[kind.mime]
    if extension in OFFICE_MAIN_PART:
        check_office_archive(uploaded, extension)
    return CheckedUpload(content_type=kind.mime, extension=extension, size=size)


def _refuse_office():
    return ValidationError(
        _(
            "このOffice文書は登録できません。圧縮ファイル、実行ファイル、マクロを含まない"
            "Word・Excel・PowerPoint の文書（docx、xlsx、pptx）をお送りください。"
        )
    )


def _unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return True
    parts = name.split("/")
    return ".." in parts or posixpath.normpath(name).startswith("..")


def check_office_archive(uploaded, extension: str) -> None:
    """Raise ValidationError unless the file is a plain Office document of that kind."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > OFFICE_MAX_ENTRIES:
                raise _refuse_office()
            if "[Content_Types].xml" not in names or OFFICE_MAIN_PART[extension] not in names:
                raise _refuse_office()
            expanded = 0
            for entry in entries:
                name = entry.filename
                lowered = name.lower()
                if _unsafe_name(name) or entry.flag_bits & 0x1:  # 0x1: encrypted entry
                    raise _refuse_office()
                if lowered.endswith(FORBIDDEN_SUFFIXES) or lowered.endswith(MACRO_PARTS):
                    raise _refuse_office()
                if entry.is_dir():
                    continue
                # Sizes in the directory can lie: count what decompression really yields.
                with archive.open(entry) as member:
                    head = member.read(8)
                    if head.startswith(FORBIDDEN_MAGIC):
                        raise _refuse_office()
                    expanded += len(head)
                    while chunk := member.read(1024 * 1024):
                        expanded += len(chunk)
                        if expanded > OFFICE_MAX_EXPANDED:
                            raise _refuse_office()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
    ) as exc:
        raise _refuse_office() from exc
    finally:
        uploaded.seek(0)

"""Uploaded files: size limit and a type read from the content, not from the name.

Accepted is what the upload forms promise: PDF, PNG, JPEG and Office documents (docx, xlsx,
pptx). An Office document is a ZIP archive, and its first bytes do not reliably say which kind
(a large ``[Content_Types].xml`` or a thumbnail may come first), so every ZIP is opened and its
kind read from its parts: ``[Content_Types].xml`` and the main part (``word/document.xml``,
``xl/workbook.xml``, ``ppt/presentation.xml``) with the content type of that kind. The name's
extension must agree. A ZIP that merely looks like an Office document (an .exe in a folder named
``word/``) or a ZIP bomb would pass a check of the first bytes, so every entry is inspected: no
path that leaves the archive (``../``, absolute), no encryption, no archive, program or macro,
at most OFFICE_MAX_ENTRIES entries and OFFICE_MAX_EXPANDED bytes once unpacked.

Two things real documents carry are allowed:

- an Office document embedded under ``<word|xl|ppt>/embeddings/`` (the data of a native chart
  is an .xlsx there): it is inspected with the same rules, sharing the entry and expansion
  budget, down to OFFICE_MAX_NESTING levels below the upload;
- a gzip-compressed picture (``.emz``, ``.wmz``) under ``<word|xl|ppt>/media/``: it must unpack
  to an EMF/WMF picture, and its unpacked size counts in the budget.
"""

import gzip
import posixpath
import tempfile
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass

import filetype

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class OfficeKind:
    mime: str
    main_part: str
    main_content_type: str
    root: str


_OOXML = "application/vnd.openxmlformats-officedocument."
OFFICE_KINDS = {
    "docx": OfficeKind(
        mime=_OOXML + "wordprocessingml.document",
        main_part="word/document.xml",
        main_content_type=_OOXML + "wordprocessingml.document.main+xml",
        root="word",
    ),
    "xlsx": OfficeKind(
        mime=_OOXML + "spreadsheetml.sheet",
        main_part="xl/workbook.xml",
        main_content_type=_OOXML + "spreadsheetml.sheet.main+xml",
        root="xl",
    ),
    "pptx": OfficeKind(
        mime=_OOXML + "presentationml.presentation",
        main_part="ppt/presentation.xml",
        main_content_type=_OOXML + "presentationml.presentation.main+xml",
        root="ppt",
    ),
}
OFFICE_MAIN_PART = {extension: kind.main_part for extension, kind in OFFICE_KINDS.items()}
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    **{kind.mime: extension for extension, kind in OFFICE_KINDS.items()},
}
OFFICE_MAX_EXPANDED = 100 * 1024 * 1024
OFFICE_MAX_ENTRIES = 5000
OFFICE_MAX_NESTING = 2  # the upload is level 0; a chart's workbook is level 1
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# Leading bytes of archives and programs that have no place inside an Office document.
FORBIDDEN_MAGIC = (
    b"PK\x03\x04",  # ZIP, and Office files embedded as ZIPs (allowed only under embeddings/)
    b"PK\x05\x06",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\x1f\x8b",  # gzip (allowed only as .emz/.wmz under media/)
    b"BZh",
    b"\xfd7zXZ",
    b"MSCF",  # cabinet
    b"MZ",  # Windows programs
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"#!",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: old Office files, packaged objects, macros
)
FORBIDDEN_SUFFIXES = (
    ".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".jar", ".apk",
    ".exe", ".dll", ".com", ".bat", ".cmd", ".scr", ".msi", ".ps1", ".vbs", ".js", ".sh",
    ".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm", ".emz", ".wmz",
)  # fmt: skip
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata")
COMPRESSED_PICTURES = (".emz", ".wmz")


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
    office_allowed = {ext for ext in allowed.values() if ext in OFFICE_KINDS}
    if head.startswith(ZIP_MAGIC) and office_allowed:
        extension = check_office_archive(uploaded, _name_extension(uploaded))
        if extension not in office_allowed:
            raise _refuse_type()
        return CheckedUpload(
            content_type=OFFICE_KINDS[extension].mime, extension=extension, size=size
        )
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed or allowed[kind.mime] in OFFICE_KINDS:
        raise _refuse_type()
    return CheckedUpload(content_type=kind.mime, extension=allowed[kind.mime], size=size)


def _refuse_type():
    return ValidationError(
        _("このファイルの種類は登録できません（PDF、PNG、JPEG、Office文書のみ）。")
    )


def _refuse_office():
    return ValidationError(
        _(
            "このOffice文書は登録できません。圧縮ファイル、実行ファイル、マクロを含まない"
            "Word・Excel・PowerPoint の文書（docx、xlsx、pptx）をお送りください。"
        )
    )


def _refuse_extension(found: str):
    return ValidationError(
        _(
            "ファイル名の拡張子が中身と合いません（中身は {found} です）。"
            "拡張子を直すか、元の文書をお送りください。"
        ).format(found=found)
    )


def _name_extension(uploaded) -> str:
    name = (getattr(uploaded, "name", "") or "").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return True
    parts = name.split("/")
    return ".." in parts or posixpath.normpath(name).startswith("..")


class _Budget:
    """Entries and unpacked bytes, shared by a document and the documents embedded in it."""

    def __init__(self):
        self.entries = 0
        self.expanded = 0

    def count_entries(self, count: int) -> None:
        self.entries += count
        if self.entries > OFFICE_MAX_ENTRIES:
            raise _refuse_office()

    def count_bytes(self, count: int) -> None:
        self.expanded += count
        if self.expanded > OFFICE_MAX_EXPANDED:
            raise _refuse_office()


def check_office_archive(uploaded, extension: str) -> str:
    """Return the Office kind ("docx", "xlsx", "pptx") read from the archive's parts.

    Raise ValidationError unless it is a plain Office document whose kind is ``extension``.
    """
    try:
        uploaded.seek(0)
        found = _inspect_office(uploaded, budget=_Budget(), depth=0)
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        zlib.error,
    ) as exc:
        raise _refuse_office() from exc
    finally:
        uploaded.seek(0)
    if found != extension:
        raise _refuse_extension(found)
    return found


def _inspect_office(fileobj, *, budget: _Budget, depth: int) -> str:
    with zipfile.ZipFile(fileobj) as archive:
        entries = archive.infolist()
        budget.count_entries(len(entries))
        names = [entry.filename for entry in entries]
        if len({name.lower() for name in names}) != len(names):
            raise _refuse_office()  # two entries of one name: readers may pick either
        for entry in entries:
            if _unsafe_name(entry.filename) or entry.flag_bits & 0x1:  # 0x1: encrypted
                raise _refuse_office()
        if "[Content_Types].xml" not in names and depth == 0:
            raise _refuse_type()  # a plain ZIP, not an Office document
        found = _office_kind(archive, set(names), budget)
        root = OFFICE_KINDS[found].root
        for entry in entries:
            if entry.is_dir():
                continue
            lowered = entry.filename.lower()
            if lowered.endswith(MACRO_PARTS):
                raise _refuse_office()
            folder, _slash, base = lowered.rpartition("/")
            if folder == f"{root}/embeddings" and base.endswith(
                tuple(f".{k}" for k in OFFICE_KINDS)
            ):
                _inspect_embedded(archive, entry, base.rsplit(".", 1)[-1], budget, depth)
            elif folder == f"{root}/media" and base.endswith(COMPRESSED_PICTURES):
                _inspect_compressed_picture(archive, entry, base, budget)
            elif lowered.endswith(FORBIDDEN_SUFFIXES):
                raise _refuse_office()
            else:
                with archive.open(entry) as member:
                    _count_plain(member, budget)
    return found


def _count_plain(member, budget: _Budget) -> None:
    # Sizes in the directory can lie: count what decompression really yields.
    head = member.read(8)
    if head.startswith(FORBIDDEN_MAGIC):
        raise _refuse_office()
    budget.count_bytes(len(head))
    while chunk := member.read(1024 * 1024):
        budget.count_bytes(len(chunk))


def _office_kind(archive, names: set[str], budget: _Budget) -> str:
    """The one Office kind whose main part is present with that kind's content type."""
    if "[Content_Types].xml" not in names:
        raise _refuse_office()
    with archive.open("[Content_Types].xml") as member:
        data = member.read(CONTENT_TYPES_MAX_BYTES + 1)
    if len(data) > CONTENT_TYPES_MAX_BYTES:
        raise _refuse_office()
    budget.count_bytes(len(data))
    defaults, overrides = _read_content_types(data)
    declared = [*defaults.values(), *overrides.values()]
    if any(marker in value.lower() for value in declared for marker in MACRO_CONTENT_TYPES):
        raise _refuse_office()
    found = [
        extension
        for extension, kind in OFFICE_KINDS.items()
        if kind.main_part in names
        and overrides.get(f"/{kind.main_part}".lower(), defaults.get("xml"))
        == kind.main_content_type
    ]
    if len(found) != 1:
        raise _refuse_office()
    return found[0]


def _read_content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """Defaults by extension and overrides by part name, both lower-cased; no DTD allowed."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def refuse_dtd(*args):
        raise _refuse_office()  # entity expansion has no place in [Content_Types].xml

    def element(name, attributes):
        tag = name.rsplit(" ", 1)[-1]
        content_type = attributes.get("ContentType", "").strip()
        if tag == "Default":
            defaults[attributes.get("Extension", "").lower()] = content_type
        elif tag == "Override":
            overrides[attributes.get("PartName", "").lower()] = content_type

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = element
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise _refuse_office() from exc
    return defaults, overrides


def _inspect_embedded(archive, entry, extension: str, budget: _Budget, depth: int) -> None:
    """An Office document inside: the same rules, one level deeper, the same budget."""
    if depth + 1 > OFFICE_MAX_NESTING:
        raise _refuse_office()
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
        with archive.open(entry) as member:
            if not member.read(4) == ZIP_MAGIC:
                raise _refuse_office()
            copy.write(ZIP_MAGIC)
            budget.count_bytes(len(ZIP_MAGIC))
            while chunk := member.read(1024 * 1024):
                budget.count_bytes(len(chunk))
                copy.write(chunk)
        copy.seek(0)
        if _inspect_office(copy, budget=budget, depth=depth + 1) != extension:
            raise _refuse_office()


def _inspect_compressed_picture(archive, entry, base: str, budget: _Budget) -> None:
    """An .emz/.wmz: gzip around one EMF/WMF picture; its unpacked size counts."""
    budget.count_bytes(entry.file_size)
    with archive.open(entry) as member:
        if member.read(2) != b"\x1f\x8b":
            raise _refuse_office()
    with archive.open(entry) as member, gzip.GzipFile(fileobj=member) as picture:
        head = picture.read(44)
        if base.endswith(".emz"):
            is_picture = head[:4] == b"\x01\x00\x00\x00" and head[40:44] == b" EMF"
        else:  # placeable WMF, or a plain WMF header (memory or disk, header of 9 words)
            is_picture = head.startswith(
                (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")
            )
        if not is_picture:
            raise _refuse_office()
        budget.count_bytes(len(head))
        while chunk := picture.read(1024 * 1024):
            budget.count_bytes(len(chunk))

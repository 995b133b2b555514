"""Uploaded files: size limit and a type read from the content, not from the name."""

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
    "application/zip": "zip",
}


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
    return CheckedUpload(content_type=kind.mime, extension=allowed[kind.mime], size=size)

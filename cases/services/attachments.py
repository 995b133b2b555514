"""Files attached to a case, by staff or by an assignee."""

import secrets

from django.contrib.auth.models import User
from django.db import transaction

from common.uploads import check_upload

from ..models import (
    Assignment,
    Attachment,
    Case,
)
from .lifecycle import case_event_record
from .referral import _locked_assignment


def assignment_attachment_add(*, assignment: Assignment, uploaded, by: User | None):
    """A file from the assignee: only while they work on the case (accepted, case open)."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment, states={Assignment.State.ACCEPTED})
        return attachment_add(case=assignment.case, assignment=assignment, uploaded=uploaded, by=by)


def attachment_add(*, case: Case, uploaded, by: User | None, assignment: Assignment | None = None):
    """Store a checked file privately on the case."""
    checked = check_upload(uploaded)
    original = uploaded.name.rsplit("/", 1)[-1][:200]
    stem = original.rsplit(".", 1)[0] if "." in original else original
    with transaction.atomic():
        attachment = Attachment(
            case=case,
            assignment=assignment,
            original_name=f"{stem}.{checked.extension}",
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        attachment.file.save(f"{secrets.token_hex(8)}.{checked.extension}", uploaded, save=False)
        attachment.save()
        case_event_record(case=case, action="attachment", by=by, comment=attachment.original_name)
    return attachment

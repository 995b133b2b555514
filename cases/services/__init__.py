"""Every write to cases goes through here (public form, staff admin, partner portal, import).

One module per area; this package re-exports their public names, so callers keep writing
`from cases.services import case_submit`.
"""

from ..selectors import assignment_refusal  # a read; re-exported for older callers
from .attachments import assignment_attachment_add, attachment_add
from .consent import (
    CONSENT_LINK_MAX_AGE,
    CONSENT_LINK_SALT,
    ConsentLink,
    consent_give_by_link,
    consent_link_case,
    consent_link_superseded,
    consent_link_superseded_message,
    consent_link_token,
    consent_record,
    consent_request_send,
)
from .intake import case_submit, organisation_create
from .lifecycle import (
    TRANSITIONS,
    case_allowed_transitions,
    case_close,
    case_contact_record,
    case_create,
    case_event_record,
    case_first_response_due,
    case_first_response_record,
    case_next_reference,
    case_note_add,
    case_transition,
    case_update,
)
from .mails import assignee_mail
from .referral import (
    assignment_accept,
    assignment_decline,
    assignment_escalate,
    assignment_import,
    assignment_note_add,
    assignment_remind,
    assignment_resolve,
    case_assign,
)
from .surveys import case_survey_answer

__all__ = [
    "CONSENT_LINK_MAX_AGE",
    "CONSENT_LINK_SALT",
    "TRANSITIONS",
    "ConsentLink",
    "assignee_mail",
    "assignment_accept",
    "assignment_attachment_add",
    "assignment_decline",
    "assignment_escalate",
    "assignment_import",
    "assignment_note_add",
    "assignment_refusal",
    "assignment_remind",
    "assignment_resolve",
    "attachment_add",
    "case_allowed_transitions",
    "case_assign",
    "case_close",
    "case_contact_record",
    "case_create",
    "case_event_record",
    "case_first_response_due",
    "case_first_response_record",
    "case_next_reference",
    "case_note_add",
    "case_submit",
    "case_survey_answer",
    "case_transition",
    "case_update",
    "consent_give_by_link",
    "consent_link_case",
    "consent_link_superseded",
    "consent_link_superseded_message",
    "consent_link_token",
    "consent_record",
    "consent_request_send",
    "organisation_create",
]

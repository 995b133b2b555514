"""The outbox: the only way the product sends mail.

Services call `outbox_add` inside their transaction; the message is sent by a task after the
transaction commits, so a rolled-back change sends nothing and a committed one is never lost.
"""

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation

from .models import OutboxMessage
from .text import canonical_email


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
        }


def outbox_add(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    language: str = "ja",
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    related: models.Model | None = None,
    related_label: str = "",
) -> OutboxMessage:
    """Queue a mail; it is sent once the surrounding transaction commits.

    The recipient is stored in its canonical form (what the mail server is handed), so the
    bounce list and the per-address limits see one address however it was typed.
    """
    from django.contrib.contenttypes.models import ContentType

    message = OutboxMessage(
        to_email=canonical_email(to),
        template=template,
        context=context or {},
        language=language if language in {"ja", "en"} else "ja",
        attachments=[a.as_json() for a in attachments],
        related_label=related_label or (str(related) if related is not None else ""),
        # Its own task (queued on commit) sends it; the safety net (outbox_dispatch_due) looks
        # at it only after a lease's time, so a burst of new mail is not queued twice.
        next_attempt_at=timezone.now()
        + dt.timedelta(seconds=settings.DXCENTER_OUTBOX_LEASE_SECONDS),
    )
    if related is not None:
        message.related_type = ContentType.objects.get_for_model(related)
        message.related_id = str(related.pk)
    message.full_clean()
    message.save()
    from .tasks import send_outbox_message

    transaction.on_commit(lambda: send_outbox_message.enqueue(message.pk, 0))
    return message


def center_settings():
    """The default site's center settings, or unsaved defaults before a site exists."""
    from wagtail.models import Site

    from .models import CenterSettings

    site = Site.objects.filter(is_default_site=True).first()
    return CenterSettings.for_site(site) if site else CenterSettings()


# Every mail type the product sends is declared by the app that owns it, in its AppConfig.ready:
# `register_mail_types`, or one of the builders and guards below (which declare their type). A
# message of a type nobody declared is refused when it is to be sent (never sent without the
# guard, headers or attachments its app meant for it), and `manage.py check` fails on a mail
# template folder no app declared, or a declared type without templates (common/checks.py).
_MAIL_TYPES: set[str] = set()


def register_mail_types(*templates: str) -> None:
    """Declare mail types sent as rendered, with no builder, guard or extra headers."""
    _MAIL_TYPES.update(templates)


def mail_types() -> list[str]:
    return sorted(_MAIL_TYPES)


# Mail that carries a secret (a password-reset link): the stored row holds only ids, and the
# secret is made by the registered builder when the message is sent, never stored, never shown
# in the admin, never disclosed. Such mail is "authentication mail" and stays out of disclosures.
_SECRET_BUILDERS: dict[str, Callable[[dict], dict]] = {}


def register_secret_builder(template: str, builder: Callable[[dict], dict]) -> None:
    """`builder(stored_context)` returns the extra context (the secret) for one sending."""
    _MAIL_TYPES.add(template)
    _SECRET_BUILDERS[template] = builder


def authentication_templates() -> list[str]:
    """The mail types that carry a secret; they are never disclosed."""
    return sorted(_SECRET_BUILDERS)


def render_message(
    message: OutboxMessage, *, for_sending: bool = False
) -> tuple[str, str, str | None]:
    """Render subject, plain-text body and (where a template exists) HTML body.

    Only the sending task passes ``for_sending``: then, and only then, a mail that carries a
    secret gets it (``register_secret_builder``).
    """
    base = f"mail/{message.template}"
    lang = message.language
    with translation.override(lang):
        center = center_settings()
        context = {
            **message.context,
            "language": lang,
            "signature": center.signature(lang),
            "center": center,
        }
        builder = _SECRET_BUILDERS.get(message.template)
        if builder is not None and for_sending:
            context.update(builder(message.context))
        # Each message type has a file per language (body.ja.txt, body.en.txt), or one file
        # that translates itself with gettext (body.txt).
        subject = " ".join(
            render_text([f"{base}/subject.{lang}.txt", f"{base}/subject.txt"], context).split()
        )
        body = render_text([f"{base}/body.{lang}.txt", f"{base}/body.txt"], context)
        try:
            html = render_to_string([f"{base}/body.{lang}.html", f"{base}/body.html"], context)
        except TemplateDoesNotExist:
            html = None
    return subject, body, html


def render_text(template_names: list[str], context: dict) -> str:
    """Render a plain-text template without HTML escaping (`O'Brien` stays `O'Brien`)."""
    template = select_template(template_names)
    return template.template.render(Context(context, autoescape=False))


# Attachments that are costly to build (calendar files, QR codes) are made when the message
# is sent, not inside the request that queues it: a builder per message type, registered by
# the app that owns it, receives the message context.
_ATTACHMENT_BUILDERS: dict[str, Callable[[dict], list[Attachment]]] = {}


def register_attachment_builder(template: str, builder: Callable[[dict], list[Attachment]]):
    _MAIL_TYPES.add(template)
    _ATTACHMENT_BUILDERS[template] = builder


def attachment_payloads(message: OutboxMessage) -> list[tuple[str, bytes, str]]:
    payloads = [
        (a["filename"], base64.b64decode(a["content_b64"]), a["mimetype"])
        for a in message.attachments
    ]
    builder = _ATTACHMENT_BUILDERS.get(message.template)
    if builder is not None:
        payloads += [(a.filename, a.content, a.mimetype) for a in builder(message.context)]
    return payloads


# Mail that may be withdrawn between queueing and sending (outreach to someone who has since
# unsubscribed): a guard per message type, registered by the app that owns it, is asked at send
# time and returns the reason not to send ("" to send).
_SEND_GUARDS: dict[str, Callable[[dict], str]] = {}


def register_send_guard(template: str, guard: Callable[[dict], str]) -> None:
    _MAIL_TYPES.add(template)
    _SEND_GUARDS[template] = guard


def send_refusal(message: OutboxMessage) -> str:
    """Why this message must not go out now ("" when it may). A type no app declared is
    refused: it would go out without the guard, headers or attachments meant for it."""
    if message.template not in _MAIL_TYPES:
        return f"unknown mail type {message.template!r}: no app registered it"
    guard = _SEND_GUARDS.get(message.template)
    return guard(message.context) if guard is not None else ""


# Extra headers for a message type (List-Unsubscribe on outreach), built at send time.
_HEADER_BUILDERS: dict[str, Callable[[dict], dict[str, str]]] = {}


def register_header_builder(template: str, builder: Callable[[dict], dict[str, str]]) -> None:
    _MAIL_TYPES.add(template)
    _HEADER_BUILDERS[template] = builder


def message_headers(message: OutboxMessage) -> dict[str, str]:
    builder = _HEADER_BUILDERS.get(message.template)
    return builder(message.context) if builder is not None else {}

"""Review: the application log names messages and users by id and masks addresses; it is
kept by the host beyond the retention rules, so no e-mail address is written there."""

import logging
import re
import smtplib

import pytest

from django.core.mail import EmailMultiAlternatives

from common.mail import outbox_add
from common.models import BouncedAddress, OutboxMessage
from common.redact import mask_email, redact_emails
from common.services import bounce_clear
from common.tasks import BOUNCE_HOLD
from common.tests.factories import CASE_RECEIVED_CONTEXT as CONTEXT

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def unmasked_addresses(text: str) -> list[str]:
    return [found for found in ADDRESS.findall(text) if "***@" not in found]


def test_addresses_are_masked_and_other_text_is_kept():
    assert mask_email("Taro.Yamada@example.jp") == "T***@example.jp"
    assert mask_email("not an address") == "***"
    text = "{'taro@example.jp': (550, b'5.1.1 <hanako+dx@mail.example.co.jp> unknown')}"
    assert redact_emails(text) == (
        "{'t***@example.jp': (550, b'5.1.1 <h***@mail.example.co.jp> unknown')}"
    )


@pytest.mark.django_db
def test_clearing_a_bounce_logs_the_messages_and_the_user_not_the_address(caplog):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user(
        username="staff.suzuki@dx-center.example.jp", email="staff.suzuki@dx-center.example.jp"
    )
    BouncedAddress.objects.create(email="gone@example.jp")
    held = OutboxMessage.objects.create(
        to_email="gone@example.jp",
        template="case_received",
        state=OutboxMessage.State.FAILED,
        last_error=BOUNCE_HOLD,
    )
    with caplog.at_level(logging.INFO, logger="common.services"):
        assert bounce_clear(email="Gone@Example.jp", by=staff) == 1
    assert unmasked_addresses(caplog.text) == []
    assert "g***@example.jp" in caplog.text
    assert f"user {staff.pk}" in caplog.text
    assert f"[{held.pk}]" in caplog.text


@pytest.mark.django_db
def test_a_refused_recipient_is_not_written_to_the_log(
    caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused(
            {"taro@example.jp": (550, b"5.1.1 <taro@example.jp>: Recipient address rejected")}
        )

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with (
        caplog.at_level(logging.WARNING, logger="common.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_add(to="taro@example.jp", template="case_received", context=CONTEXT)
    message = OutboxMessage.objects.get()
    assert message.attempts == 1
    assert f"mail {message.pk} attempt 1 failed" in caplog.text
    assert "t***@example.jp" in caplog.text  # the reason stays readable
    assert unmasked_addresses(caplog.text) == []

"""The registries apps plug into refuse what they do not know, at start-up and at run time.

A segment key nobody filtered on was ignored: a campaign for "attended a seminar this year" went
to every subscriber whenever the events app had not registered its filter in that process. A
mail type no app registered went out as rendered, without the guard, headers or attachments its
app meant for it (events' calendar files were registered only because another module happened
to import events.services). Now `manage.py check` names the key, the template or the hook, and
at run time such a segment raises and such a mail is withdrawn.
"""

import subprocess
import sys

import pytest

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from common import mail as outbox
from common.models import OutboxMessage
from common.tests.factories import CASE_RECEIVED_CONTEXT
from crm import segments
from crm.outreach import campaign_create, campaign_send
from crm.outreach_models import Campaign, CampaignMessage
from crm.segments import UnknownSegmentKey, segment_recipients
from crm.tests.helpers import person, subscribed


def test_every_segment_key_of_the_campaign_form_has_its_filter_at_start_up():
    call_command("check")
    assert set(segments.SEGMENT_KEYS) - set(segments.OWN_KEYS) <= set(
        segments.registered_segment_keys()
    )


def test_a_filter_registered_under_a_wrong_key_fails_manage_py_check_naming_it(monkeypatch):
    seminar_filter = segments._FILTERS["seminar_from"]
    monkeypatch.delitem(segments._FILTERS, "seminar_from")
    monkeypatch.setitem(segments._FILTERS, "seminar_frm", seminar_filter)
    with pytest.raises(SystemCheckError) as failure:
        call_command("check")
    assert "'seminar_frm'" in str(failure.value)  # registered under a key the form lacks
    assert "'seminar_from'" in str(failure.value)  # the form's key left without a filter
    assert "crm.E001" in str(failure.value) and "crm.E002" in str(failure.value)


@pytest.mark.django_db
def test_a_campaign_whose_filter_is_missing_goes_to_nobody_not_to_everyone(monkeypatch):
    for address in ("a@example.jp", "b@example.jp"):
        subscribed(person(address))
    campaign = campaign_create(
        by=None,
        title="今年度のセミナー参加者へ",
        segment={"seminar_from": "2026-04-01"},
        subject_ja="ご参加ありがとうございました",
        body_ja="本文",
    )
    monkeypatch.delitem(segments._FILTERS, "seminar_from")
    monkeypatch.delitem(segments._FILTERS, "seminar_to")

    with pytest.raises(UnknownSegmentKey, match="seminar_from"):
        segment_recipients({"seminar_from": "2026-04-01"})
    with pytest.raises(UnknownSegmentKey):
        campaign_send(campaign=campaign, by=None)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT
    assert not CampaignMessage.objects.exists()


def test_every_mail_template_is_registered_by_its_app():
    call_command("check")
    assert "seminar_confirmed" in outbox.mail_types()
    assert "seminar_confirmed" in outbox._ATTACHMENT_BUILDERS


def test_a_mail_template_no_app_registered_fails_manage_py_check_naming_it(monkeypatch):
    monkeypatch.setattr(outbox, "_MAIL_TYPES", outbox._MAIL_TYPES - {"seminar_thanks"})
    with pytest.raises(SystemCheckError, match="'seminar_thanks'") as failure:
        call_command("check")
    assert "common.E001" in str(failure.value)


@pytest.mark.not_clock
def test_a_fresh_process_registers_every_mail_and_segment_filter_at_start_up():
    """Only Django's start-up (AppConfig.ready), no other import: `manage.py check` passes and
    the events' calendar attachments are registered."""
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('check');"
        "from common.mail import _ATTACHMENT_BUILDERS as b;"
        "assert 'seminar_confirmed' in b and 'session_booked' in b, sorted(b)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_a_message_of_a_type_no_app_registered_is_refused_not_sent(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(outbox, "_MAIL_TYPES", outbox._MAIL_TYPES - {"case_received"})
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_add(
            to="taro@example.jp", template="case_received", context=CASE_RECEIVED_CONTEXT
        )
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.FAILED
    assert "unknown mail type 'case_received'" in message.last_error
    assert mail.outbox == []

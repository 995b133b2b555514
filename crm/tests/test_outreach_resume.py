"""Issue 27 (work that resumes): a campaign whose first batch failed on a database lock does not
stay 「送信中」 forever; the next scheduler tick finishes it, mailing each recipient once."""

import pytest

from django.core import mail
from django.core.management import call_command
from django.db import OperationalError

from common.models import OutboxMessage
from crm import outreach
from crm.outreach import campaign_create, campaign_send
from crm.outreach_models import CampaignMessage

from .helpers import person, subscribed

pytestmark = pytest.mark.django_db


def _campaign():
    return campaign_create(
        by=None,
        title="AIセミナーのご案内",
        segment={},
        subject_ja="AI活用セミナーのご案内",
        body_ja="次回のセミナーのご案内です。",
    )


def _lock_after(monkeypatch, handed_over: int):
    """The outbox write fails with "database is locked" after `handed_over` messages."""
    real = outreach.outbox_add_campaign
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > handed_over:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(outreach, "outbox_add_campaign", flaky)
    return lambda: monkeypatch.setattr(outreach, "outbox_add_campaign", real)


@pytest.mark.parametrize("handed_over", [0, 2])
def test_a_campaign_whose_first_batch_failed_completes_on_the_next_tick(
    monkeypatch, django_capture_on_commit_callbacks, handed_over
):
    monkeypatch.setattr(outreach, "BATCH_SIZE", 3)
    for n in range(5):
        subscribed(person(f"p{n}@example.jp"))
    campaign = _campaign()
    heal = _lock_after(monkeypatch, handed_over)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, by=None)  # the worker's batch task fails
    campaign.refresh_from_db()
    assert campaign.state == "sending"
    assert OutboxMessage.objects.filter(template="campaign").count() == handed_over

    heal()  # the lock is gone
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduled", only=["campaign_sends_resume"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduled", only=["campaign_sends_resume", "outbox_dispatch_due"])

    campaign.refresh_from_db()
    assert campaign.state == "sent"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [f"p{n}@example.jp" for n in range(5)]  # each one, once
    assert not CampaignMessage.objects.filter(state="pending").exists()

"""Issue 18: a campaign to "attended a seminar this fiscal year, subscribed" reaches exactly
that set (attendance is a check-in; the person is matched by e-mail address)."""

import datetime as dt

import pytest
import time_machine

from django.utils import timezone

from common.dates import fiscal_year_of, fiscal_year_range
from common.models import OutboxMessage
from crm.outreach import campaign_create, campaign_send
from crm.segments import segment_preview
from crm.tests.helpers import person, subscribed
from events.models import Registration

from .factories import TOKYO, make_seminar

pytestmark = pytest.mark.django_db


def _registration(seminar, email, *, attended=True, status=Registration.Status.CONFIRMED):
    return Registration.objects.create(
        seminar=seminar,
        name="参加 者",
        email=email,
        mode=Registration.Mode.VENUE,
        status=status,
        checked_in_at=seminar.starts_at if attended else None,
    )


@time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=TOKYO), tick=False)
def test_attended_this_fiscal_year_and_subscribed_is_exactly_who_gets_the_campaign(
    django_capture_on_commit_callbacks,
):
    this_year = make_seminar(days=-30)  # October 2026: FY2026
    last_year = make_seminar(days=-300)  # January 2026: FY2025
    coming = make_seminar(days=10)
    reached = person("came@example.jp")
    also = person("Came.Too@example.jp")
    person("nosub@example.jp")
    only_last_year = person("old@example.jp")
    registered_absent = person("absent@example.jp")
    only_registered_coming = person("coming@example.jp")
    for p in (reached, also, only_last_year, registered_absent, only_registered_coming):
        subscribed(p)
    _registration(this_year, "came@example.jp")
    _registration(this_year, "came.too@example.jp")  # typed in another case
    _registration(this_year, "nosub@example.jp")
    _registration(last_year, "old@example.jp")
    _registration(this_year, "absent@example.jp", attended=False)
    _registration(coming, "coming@example.jp", attended=False)

    start, end = fiscal_year_range(fiscal_year_of(timezone.localdate()))
    segment = {"seminar_from": start.isoformat(), "seminar_to": end.isoformat()}
    preview = segment_preview(segment)
    assert preview["matching"] == 3  # with the one who is not subscribed
    assert preview["recipients"] == 2
    assert {p.email for p in preview["sample"]} == {"came@example.jp", "Came.Too@example.jp"}

    campaign = campaign_create(
        by=None, title="フォローアップ", segment=segment, subject_ja="続編のご案内", body_ja="本文"
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, by=None)
    sent_to = set(
        OutboxMessage.objects.filter(template="campaign").values_list("to_email", flat=True)
    )
    # The outbox sends to the canonical form of the address (issue 26).
    assert sent_to == {"came@example.jp", "came.too@example.jp"}

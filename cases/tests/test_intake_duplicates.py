"""Issue 15: the same consultation posted twice within a few minutes is one case; the person
sees the first reference number and gets one confirmation mail."""

import datetime as dt

import pytest
import time_machine

from django.utils import timezone

from cases.models import Case
from common.models import OutboxMessage
from common.site import home_page

from .test_intake import VALID


@pytest.fixture
def site(db, settings):
    settings.DXCENTER_RATE_LIMIT_ENABLED = False
    return home_page()


def _post(client, **changes):
    response = client.post("/consultation/", {**VALID, **changes})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_three_identical_posts_make_one_case_and_one_mail(client, site):
    pages = [_post(client) for _ in range(3)]
    case = Case.objects.get()
    assert all(case.reference in page for page in pages)
    assert OutboxMessage.objects.filter(template="case_received").count() == 1


def test_the_same_text_from_another_address_or_a_new_text_is_a_new_case(client, site):
    _post(client)
    _post(client, email="other@example.jp")
    _post(client, description="別の相談です。在庫管理をデジタル化したい。")
    assert Case.objects.count() == 3
    assert OutboxMessage.objects.filter(template="case_received").count() == 3


def test_the_address_is_compared_without_case_or_spaces(client, site):
    _post(client, email="hanako@example.jp")
    _post(client, email=" HANAKO@EXAMPLE.JP ", description=VALID["description"] + "  ")
    assert Case.objects.count() == 1


def test_the_same_post_after_the_window_is_a_new_case(client, site, settings):
    settings.DXCENTER_DUPLICATE_CONSULTATION_MINUTES = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _post(client)
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        _post(client)
        assert Case.objects.count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        _post(client)
    assert Case.objects.count() == 2

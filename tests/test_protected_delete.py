"""Deleting a record other records still use is refused with a message, never a server error."""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from cases.models import Assignment
from cases.tests.factories import make_case
from partners.models import Advisor, PartnerCompany

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.jp", "x")
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["advisor", "company"])
def test_an_expert_with_referrals_is_kept_and_the_staff_member_told_why(superuser_client, kind):
    if kind == "advisor":
        assignee, url_name = Advisor.objects.create(name="参照 中子"), "advisors:delete"
        Assignment.objects.create(case=make_case(), advisor=assignee)
    else:
        assignee, url_name = (
            PartnerCompany.objects.create(name="参照中株式会社"),
            "partner_companies:delete",
        )
        Assignment.objects.create(case=make_case(), company=assignee)

    response = superuser_client.post(reverse(url_name, args=[assignee.pk]))

    assert response.status_code == 302
    assert type(assignee).objects.filter(pk=assignee.pk).exists()
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("削除できません" in m and "紹介" in m for m in told), told


def test_an_expert_nobody_refers_to_is_deleted(superuser_client):
    advisor = Advisor.objects.create(name="未使用 太郎")
    response = superuser_client.post(reverse("advisors:delete", args=[advisor.pk]))
    assert response.status_code == 302
    assert not Advisor.objects.filter(pk=advisor.pk).exists()

"""Staff see which expert profiles are too thin to be suggested, and keep the vocabulary."""

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse

from partners.models import Advisor, ExpertiseArea, PartnerCompany, VocabularyEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.jp", "x")
    client.force_login(admin)
    return client


def test_the_expert_lists_say_which_profiles_cannot_be_matched(admin_client):
    area = ExpertiseArea.objects.create(name="クラウド会計", slug="t-cloud")
    full = Advisor.objects.create(name="十分 太郎", keywords="クラウド会計,インボイス制度")
    full.expertise.add(area)
    Advisor.objects.create(name="薄い 花子")
    PartnerCompany.objects.create(name="キーワードだけ株式会社", kind="it_vendor", keywords="EDI")
    advisors = admin_client.get(reverse("advisors:index")).content.decode()
    assert "不足：キーワードなし・専門分野なし" in advisors
    assert "十分" in advisors
    companies = admin_client.get(reverse("partner_companies:index")).content.decode()
    assert "不足：専門分野なし" in companies


def test_staff_add_a_vocabulary_entry_in_the_admin_and_its_history_is_kept(admin_client):
    response = admin_client.post(
        reverse("suggestion_vocabulary:add"),
        {
            "label": "電子カルテ",
            "requester_words": "カルテ、診療記録",
            "expert_words": "電子カルテ,医療DX",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = VocabularyEntry.objects.get(label="電子カルテ")
    assert entry.history.count() == 1
    assert VocabularyEntry.split(entry.requester_words) == ["カルテ", "診療記録"]


def test_the_default_vocabulary_is_there_after_migrating():
    labels = set(VocabularyEntry.objects.values_list("label", flat=True))
    assert {"勤務表・シフト", "標的型メール・不審なメール", "受発注・注文"} <= labels

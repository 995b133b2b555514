"""Issue 18: staff build a campaign in the admin, see the count, a sample and the preview in
both languages, then send it once."""

import pytest

from common.models import OutboxMessage, PurposeNotice
from common.notices import notice_in_use
from crm.outreach import campaign_create, campaign_send
from crm.outreach_models import Campaign, Subscription
from crm.signup import newsletter_signup

from .helpers import person, staff_user, subscribed

pytestmark = pytest.mark.django_db


def test_staff_build_preview_and_send_a_campaign_to_a_region(
    client, django_capture_on_commit_callbacks
):
    staff = staff_user()
    north = person("yokkaichi@example.jp", town="242021")  # 四日市市: 北勢
    subscribed(north)
    subscribed(person("tsu@example.jp", town="242012"))  # 津市: 中南勢
    client.force_login(staff)
    response = client.post(
        "/admin/outreach/campaigns/new/",
        {
            "title": "北勢の事業者へ",
            "subject_ja": "北勢地域のセミナー",
            "body_ja": "四日市でセミナーを開きます。",
            "subject_en": "Seminar in Hokusei",
            "body_en": "A seminar in Yokkaichi.",
            "region": "hokusei",
            "requester_type": "business",
            "subscribed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.segment == {
        "region": "hokusei",
        "requester_type": "business",
        "subscribed": True,
    }
    page = client.get(response["Location"]).content.decode()
    assert "送信先 1 人" in page and "yokkaichi@example.jp" in page and "tsu@example.jp" not in page
    assert "北勢地域のセミナー" in page and "Seminar in Hokusei" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/outreach/campaigns/{campaign.pk}/send/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/outreach/campaigns/{campaign.pk}/send/")  # a second click
    assert list(
        OutboxMessage.objects.filter(template="campaign").values_list("to_email", flat=True)
    ) == ["yokkaichi@example.jp"]
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.SENT


def test_staff_request_a_subscription_and_the_person_gets_the_confirmation_link(client):
    staff = staff_user()
    p = person("new@example.jp")
    client.force_login(staff)
    response = client.post("/admin/outreach/subscriptions/new/", {"person": p.pk, "language": "ja"})
    assert response.status_code == 302
    assert Subscription.objects.get(person=p).state == Subscription.State.PENDING
    assert OutboxMessage.objects.filter(template="newsletter_confirm", to_email=p.email).exists()


def test_the_person_page_shows_the_subscription_in_force_and_the_campaign_mail(
    client, django_capture_on_commit_callbacks
):
    p = person("reader@example.jp")
    subscribed(p)
    campaign = campaign_create(
        by=None, title="秋の案内", segment={}, subject_ja="秋のセミナー", body_ja="本文"
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, by=None)
    client.force_login(staff_user())
    page = client.get(f"/admin/crm/people/{p.pk}/").content.decode()
    assert "お知らせ配信（" in page and "購読中" in page
    assert "秋のセミナー" in page


def test_staff_see_which_purpose_notice_a_subscriber_consented_to(client):
    notice = PurposeNotice.current(PurposeNotice.Scope.NEWSLETTER)
    subscription = newsletter_signup(
        name="伊勢 花子", email="hanako@example.jp", language="ja", notice=notice
    )
    client.force_login(staff_user())
    page = client.get(f"/admin/outreach/subscriptions/inspect/{subscription.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "メールマガジン申込ページ" in html and str(notice) in html
    assert notice_in_use(notice)  # consented to: its text is evidence and stays as it is


@pytest.mark.parametrize("key", ["999999", "99999999999999999999", "-1", "abc", "1.5", "%E2%98%83"])
def test_every_campaign_and_subscription_page_answers_404_for_an_unknown_key(client, key):
    """An address typed by hand or an old bookmark is "not found", never a server error."""
    from django.urls import reverse

    client.force_login(staff_user())
    client.raise_request_exception = False
    walked = []
    for viewset in ("crm_campaigns", "crm_subscriptions"):
        for view in ("edit", "inspect", "delete", "history", "usage"):
            url = reverse(f"{viewset}:{view}", args=["0"]).replace("/0/", f"/{key}/")
            walked.append((url, client.get(url).status_code))
    walked.append(
        (
            f"/admin/outreach/campaigns/{key}/send/",
            client.post(f"/admin/outreach/campaigns/{key}/send/").status_code,
        )
    )
    assert len(walked) == 11
    assert [(url, status) for url, status in walked if status != 404] == []

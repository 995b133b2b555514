import re

import pytest

from django.core import mail, signing

from cases.models import Case, ConsentRecord
from cases.views import THANKS_SALT
from common.models import OutboxMessage
from common.site import home_page

from .factories import make_case

VALID = {
    "requester_type": "business",
    "organisation_name": "株式会社伊勢テスト",
    "industry": "小売業",
    "municipality": "242039",
    "family_name": "伊勢",
    "given_name": "花子",
    "family_name_kana": "いせ",
    "given_name_kana": "ﾊﾅｺ",
    "email": "Hanako@Example.jp",
    "phone": "０５９６－２３－１１１１",
    "category": "information",
    "subject": "経理のデジタル化",
    "description": "経理とバックオフィス業務のデジタル化を図りたい。",
    "acknowledge": "on",
    "referral_consent": "on",
}


@pytest.fixture
def site(db):
    return home_page()


def test_the_purpose_notice_comes_before_the_fields(client, site):
    html = client.get("/consultation/").content.decode()
    assert html.index("個人情報の取扱いについて") < html.index('name="requester_type"')
    assert "※必須" in html and "※任意" in html
    assert "placeholder" not in html


def test_a_valid_request_gets_a_reference_and_a_confirmation_mail(
    client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/consultation/", VALID)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    case = Case.objects.get()
    assert case.reference in thanks.content.decode()
    assert re.fullmatch(r"DX\d{4}-0001", case.reference)
    assert case.channel == "web" and case.status == "new"
    assert case.first_response_due > case.received_on
    contact = case.contact
    assert contact.family_name_kana == "イセ" and contact.given_name_kana == "ハナコ"
    assert contact.phone == "0596-23-1111"
    assert contact.email == "hanako@example.jp"
    consent = ConsentRecord.objects.get(case=case)
    assert consent.referral_consent is True
    assert consent.notice.version == "2021-04"
    message = OutboxMessage.objects.get(related_id=str(case.pk))
    assert message.template == "case_received" and message.state == "sent"
    assert case.reference in mail.outbox[0].subject


def test_errors_keep_what_was_typed_and_sit_next_to_the_field(client, site):
    data = {**VALID, "email": "not-an-email", "acknowledge": ""}
    response = client.post("/consultation/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="株式会社伊勢テスト"' in html
    assert "経理とバックオフィス業務のデジタル化を図りたい。" in html
    assert (
        'aria-describedby="id_email_error' in html
        or 'aria-describedby="id_email_helptext id_email_error"' in html
    )
    assert 'id="id_email_error"' in html
    assert "個人情報の取扱いへの同意が必要です。" in html
    assert Case.objects.count() == 0


def test_municipalities_must_name_their_municipality(client, site):
    response = client.post(
        "/consultation/", {**VALID, "requester_type": "municipality", "municipality": ""}
    )
    assert response.status_code == 400
    assert "県・市町の方は所在市町を選択してください。" in response.content.decode()


def test_referral_consent_is_optional_and_recorded_as_no(client, site):
    data = {**VALID}
    data.pop("referral_consent")
    assert client.post("/consultation/", data).status_code == 302
    assert ConsentRecord.objects.get().referral_consent is False


def test_the_honeypot_refuses_bots_and_keeps_nothing(client, site):
    response = client.post("/consultation/", {**VALID, "website_url": "http://spam.example"})
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_rate_limit_per_ip_and_address(client, site, settings):
    settings.DXCENTER_PUBLIC_POST_RATE_IP = "2/600"
    for _ in range(2):
        assert client.post("/consultation/", {**VALID, "email": ""}).status_code == 400
    response = client.post("/consultation/", VALID)
    assert response.status_code == 429
    assert "しばらく時間をおいてから" in response.content.decode()
    assert 'value="株式会社伊勢テスト"' in response.content.decode()
    assert Case.objects.count() == 0


def test_the_thanks_link_cannot_be_forged(client, site):
    """Someone else's reference, bare or signed for another purpose, shows nothing."""
    case = make_case()
    signed = signing.TimestampSigner(salt=THANKS_SALT).sign(case.reference)
    assert client.get(f"/consultation/?done={signed}").status_code == 200
    assert client.get(f"/consultation/?done={case.reference}").status_code == 404
    other_purpose = signing.TimestampSigner(salt="another.purpose").sign(case.reference)
    assert client.get(f"/consultation/?done={other_purpose}").status_code == 404


def test_english_form_under_en(client, site):
    response = client.get("/en/consultation/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()

"""Referral consent is a history: given later, withdrawn, asked for by mail."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core import mail

from cases.exceptions import ReferralNotConsented
from cases.models import Assignment, Case, ConsentRecord
from cases.services import assignment_decline, case_assign, case_transition, consent_record
from common.models import OutboxMessage, PurposeNotice
from common.site import home_page
from partners.models import Membership, PartnerCompany

from .factories import UserFactory, make_case, staff_user
from .test_intake import VALID

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def site(db):
    return home_page()


@pytest.fixture
def company(db):
    company = PartnerCompany.objects.create(name="株式会社受発注システム", kind="vendor")
    member = UserFactory(username="member", email="member@vendor.example.jp")
    Membership.objects.create(company=company, user=member)
    return company


@time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=TOKYO), tick=False)
def test_consent_by_phone_after_intake_allows_referral_and_a_withdrawal_ends_it(
    client, site, company, django_capture_on_commit_callbacks
):
    data = {**VALID}
    data.pop("referral_consent")
    assert client.post("/consultation/", data).status_code == 302
    case = Case.objects.get()
    staff = staff_user()
    case_transition(case=case, to_status="triage", by=staff)
    client.force_login(staff)

    # The assign page says why, and offers the consent record in place.
    page = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
    assert "受付時に、アドバイザー・パートナーへの提供に同意していません" in page
    assert f'action="/admin/cases/{case.pk}/consent/"' in page
    assert f'action="/admin/cases/{case.pk}/consent/request/"' in page

    response = client.post(
        f"/admin/cases/{case.pk}/consent/",
        {
            "decision": "given",
            "method": "phone",
            "given_at": "2026/11/27 11:30",
            "note": "伊勢様に電話で確認",
            "next": "assign",
        },
    )
    assert response.url == f"/admin/cases/{case.pk}/assign/"
    record = case.consent
    assert record.referral_consent and record.channel == "phone"
    assert record.recorded_by == staff and record.note == "伊勢様に電話で確認"
    assert record.given_at.astimezone(TOKYO) == dt.datetime(2026, 11, 27, 11, 30, tzinfo=TOKYO)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/cases/{case.pk}/assign/", {"assignee": f"company:{company.pk}"})
    assignment = Assignment.objects.get(case=case)
    assert assignment.state == "proposed"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/cases/{case.pk}/consent/",
            {
                "decision": "withdrawn",
                "method": "email",
                "given_at": "2026/11/27 11:55",
                "note": "メールで撤回の連絡",
            },
        )
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.state == Assignment.State.ENDED
    assert case.status == "triage"
    assert case.consent.withdrawal
    ended = [m for m in mail.outbox if "紹介は終了しました" in m.subject]
    assert [m.to for m in ended] == [["member@vendor.example.jp"]]

    # The assignee sees the end in the portal, without the requester's details.
    client.force_login(assignment.company.members.get().user)
    portal = client.get(f"/partner/assignments/{assignment.pk}/").content.decode()
    assert "同意を撤回したため、この紹介は終了しました" in portal
    assert VALID["family_name"] not in portal

    # No new referral, and the staff pages say why.
    with pytest.raises(ReferralNotConsented):
        case_assign(case=case, assignee=company, by=staff)
    client.force_login(staff)
    page = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
    assert "紹介への同意を撤回しました" in page
    history = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    history = history[history.index('id="consent-history"') :]
    assert history.index("同意なし") < history.index("伊勢様に電話で確認") < history.index("撤回")


def test_imported_cases_start_as_not_asked(client):
    staff = staff_user()
    case = make_case(status=Case.Status.TRIAGE)
    ConsentRecord.objects.filter(case=case).delete()
    client.force_login(staff)
    page = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
    assert "まだ紹介への同意を確認していません（未確認）" in page
    assert "未確認（記録なし）" in client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=TOKYO), tick=False)
def test_the_requester_consents_through_the_signed_link(
    client, site, company, django_capture_on_commit_callbacks
):
    data = {**VALID}
    data.pop("referral_consent")
    client.post("/consultation/", data)
    case = Case.objects.get()
    staff = staff_user()
    client.force_login(staff)
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO), tick=False):
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/admin/cases/{case.pk}/consent/request/")
        message = OutboxMessage.objects.get(template="consent_request")
        assert message.to_email == "hanako@example.jp"
        url = re.search(r"http://\S+/consent/case/\S+/", mail.outbox[-1].body).group(0)
        case.refresh_from_db()
        assert case.first_responded_on == dt.date(2026, 11, 24)  # a mail sent is a contact

    path = url.split("127.0.0.1:8000", 1)[-1]
    client.logout()
    notice = PurposeNotice.current(PurposeNotice.Scope.CONSULTATION)
    page = client.get(path).content.decode()
    assert notice.text_ja.splitlines()[0] in page and notice.version in page
    assert client.post(path, {}).status_code == 400  # the box must be ticked
    assert not case.consent.referral_consent
    with time_machine.travel(dt.datetime(2026, 11, 25, 8, 15, tzinfo=TOKYO), tick=False):
        assert client.post(path, {"referral_consent": "on"}).status_code == 302
    record = case.consent
    assert record.referral_consent and record.channel == "link"
    assert record.notice == notice and record.acknowledged_purpose
    assert record.given_at == dt.datetime(2026, 11, 25, 8, 15, tzinfo=TOKYO)
    assert "同意を受け付けました" in client.get(path).content.decode()

    # A forged or altered link is a 404.
    assert client.get(path[:-3] + "xx/").status_code == 404
    case_transition(case=case, to_status="triage", by=staff)
    assert case_assign(case=case, assignee=company, by=staff).state == "proposed"


def test_a_consent_link_expires_after_thirty_days(client, site):
    case = make_case(consent=False)
    staff = staff_user()
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, 0, tzinfo=TOKYO), tick=False):
        from cases.services import consent_link_token

        token = consent_link_token(case)
    with time_machine.travel(dt.datetime(2026, 5, 30, 10, 0, tzinfo=TOKYO), tick=False):
        assert client.get(f"/consent/case/{token}/").status_code == 200
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO), tick=False):
        assert client.get(f"/consent/case/{token}/").status_code == 404
    assert staff  # staff exist; the link needs no login


def test_withdrawal_without_earlier_consent_is_recorded_as_no(company):
    staff = staff_user()
    case = make_case(consent=False, status=Case.Status.TRIAGE)
    record = consent_record(case=case, by=staff, given=False, method="phone")
    assert not record.withdrawal and not record.referral_consent
    with pytest.raises(ReferralNotConsented):
        case_assign(case=case, assignee=company, by=staff)


def test_the_consent_page_and_the_mail_are_in_english_for_an_english_requester(
    client, site, django_capture_on_commit_callbacks
):
    from cases.services import consent_request_send

    case = make_case(consent=False, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        consent_request_send(case=case, by=staff_user())
    assert "May we refer your consultation" in mail.outbox[-1].subject
    path = re.search(r"/en/consent/case/\S+/", mail.outbox[-1].body).group(0)
    html = client.get(path).content.decode()
    assert "Consent to a referral to an expert" in html and "I agree" in html


def test_a_withdrawal_leaves_a_case_staff_handle_themselves_where_it_is(company):
    staff = staff_user()
    case = make_case(status=Case.Status.TRIAGE)
    # An earlier referral that was declined: nothing is current when consent is withdrawn.
    assignment = case_assign(case=case, assignee=company, by=staff)
    assignment_decline(assignment=assignment, by=staff, reason="対応できる担当者がいない")
    case_transition(case=case, to_status=Case.Status.IN_PROGRESS, by=staff)

    consent_record(case=case, by=staff, given=False, method="phone")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not case.events.filter(action="referral_ended").exists()
    assert not case.events.filter(to_status=Case.Status.TRIAGE, from_status="in_progress").exists()


def test_a_consent_link_no_longer_grants_once_a_later_decision_is_recorded(
    client, site, django_capture_on_commit_callbacks
):
    from cases.services import consent_request_send

    staff = staff_user()
    case = make_case(consent=False, status=Case.Status.TRIAGE)
    with django_capture_on_commit_callbacks(execute=True):
        consent_request_send(case=case, by=staff)
    path = re.search(r"/consent/case/\S+/", mail.outbox[-1].body).group(0)
    assert client.post(path, {"referral_consent": "on"}).status_code == 302
    assert case.consent.referral_consent

    # The requester then withdraws by phone; the old mail's link must not give consent back.
    consent_record(case=case, by=staff, given=False, method="phone", note="電話で撤回")
    page = client.get(path)
    assert page.status_code == 410
    assert "このリンクは使えなくなりました" in page.content.decode()
    assert client.post(path, {"referral_consent": "on"}).status_code == 410
    assert not case.consent.referral_consent and case.consent.withdrawal
    assert case.consents.count() == 3


def test_a_consent_link_sent_before_a_refusal_by_phone_is_refused_in_english(
    client, site, django_capture_on_commit_callbacks
):
    from cases.services import consent_request_send

    staff = staff_user()
    case = make_case(consent=False, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        consent_request_send(case=case, by=staff)
    path = re.search(r"/en/consent/case/\S+/", mail.outbox[-1].body).group(0)
    consent_record(case=case, by=staff, given=False, method="phone")
    response = client.post(path, {"referral_consent": "on"})
    assert response.status_code == 410
    assert "This link can no longer be used" in response.content.decode()
    assert case.consents.count() == 2 and not case.consent.referral_consent

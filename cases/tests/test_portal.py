import pytest

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Assignment, Attachment, CaseEvent, Note
from cases.services import (
    assignment_accept,
    attachment_add,
    case_assign,
    case_note_add,
    case_transition,
)
from common.models import PersonalDataAccess
from partners.models import Advisor, Membership, PartnerCompany

from .factories import UserFactory, make_case, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    staff = staff_user()
    company = PartnerCompany.objects.create(name="株式会社アサイン通信", kind="carrier")
    other_company = PartnerCompany.objects.create(name="株式会社ほか通信", kind="carrier")
    member = UserFactory(username="member", email="member@assigned.example.jp")
    Membership.objects.create(company=company, user=member)
    other_member = UserFactory(username="other", email="other@else.example.jp")
    Membership.objects.create(company=other_company, user=other_member)
    advisor_user = UserFactory(username="advisor", email="advisor@example.jp")
    advisor = Advisor.objects.create(name="担当 アドバイザー", user=advisor_user)
    other_advisor_user = UserFactory(username="advisor2", email="advisor2@example.jp")
    Advisor.objects.create(name="別の アドバイザー", user=other_advisor_user)

    case = make_case(subject="在庫管理の相談")
    case_transition(case=case, to_status="triage", by=staff)
    company_assignment = case_assign(case=case, assignee=company, by=staff)
    advisor_assignment = case_assign(case=case, assignee=advisor, by=staff)
    attachment = attachment_add(
        case=case,
        assignment=company_assignment,
        uploaded=SimpleUploadedFile("資料.pdf", PDF),
        by=staff,
    )
    return {
        "staff": staff,
        "member": member,
        "other_member": other_member,
        "advisor": advisor_user,
        "other_advisor": other_advisor_user,
        "case": case,
        "company_assignment": company_assignment,
        "advisor_assignment": advisor_assignment,
        "attachment": attachment,
    }


# The URLs of the company's assignment; the advisor's own is checked separately below.
URLS = [
    ("get", "/partner/"),
    ("get", "/partner/assignments/{a}/"),
    ("post", "/partner/assignments/{a}/accept/"),
    ("post", "/partner/assignments/{a}/decline/"),
    ("post", "/partner/assignments/{a}/notes/"),
    ("post", "/partner/assignments/{a}/resolve/"),
    ("post", "/partner/assignments/{a}/attachments/"),
    ("get", "/partner/assignments/{a}/attachments/{f}/"),
]
EXPECTED = {
    # role: status for each URL above, in order
    "anonymous": [302, 302, 302, 302, 302, 302, 302, 302],
    "other_member": [200, 404, 404, 404, 404, 404, 404, 404],
    "other_advisor": [200, 404, 404, 404, 404, 404, 404, 404],
    # The company's referral is only offered here: its files come with accepting (issue 15).
    "member": [200, 200, 302, 302, 302, 302, 302, 404],
    "advisor": [200, 404, 404, 404, 404, 404, 404, 404],
    "staff": [403, 404, 404, 404, 404, 404, 404, 404],
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("index", range(len(URLS)), ids=[u for _, u in URLS])
def test_portal_permission_matrix(client, world, role, index):
    method, template = URLS[index]
    url = template.format(a=world["company_assignment"].pk, f=world["attachment"].pk)
    if role != "anonymous":
        client.force_login(world[role])
    response = getattr(client, method)(url)
    assert response.status_code == EXPECTED[role][index], (role, url)
    if role == "anonymous":
        assert response["Location"].startswith("/partner/login/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("advisor", 200),
        ("other_advisor", 404),
        ("member", 404),
        ("other_member", 404),
        ("staff", 404),
    ],
)
def test_an_advisor_sees_only_their_own_assignment(client, world, role, status):
    client.force_login(world[role])
    url = f"/partner/assignments/{world['advisor_assignment'].pk}/"
    assert client.get(url).status_code == status


def test_the_list_shows_only_my_assignments(client, world):
    client.force_login(world["other_member"])
    assert "在庫管理の相談" not in client.get("/partner/").content.decode()
    client.force_login(world["member"])
    assert "在庫管理の相談" in client.get("/partner/").content.decode()


def test_internal_notes_never_reach_the_partner(client, world):
    case_note_add(
        case=world["case"], by=world["staff"], body="社内だけのメモ", visibility="internal"
    )
    case_note_add(case=world["case"], by=world["staff"], body="共有するメモ", visibility="shared")
    client.force_login(world["member"])
    html = client.get(f"/partner/assignments/{world['company_assignment'].pk}/").content.decode()
    assert "共有するメモ" in html and "社内だけのメモ" not in html


def test_contact_details_only_with_consent_and_the_view_is_logged(client, world):
    assignment_accept(assignment=world["company_assignment"], by=world["member"])
    client.force_login(world["member"])
    url = f"/partner/assignments/{world['company_assignment'].pk}/"
    assert world["case"].contact.email in client.get(url).content.decode()
    assert PersonalDataAccess.objects.filter(user=world["member"], context="partner_case").exists()

    consent = world["case"].consent
    consent.referral_consent = False
    consent.save()
    html = client.get(url).content.decode()
    assert world["case"].contact.email not in html
    assert "同意がないため" in html


def test_partner_accepts_notes_uploads_and_resolves_and_staff_see_each_step(
    client, world, django_capture_on_commit_callbacks
):
    assignment = world["company_assignment"]
    client.force_login(world["member"])
    base = f"/partner/assignments/{assignment.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}/accept/")
        client.post(f"{base}/notes/", {"body": "初回訪問を11/25に実施予定"})
        client.post(f"{base}/attachments/", {"file": SimpleUploadedFile("議事録.pdf", PDF)})
        uploaded = Attachment.objects.get(original_name="議事録.pdf")
        download = client.get(f"{base}/attachments/{uploaded.pk}/")
        assert download["Content-Disposition"].startswith("attachment")
        assert b"".join(download.streaming_content) == PDF
        client.post(f"{base}/resolve/", {"summary": "在庫管理アプリの導入を支援"})
    assignment.refresh_from_db()
    assert assignment.state == "done"
    assert Note.objects.filter(assignment=assignment, visibility="shared").count() == 1

    actions = list(
        CaseEvent.objects.filter(case=world["case"], actor=world["member"]).values_list(
            "action", flat=True
        )
    )
    assert actions == ["accepted", "transition", "partner_note", "attachment", "resolved"]
    staff_mail_subjects = [m.subject for m in mail.outbox if m.to == ["dx-center@example.jp"]]
    assert any("受諾" in s for s in staff_mail_subjects)
    assert any("対応完了" in s for s in staff_mail_subjects)

    client.force_login(world["staff"])
    timeline = client.get(f"/admin/cases/inspect/{world['case'].pk}/").content.decode()
    for text in ["紹介先が受諾", "紹介先が経過を記入", "紹介先が対応完了を報告"]:
        assert text in timeline


def test_a_decline_returns_the_case_to_triage_with_the_reason(client, world):
    assignment_accept(assignment=world["advisor_assignment"], by=world["advisor"])
    client.force_login(world["member"])
    response = client.post(
        f"/partner/assignments/{world['company_assignment'].pk}/decline/", {"reason": ""}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=world["company_assignment"].pk).state == "proposed"
    client.post(
        f"/partner/assignments/{world['company_assignment'].pk}/decline/",
        {"reason": "担当地域外のため"},
    )
    world["company_assignment"].refresh_from_db()
    assert world["company_assignment"].decline_reason == "担当地域外のため"
    # The advisor still works on it, so the case stays in progress.
    world["case"].refresh_from_db()
    assert world["case"].status == "in_progress"


def test_uploads_are_checked_from_their_content(client, world):
    assignment_accept(assignment=world["company_assignment"], by=world["member"])
    client.force_login(world["member"])
    fake = SimpleUploadedFile("report.pdf", b"<script>alert(1)</script>")
    response = client.post(
        f"/partner/assignments/{world['company_assignment'].pk}/attachments/",
        {"file": fake},
        follow=True,
    )
    assert "このファイルの種類は登録できません" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_anonymous_partner_url_redirects_to_the_portal_login(client, db):
    response = client.get("/partner/")
    assert response.status_code == 302
    assert response["Location"] == "/partner/login/?next=/partner/"


def test_login_by_email_and_lockout_after_five_failures(client, world):
    url = "/partner/login/"
    for _ in range(5):
        client.post(url, {"username": "member@assigned.example.jp", "password": "wrong"})
    response = client.post(
        url, {"username": "member@assigned.example.jp", "password": "pass-1234-word"}
    )
    assert response.status_code in (403, 429)
    assert "30分間" in response.content.decode()
    client.logout()


def test_login_by_email_works(client, world):
    response = client.post(
        "/partner/login/", {"username": "MEMBER@assigned.example.jp", "password": "pass-1234-word"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/partner/"


def test_password_reset_mail_goes_through_the_outbox(
    client, world, django_capture_on_commit_callbacks
):
    from common.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/partner/password-reset/", {"email": "member@assigned.example.jp"})
    message = OutboxMessage.objects.get(template="password_reset")
    assert message.to_email == "member@assigned.example.jp"
    assert "/partner/reset/" in mail.outbox[-1].body


def test_reminder_then_staff_alert(world, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from cases.tasks import assignment_reminders
    from common.scheduling import office_open

    later = timezone.now() + dt.timedelta(days=30)
    while not office_open(later):  # staff work goes out in office hours on business days
        later += dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_reminders(later) == 4  # 2 reminders + 2 staff alerts
        assert assignment_reminders(later) == 0  # idempotent
    subjects = [m.subject for m in mail.outbox]
    assert any("ご回答のお願い" in s for s in subjects)
    assert any("期限超過" in s for s in subjects)


def test_the_portal_is_in_english_under_en(client, world):
    html = client.get("/en/partner/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Partner portal" in html and "パートナーポータル" not in html
    # Japanese stays the default, unprefixed; the header's switch leads to the English page.
    html = client.get("/partner/login/").content.decode()
    assert '<html lang="ja">' in html and 'href="/en/partner/login/"' in html
    # After logging in under /en/, the portal stays in English.
    response = client.post(
        "/en/partner/login/",
        {"username": "member@assigned.example.jp", "password": "pass-1234-word"},
    )
    assert response["Location"] == "/en/partner/"
    assert "Referred consultations" in client.get("/en/partner/").content.decode()
    anonymous = client.__class__()
    assert anonymous.get("/en/partner/")["Location"] == "/en/partner/login/?next=/en/partner/"


def test_the_portals_forms_messages_and_states_are_in_english_under_en(client, world):
    response = client.post(
        "/en/partner/login/", {"username": "member@assigned.example.jp", "password": "wrong"}
    )
    assert "The e-mail address or password is incorrect." in response.content.decode()

    client.force_login(world["member"])
    base = f"/en/partner/assignments/{world['company_assignment'].pk}"
    html = client.get(f"{base}/").content.decode()
    assert "Requested" in html and "Reason for declining" in html and "Requester" in html
    response = client.post(f"{base}/accept/", follow=True)
    html = response.content.decode()
    assert "You have accepted; the center has been told." in html
    assert "Accepted" in html and "Progress note (shared with the center)" in html
    for japanese in ("受諾", "依頼中", "経過の記録", "相談者"):
        assert japanese not in html, japanese


# --- personal data only while the assignment is active ---


def _requester_data(case):
    """What identifies the requester or tells their story: none of it may outlive the referral."""
    contact = case.contact
    return [
        contact.full_name,
        contact.email,
        contact.phone,
        case.organisation.name,
        case.description,
    ]


def _assert_no_requester_data(html, case):
    for value in _requester_data(case):
        assert value not in html, value


def test_an_offer_shows_the_case_summary_but_contact_details_only_once_accepted(client, world):
    client.force_login(world["member"])
    url = f"/partner/assignments/{world['company_assignment'].pk}/"
    contact = world["case"].contact
    html = client.get(url).content.decode()
    assert world["case"].description in html  # what is needed to decide
    assert contact.email not in html and contact.phone not in html
    assert contact.full_name not in html
    assert "連絡先は、この紹介を受諾すると表示されます。" in html
    assert not PersonalDataAccess.objects.filter(user=world["member"]).exists()

    client.post(f"{url}accept/")
    html = client.get(url).content.decode()
    assert contact.email in html and contact.full_name in html
    assert PersonalDataAccess.objects.filter(user=world["member"], context="partner_case").exists()


def test_a_declined_assignee_keeps_a_short_record_without_personal_data(client, world):
    case_note_add(case=world["case"], by=world["staff"], body="共有するメモ", visibility="shared")
    assignment = world["company_assignment"]
    base = f"/partner/assignments/{assignment.pk}"
    client.force_login(world["member"])
    client.post(f"{base}/decline/", {"reason": "担当地域外のため"})

    response = client.get(f"{base}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "この紹介は辞退しました" in html and "担当地域外のため" in html
    _assert_no_requester_data(html, world["case"])
    assert "共有するメモ" not in html and "資料.pdf" not in html
    # The files and the list of the finished group show nothing more.
    assert client.get(f"{base}/attachments/{world['attachment'].pk}/").status_code == 404
    _assert_no_requester_data(client.get("/partner/").content.decode(), world["case"])


def test_a_declined_assignee_can_no_longer_add_notes_files_or_a_report(client, world):
    assignment = world["company_assignment"]
    base = f"/partner/assignments/{assignment.pk}"
    client.force_login(world["member"])
    client.post(f"{base}/decline/", {"reason": "担当地域外のため"})
    events_before = CaseEvent.objects.count()

    response = client.post(f"{base}/notes/", {"body": "辞退後のメモ"}, follow=True)
    assert "この紹介は「辞退」のため、この操作はできません。" in response.content.decode()
    response = client.post(
        f"{base}/attachments/", {"file": SimpleUploadedFile("後.pdf", PDF)}, follow=True
    )
    assert "この紹介は「辞退」のため、この操作はできません。" in response.content.decode()
    client.post(f"{base}/resolve/", {"summary": "辞退後の報告"})
    client.post(f"{base}/accept/")

    assert not Note.objects.filter(author=world["member"]).exists()
    assert Attachment.objects.count() == 1
    assignment.refresh_from_db()
    assert assignment.state == "declined" and assignment.summary == ""
    assert CaseEvent.objects.count() == events_before


def test_the_refusal_and_the_record_are_in_english_for_an_english_reader(client, world):
    base = f"/en/partner/assignments/{world['company_assignment'].pk}"
    client.force_login(world["member"])
    response = client.post(f"{base}/decline/", {"reason": "Outside our area"}, follow=True)
    assert "You have declined; the center has been told." in response.content.decode()
    response = client.post(f"{base}/notes/", {"body": "late"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{base}/"
    assert "This referral is “Declined”, so this cannot be done." in html
    assert "You declined this referral" in html and "Outside our area" in html
    assert "この紹介は" not in html and "辞退" not in html


@pytest.mark.parametrize(
    ("end", "label"),
    [
        ("withdrawn", "この相談は「取下げ」となり、紹介は終了しました"),
        ("closed", "この相談は「完了」となり、紹介は終了しました"),
    ],
)
def test_when_staff_withdraw_or_close_the_case_the_assignee_loses_the_personal_data(
    client, world, end, label
):
    from cases.services import case_close

    assignment = world["company_assignment"]
    base = f"/partner/assignments/{assignment.pk}"
    assignment_accept(assignment=assignment, by=world["member"])
    if end == "withdrawn":
        case_transition(
            case=world["case"], to_status="withdrawn", by=world["staff"], comment="取下げ"
        )
    else:
        case_close(
            case=world["case"], by=world["staff"], support_given="センターで回答", outcome="解決"
        )
    client.force_login(world["member"])

    html = client.get(f"{base}/").content.decode()
    assert label in html
    _assert_no_requester_data(html, world["case"])
    assert client.get(f"{base}/attachments/{world['attachment'].pk}/").status_code == 404
    response = client.post(f"{base}/notes/", {"body": "終了後のメモ"}, follow=True)
    assert "この操作はできません" in response.content.decode()
    assert not Note.objects.filter(author=world["member"]).exists()
    # The list no longer counts it as work in progress.
    home = client.get("/partner/").content.decode()
    in_progress = home.split("対応中（")[1].split("完了・辞退")[0]
    assert "在庫管理の相談" not in in_progress
    assert "在庫管理の相談" in home.split("完了・辞退")[1]


def test_an_offer_on_a_withdrawn_case_can_no_longer_be_accepted(client, world):
    case_transition(case=world["case"], to_status="withdrawn", by=world["staff"], comment="取下げ")
    client.force_login(world["member"])
    base = f"/partner/assignments/{world['company_assignment'].pk}"
    response = client.post(f"{base}/accept/", follow=True)
    assert "この相談は「取下げ」のため、この操作はできません。" in response.content.decode()
    world["company_assignment"].refresh_from_db()
    assert world["company_assignment"].state == "proposed"
    _assert_no_requester_data(response.content.decode(), world["case"])
    # The list no longer asks for an answer.
    home = client.get("/partner/").content.decode()
    assert "在庫管理の相談" in home.split("完了・辞退")[1]
    assert "在庫管理の相談" not in home.split("完了・辞退")[0]
    assert "回答期限" not in home


def test_after_reporting_the_support_the_assignee_sees_the_report_only(client, world):
    assignment = world["company_assignment"]
    base = f"/partner/assignments/{assignment.pk}"
    client.force_login(world["member"])
    client.post(f"{base}/accept/")
    client.post(f"{base}/resolve/", {"summary": "在庫管理アプリの導入を支援"})
    html = client.get(f"{base}/").content.decode()
    assert "報告した支援内容" in html and "在庫管理アプリの導入を支援" in html
    _assert_no_requester_data(html, world["case"])
    client.post(f"{base}/notes/", {"body": "報告後のメモ"})
    assert not Note.objects.filter(author=world["member"]).exists()


def test_no_reminder_for_an_offer_on_a_withdrawn_case(world, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from cases.tasks import assignment_reminders

    case_transition(case=world["case"], to_status="withdrawn", by=world["staff"], comment="取下げ")
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_reminders(timezone.now() + dt.timedelta(days=30)) == 0
    assert not [m for m in mail.outbox if "ご回答のお願い" in m.subject]


def test_an_assignee_never_sees_another_assignees_notes(client, world):
    company, advisor = world["company_assignment"], world["advisor_assignment"]
    assignment_accept(assignment=company, by=world["member"])
    assignment_accept(assignment=advisor, by=world["advisor"])
    case_note_add(case=world["case"], by=world["staff"], body="職員から全員へ", visibility="shared")
    client.force_login(world["advisor"])
    client.post(f"/partner/assignments/{advisor.pk}/notes/", {"body": "アドバイザーの経過"})
    client.force_login(world["member"])
    client.post(f"/partner/assignments/{company.pk}/notes/", {"body": "パートナーの経過"})
    # A partner's note whose assignment was deleted since: its author still tells whose it is.
    Note.objects.create(
        case=world["case"], author=world["other_member"], visibility="shared", body="他社の経過"
    )

    html = client.get(f"/partner/assignments/{company.pk}/").content.decode()
    assert "職員から全員へ" in html and "パートナーの経過" in html
    assert "アドバイザーの経過" not in html and "他社の経過" not in html

    client.force_login(world["advisor"])
    html = client.get(f"/partner/assignments/{advisor.pk}/").content.decode()
    assert "職員から全員へ" in html and "アドバイザーの経過" in html
    assert "パートナーの経過" not in html and "他社の経過" not in html

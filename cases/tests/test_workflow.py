import datetime as dt

import pytest

from django.core import mail
from django.utils import timezone

from cases.exceptions import InvalidTransition, ReferralNotConsented
from cases.models import Case, CaseEvent, CaseSurvey
from cases.services import case_assign, case_close, case_transition
from common.models import PersonalDataAccess
from partners.models import PartnerCompany

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db


def test_the_life_cycle_refuses_what_domain_does_not_allow():
    staff = staff_user()
    case = make_case()
    with pytest.raises(InvalidTransition, match="「受付」から「完了」には変更できません"):
        case_transition(case=case, to_status=Case.Status.CLOSED, by=staff)
    case = case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    assert case.first_responded_on is None  # a status is not a contact with the requester
    with pytest.raises(InvalidTransition, match="取下げの理由"):
        case_transition(case=case, to_status=Case.Status.WITHDRAWN, by=staff)
    case = case_transition(case=case, to_status=Case.Status.WITHDRAWN, by=staff, comment="自己解決")
    with pytest.raises(InvalidTransition):
        case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    steps = list(CaseEvent.objects.filter(case=case, action="transition"))
    assert [(e.from_status, e.to_status, e.actor) for e in steps] == [
        ("new", "triage", staff),
        ("triage", "withdrawn", staff),
    ]


def test_referral_is_refused_without_consent():
    staff = staff_user()
    case = make_case(consent=False)
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    company = PartnerCompany.objects.create(name="株式会社テスト通信", kind="carrier")
    with pytest.raises(ReferralNotConsented):
        case_assign(case=case, assignee=company, by=staff)
    assert case.assignments.count() == 0


def test_closing_sends_the_survey_and_the_answer_is_recorded(
    client, django_capture_on_commit_callbacks
):
    staff = staff_user()
    case = make_case()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        case_close(
            case=case, by=staff, support_given="クラウド会計の動向を紹介", outcome="導入検討"
        )
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on
    survey = CaseSurvey.objects.get(case=case)
    assert survey.token in mail.outbox[-1].body
    page = client.get(f"/survey/case/{survey.token}/")
    assert page.status_code == 200
    response = client.post(
        f"/survey/case/{survey.token}/",
        {"helpful": "1", "satisfaction": "5", "comment": "助かりました"},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.helpful is True and survey.satisfaction == 5
    assert (
        "ご回答ありがとうございました"
        in client.get(f"/survey/case/{survey.token}/").content.decode()
    )


def test_staff_find_triage_note_and_close_a_case_with_every_step_on_the_timeline(
    client, django_capture_on_commit_callbacks
):
    staff = staff_user()
    case = make_case(subject="シフト表の自動作成")
    client.force_login(staff)

    listing = client.get("/admin/cases/", {"q": case.reference})
    assert listing.status_code == 200
    assert "シフト表の自動作成" in listing.content.decode()

    page = client.get(f"/admin/cases/inspect/{case.pk}/")
    assert page.status_code == 200
    assert case.contact.email in page.content.decode()
    assert PersonalDataAccess.objects.filter(user=staff, subject_id=str(case.pk)).count() == 1
    # Only the transitions the life cycle allows from 受付 are offered.
    assert 'value="triage"' in page.content.decode()
    assert 'value="in_progress"' not in page.content.decode()

    client.post(f"/admin/cases/{case.pk}/transition/", {"to_status": "triage"})
    client.post(
        f"/admin/cases/{case.pk}/note/", {"body": "電話で状況を確認", "visibility": "internal"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/cases/{case.pk}/close/",
            {"support_given": "シフト作成を支援", "outcome": "解決"},
        )
    case.refresh_from_db()
    assert case.status == "closed"
    html = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    for text in ["受付", "状況を変更: 受付 → 確認中", "メモを追加", "状況を変更: 確認中 → 完了"]:
        assert text in timeline
    assert timeline.count(staff.get_full_name()) >= 3


def test_refused_transition_is_explained_on_the_page(client):
    staff = staff_user()
    case = make_case()
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/{case.pk}/transition/", {"to_status": "closed"}, follow=True
    )
    assert "「受付」から「完了」には変更できません" in response.content.decode()


def test_case_page_explains_why_referral_is_not_possible(client):
    staff = staff_user()
    case = make_case(consent=False)
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    client.force_login(staff)
    html = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    assert "紹介には相談者の同意が必要です" in html
    assert f"/admin/cases/{case.pk}/assign/" not in html


def test_staff_entry_of_a_phone_case(client):
    staff = staff_user()
    client.force_login(staff)
    response = client.post(
        "/admin/cases/new/",
        {
            "channel": "phone",
            "received_on": f"{timezone.localdate():%Y/%m/%d}",
            "requester_type": "citizen_group",
            "organisation_name": "すずかシニアクラブ",
            "family_name": "鈴鹿",
            "phone": "059-382-0000",
            "category": "training",
            "subject": "スマホ教室",
            "description": "会員向けにスマホ教室を開きたい",
            "purpose_explained": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "phone" and case.received_on == timezone.localdate()
    assert case.consent.referral_consent is False


def test_overdue_filter_and_badge(client):
    staff = staff_user()
    today = timezone.localdate()
    # Thirty days hold more than three business days whatever the season (New Year, Golden Week).
    late = make_case(received_on=today - dt.timedelta(days=30), subject="期限切れの相談")
    make_case(received_on=today, subject="新しい相談")
    client.force_login(staff)
    html = client.get("/admin/cases/", {"overdue": "true"}).content.decode()
    assert "期限切れの相談" in html and "新しい相談" not in html
    assert late.is_overdue


def test_case_list_export_csv(client):
    staff = staff_user()
    make_case(subject="エクスポート確認")
    client.force_login(staff)
    response = client.get("/admin/cases/", {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "受付番号" in body and "エクスポート確認" in body


@pytest.mark.parametrize("n", [20])
def test_case_list_uses_the_same_number_of_queries_for_20_and_500(
    client, django_assert_num_queries, n
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = staff_user()
    client.force_login(staff)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(20):
        make_case()
    few = count("/admin/cases/?per_page=500")
    for _ in range(480):
        make_case()
    many = count("/admin/cases/?per_page=500")
    assert few == many


def test_edit_assign_and_export_screens_are_in_the_access_log(client):
    staff = staff_user()
    case = make_case()
    client.force_login(staff)
    assert client.get(f"/admin/cases/edit/{case.pk}/").status_code == 200
    assert client.get(f"/admin/cases/{case.pk}/assign/").status_code == 200
    assert client.get("/admin/cases/", {"export": "csv"}).status_code == 200
    logged = set(PersonalDataAccess.objects.filter(user=staff).values_list("context", flat=True))
    assert {"admin_case_edit", "admin_case_assign", "admin_case_export"} <= logged
    # The plain list is logged too (issue 26, finding 5).
    client.get("/admin/cases/")
    assert PersonalDataAccess.objects.filter(user=staff, context="admin_case_list").exists()


def test_staff_see_download_and_add_files_on_the_case(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Attachment
    from cases.services import attachment_add

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    staff = staff_user()
    case = make_case()
    company = PartnerCompany.objects.create(name="テスト株式会社", kind="it_vendor")
    case_transition(case=case, to_status="triage", by=staff)
    assignment = case_assign(case=case, assignee=company, by=staff)
    attachment_add(
        case=case, assignment=assignment, uploaded=SimpleUploadedFile("報告書.pdf", pdf), by=None
    )
    client.force_login(staff)
    page = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    assert "報告書.pdf" in page and "テスト株式会社" in page
    link = page.split('href="', 1)[0]  # noqa: F841 — the link is checked through the URL below
    file = Attachment.objects.get()
    download = client.get(f"/admin/cases/{case.pk}/attachments/{file.pk}/")
    assert b"".join(download.streaming_content) == pdf
    assert PersonalDataAccess.objects.filter(context="admin_case_attachment").count() == 1
    # Staff add a file for the assignees; a fake one is refused with a message.
    client.post(
        f"/admin/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("案内.pdf", pdf)}
    )
    fake = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>")
    refused = client.post(f"/admin/cases/{case.pk}/attachments/", {"file": fake}, follow=True)
    assert "このファイルの種類は登録できません" in refused.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == [
        "報告書.pdf",
        "案内.pdf",
    ]
    # A file on another case is not reachable through this one.
    other = make_case()
    assert client.get(f"/admin/cases/{other.pk}/attachments/{file.pk}/").status_code == 404


@pytest.mark.parametrize("how", ["imported", "no_email"])
def test_a_survey_nobody_was_mailed_is_not_recorded_as_sent_nor_answerable(
    client, django_capture_on_commit_callbacks, how
):
    staff = staff_user()
    case = make_case()
    if how == "no_email":
        # A case taken without an address (its mails go to the case's own address, issue 26).
        case.contact.email = ""
        case.contact.save()
        Case.objects.filter(pk=case.pk).update(contact_email="")
        case.refresh_from_db()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=case,
            to_status=Case.Status.CLOSED,
            by=staff,
            support_given="電話で助言",
            outcome="解決",
            notify=how != "imported",
        )
    assert not mail.outbox
    survey = CaseSurvey.objects.get(case=case)
    assert survey.sent_at is None
    assert client.get(f"/survey/case/{survey.token}/").status_code == 404
    response = client.post(f"/survey/case/{survey.token}/", {"helpful": "1", "satisfaction": "5"})
    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None

"""The case page is built around the next action (issue 29, item 2): at the top the status,
owner, due date, consent and the one or two forms that move the case on; below, the rest in
sections that fold. The referral page shows the whole request beside the suggestions."""

import re

import pytest

from django.contrib.auth.models import Permission

from cases.models import Case
from cases.services import case_assign, case_close, case_contact_record, case_transition
from common.tests.factories import UserFactory
from partners.models import PartnerCompany

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db


def page(client, case) -> str:
    return client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()


def head(html: str) -> str:
    """The top of the case page: everything before the first foldable section."""
    start = html.index('id="case-head"')
    return html[start : html.index("<details", start)]


def next_action(html: str) -> str:
    start = html.index('id="next-action"')
    return html[start : html.index("</section>", start)]


def forms_in(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def in_status(status: str, *, consent=True) -> tuple[Case, object]:
    staff = staff_user()
    case = make_case(
        consent=consent, description="在庫をスマホで管理したい。\n棚卸しに丸二日かかる。"
    )
    if status == "new":
        return case, staff
    case = case_transition(case=case, to_status="triage", by=staff)
    if status == "assigned":
        company = PartnerCompany.objects.create(name="テスト株式会社", kind="it_vendor")
        case_assign(case=case, assignee=company, by=staff, notify=False)
    if status in ("in_progress", "closed"):
        case = case_transition(case=case, to_status="in_progress", by=staff)
    if status == "closed":
        case_close(case=case, by=staff, support_given="アプリを紹介", outcome="解決")
    if status == "withdrawn":
        case_transition(case=case, to_status="withdrawn", by=staff, comment="自己解決")
    case.refresh_from_db()
    return case, staff


def test_the_top_of_the_page_says_status_owner_due_date_and_consent(client):
    case, staff = in_status("new")
    client.force_login(staff)
    top = head(page(client, case))
    assert "受付" in top
    assert "担当" in top and "未定" in top
    assert "初回対応期限" in top
    assert f"{case.first_response_due.month}月{case.first_response_due.day}日" in top
    assert "紹介への同意あり" in top

    case = case_transition(case=case, to_status="triage", by=staff)
    top = head(page(client, case))
    assert "確認中" in top and staff.get_full_name() in top and "未定" not in top


def test_a_referral_waiting_for_an_answer_shows_its_deadline_at_the_top(client):
    case, staff = in_status("assigned")
    case_contact_record(case=case, by=staff, kind="call", body="電話で状況を伺った")
    client.force_login(staff)
    top = head(page(client, case))
    respond_by = case.assignments.get().respond_by
    assert "紹介先の回答期限" in top
    assert f"{respond_by.month}月{respond_by.day}日" in top


def test_missing_consent_is_shown_at_the_top(client):
    case, staff = in_status("triage", consent=False)
    client.force_login(staff)
    top = head(page(client, case))
    assert "同意なし" in top


@pytest.mark.parametrize(
    "status, consent, actions, buttons, absent",
    [
        (
            "new",
            True,
            ["transition"],
            ["確認を始める", "確認を始めて紹介先を選ぶ"],
            ["in_progress"],
        ),
        ("new", False, ["transition"], ["確認を始める"], ["紹介先を選ぶ"]),
        ("triage", True, ["transition"], ["紹介先を選ぶ", "センターで対応する"], []),
        (
            "triage",
            False,
            ["transition", "consent/request"],
            ["センターで対応する", "同意のお願いをメールで送る"],
            ["/assign/"],
        ),
        ("assigned", True, ["transition"], ["センターで対応する", "紹介先を追加する"], []),
        ("in_progress", True, ["close"], ["完了にする", "紹介先を追加する"], []),
        ("closed", True, ["transition"], ["再開する"], []),
    ],
)
def test_the_next_action_is_a_form_at_the_top(client, status, consent, actions, buttons, absent):
    case, staff = in_status(status, consent=consent)
    client.force_login(staff)
    html = page(client, case)
    block = next_action(html)
    assert html.index('id="next-action"') < html.index("<details")
    for action in actions:
        assert any(action in url for url in forms_in(block)), (action, forms_in(block))
    for text in buttons:
        assert text in block
    for text in absent:
        assert text not in block


def test_the_close_form_at_the_top_asks_what_was_done_and_the_result(client):
    case, staff = in_status("in_progress")
    client.force_login(staff)
    block = next_action(page(client, case))
    assert 'name="support_given"' in block and 'name="outcome"' in block
    assert f'action="/admin/cases/{case.pk}/close/"' in block


def test_reopening_a_closed_case_asks_the_reason(client):
    case, staff = in_status("closed")
    client.force_login(staff)
    block = next_action(page(client, case))
    assert 'value="in_progress"' in block and 'name="comment"' in block and "required" in block


def test_a_withdrawn_case_offers_no_action(client):
    case, staff = in_status("withdrawn")
    client.force_login(staff)
    block = next_action(page(client, case))
    assert forms_in(block) == []
    assert "取下げ" in block


def test_someone_who_may_only_view_sees_no_action_forms(client):
    case, _staff = in_status("in_progress")
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_case"),
    )
    client.force_login(viewer)
    html = page(client, case)
    assert forms_in(next_action(html)) == []
    assert 'name="support_given"' not in html


def test_start_triage_and_choose_a_referral_in_one_step(client):
    case, staff = in_status("new")
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/{case.pk}/transition/", {"to_status": "triage", "next": "assign"}
    )
    assert response.status_code == 302
    assert response.url == f"/admin/cases/{case.pk}/assign/"
    case.refresh_from_db()
    assert case.status == "triage" and case.handled_by == staff


def test_a_refused_step_stays_on_the_case_page(client):
    case, staff = in_status("new", consent=False)
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/{case.pk}/transition/", {"to_status": "closed", "next": "assign"}
    )
    assert response.url == f"/admin/cases/inspect/{case.pk}/"


def test_the_rest_of_the_page_folds_into_sections(client):
    case, staff = in_status("assigned")
    client.force_login(staff)
    html = page(client, case)
    summaries = re.findall(r"<summary[^>]*>\s*<h2[^>]*>([^<]+)</h2>", html)
    for title in ["相談の内容", "相談者・連絡先", "同意", "紹介", "メモ", "添付ファイル", "経過"]:
        assert title in summaries, summaries
    # The request itself is open at first; the history is folded.
    assert re.search(r'<details[^>]*id="section-request"[^>]* open>', html)
    assert re.search(r'<details[^>]*id="section-history">', html)


def test_the_referral_page_shows_the_whole_request(client):
    case, staff = in_status("triage")
    client.force_login(staff)
    html = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
    assert "在庫をスマホで管理したい。\n棚卸しに丸二日かかる。" in html
    assert case.organisation.name in html
    assert html.index("棚卸しに丸二日かかる") < html.index("おすすめの紹介先")

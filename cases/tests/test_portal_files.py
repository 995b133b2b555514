"""Issue 15: a case's files reach an assignee only after accepting the referral, and every
download from the portal is in the personal-data access log."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.services import assignment_accept, attachment_add, case_assign, case_transition
from common.models import PersonalDataAccess
from partners.models import Membership, PartnerCompany

from .factories import UserFactory, make_case, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def offered(db, settings, tmp_path):
    """A referral offered to a partner company (not yet accepted), with a file staff attached."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    staff = staff_user("staff1")
    member = UserFactory(username="member", email="member@tanto.example.jp")
    company = PartnerCompany.objects.create(name="株式会社担当通信", kind="it_vendor")
    Membership.objects.create(company=company, user=member)
    case = make_case()
    case_transition(case=case, to_status="triage", by=staff)
    assignment = case_assign(case=case, assignee=company, by=staff)
    attachment = attachment_add(
        case=case, uploaded=SimpleUploadedFile("相談者の名刺.pdf", PDF), by=staff
    )
    return {"member": member, "assignment": assignment, "attachment": attachment}


def test_an_offered_referral_shows_no_files_until_accepted(client, offered):
    assignment, attachment = offered["assignment"], offered["attachment"]
    client.force_login(offered["member"])
    page = client.get(f"/partner/assignments/{assignment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "相談者の名刺.pdf" not in html
    assert "共有されたファイルは、依頼を受諾すると表示されます。" in html
    download = f"/partner/assignments/{assignment.pk}/attachments/{attachment.pk}/"
    assert client.get(download).status_code == 404
    assert not PersonalDataAccess.objects.filter(context="partner_attachment").exists()

    assignment_accept(assignment=assignment, by=offered["member"])
    assert (
        "相談者の名刺.pdf" in client.get(f"/partner/assignments/{assignment.pk}/").content.decode()
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_portal_download_is_logged(client, offered):
    assignment, attachment = offered["assignment"], offered["attachment"]
    assignment_accept(assignment=assignment, by=offered["member"])
    client.force_login(offered["member"])
    client.get(f"/partner/assignments/{assignment.pk}/attachments/{attachment.pk}/")
    entry = PersonalDataAccess.objects.get(context="partner_attachment")
    assert entry.user == offered["member"]
    assert entry.subject == assignment.case
    assert "相談者の名刺.pdf" in entry.subject_label

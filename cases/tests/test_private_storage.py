"""Issue 20: case attachments go through the named storage STORAGES["private"], not the local
disk, so a file uploaded on one web node is served by another (object storage in production)."""

from pathlib import Path

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment
from cases.services import assignment_accept, attachment_add, case_assign, case_transition
from common.storage import private_storage
from partners.models import Membership, PartnerCompany

from .factories import UserFactory, make_case, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def shared(db, settings, tmp_path):
    """The private storage is one no file path reaches (as an S3 bucket is)."""
    disk = tmp_path / "never-used"
    settings.PRIVATE_MEDIA_ROOT = disk
    settings.STORAGES = IN_MEMORY
    staff = staff_user("staff1")
    member = UserFactory(username="member", email="member@tanto.example.jp")
    other = UserFactory(username="other", email="other@betsu.example.jp")
    company = PartnerCompany.objects.create(name="株式会社担当通信", kind="it_vendor")
    Membership.objects.create(company=company, user=member)
    Membership.objects.create(
        company=PartnerCompany.objects.create(name="別会社", kind="it_vendor"), user=other
    )
    case = make_case()
    case_transition(case=case, to_status="triage", by=staff)
    assignment = case_assign(case=case, assignee=company, by=staff)
    assignment_accept(assignment=assignment, by=member)
    return {
        "disk": disk,
        "staff": staff,
        "member": member,
        "other": other,
        "assignment": assignment,
    }


def test_an_attachment_is_written_to_and_served_from_the_private_storage(client, shared):
    attachment = attachment_add(
        case=shared["assignment"].case,
        uploaded=SimpleUploadedFile("名刺.pdf", PDF),
        by=shared["staff"],
    )
    storage = Attachment._meta.get_field("file").storage
    assert private_storage().exists(attachment.file.name)
    # Only in the storage: no file on the disk at its nominal path or under PRIVATE_MEDIA_ROOT.
    assert not Path(storage.path(attachment.file.name)).exists()
    assert not shared["disk"].exists()  # nothing on the local disk
    url = f"/partner/assignments/{shared['assignment'].pk}/attachments/{attachment.pk}/"

    client.force_login(shared["member"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    client.force_login(shared["other"])
    assert client.get(url).status_code == 404

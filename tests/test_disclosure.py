"""開示請求: one person's data, and nobody else's, as JSON and PDF, for managers only."""

import datetime as dt
import json
import shutil
import subprocess

import pytest

from django.core.management import call_command
from django.utils import timezone

from cases.services import consent_record
from cases.tests.factories import ContactFactory, UserFactory, staff_user
from common.disclosure import disclosure_export
from common.models import PersonalDataAccess
from tests.people import closed_case, seminar_with_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_capture_on_commit_callbacks):
    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        taro = ContactFactory(family_name="開示", given_name="太郎", email="kaiji.taro@example.jp")
        other = ContactFactory(family_name="他人", given_name="次郎", email="tanin@example.jp")
        case = closed_case(
            staff=staff,
            received_on=timezone.localdate() - dt.timedelta(days=60),
            closed_on=timezone.localdate(),
            contact=taro,
        )
        other_case = closed_case(
            staff=staff,
            received_on=timezone.localdate() - dt.timedelta(days=30),
            closed_on=timezone.localdate(),
            contact=other,
            subject="他人の相談",
        )
        _seminar, registrations = seminar_with_people(
            days=-10,
            people=[("開示 太郎", "Kaiji.Taro@example.jp"), ("他人 次郎", "tanin@example.jp")],
            title="開示テストのセミナー",
        )
    return {"case": case, "other_case": other_case, "registration": registrations[0]}


def test_export_holds_the_persons_case_registration_and_mail_and_nobody_elses(people):
    data = disclosure_export("KAIJI.TARO@example.jp")
    text = json.dumps(data, ensure_ascii=False)
    # The registration typed on the public form is a person of its own (issue 26): both records
    # with the address are disclosed, until staff merge them.
    assert len(data["contacts"]) == 2
    [contact] = [c for c in data["contacts"] if c["cases"]]
    assert (contact["family_name"], contact["given_name"]) == ("開示", "太郎")
    [case] = contact["cases"]
    assert case["reference"] == people["case"].reference
    assert case["category"] == "課題解決のための相談"
    assert {n["visibility"] for n in case["notes"]} == {"職員のみ", "紹介先と共有"}
    assert case["assignments"][0]["assignee"] == "青山 美咲"
    [consent] = case["consents"]
    assert consent["notice_version"] and "個人情報を利用します" in consent["notice_text"]
    assert consent["referral_consent"] is True
    assert case["survey"]["satisfaction"] == 5 and "助かりました" in case["survey"]["comment"]
    [registration] = data["registrations"]
    assert registration["seminar"] == "開示テストのセミナー"
    assert registration["name"] == "開示 太郎"
    assert registration["survey"]["satisfaction"] == 4
    subjects = {m["subject"] for m in data["mails"]}
    assert len(data["mails"]) == 2  # the survey after closure, the seminar confirmation
    assert all(m["to"].lower() == "kaiji.taro@example.jp" for m in data["mails"])
    assert any(people["case"].reference in s for s in subjects)
    assert all(m["body"] for m in data["mails"])
    for foreign in ("他人", "tanin@example.jp", people["other_case"].reference):
        assert foreign not in text


def test_command_writes_json_and_records_the_export(people, tmp_path):
    path = tmp_path / "taro.json"
    call_command(
        "disclosure_export",
        "--email",
        "kaiji.taro@example.jp",
        "--format",
        "json",
        "--output",
        str(path),
    )
    raw = path.read_bytes()
    assert "開示".encode() in raw  # UTF-8, not \\u escapes
    assert json.loads(raw)["contacts"][0]["cases"][0]["reference"] == people["case"].reference
    logged = PersonalDataAccess.objects.filter(context="disclosure_json")
    assert {entry.subject for entry in logged} >= {people["case"], people["registration"]}


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils not installed: run make test"
)
def test_pdf_text_shows_the_name(people, tmp_path):
    path = tmp_path / "taro.pdf"
    call_command(
        "disclosure_export",
        "--email",
        "kaiji.taro@example.jp",
        "--format",
        "pdf",
        "--output",
        str(path),
    )
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "開示" in text and "太郎" in text
    assert people["case"].reference in text
    assert "開示テストのセミナー" in text
    assert "他人" not in text


def test_admin_page_is_for_managers_and_logs_every_download(client, people):
    staff = staff_user("plainstaff")
    client.force_login(staff)
    assert client.get("/admin/disclosure/").status_code == 403
    post = {"email": "kaiji.taro@example.jp", "format": "json"}
    assert client.post("/admin/disclosure/", post).status_code == 403
    assert not PersonalDataAccess.objects.filter(context__startswith="disclosure").exists()

    manager = staff_user("manager", group="センター管理者")
    client.force_login(manager)
    assert client.get("/admin/disclosure/").status_code == 200
    response = client.post("/admin/disclosure/", post)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["registrations"][0]["name"] == "開示 太郎"
    response = client.post("/admin/disclosure/", {**post, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for fmt in ("json", "pdf"):
        entries = PersonalDataAccess.objects.filter(context=f"disclosure_{fmt}", user=manager)
        assert {e.subject for e in entries} == {
            people["case"].contact,
            people["case"],
            people["registration"],
            people["registration"].person,
        }

    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    response = client.post("/admin/disclosure/", {"email": "nobody@example.jp", "format": "json"})
    assert json.loads(response.content)["contacts"] == []
    entry = PersonalDataAccess.objects.get(user=superuser)
    assert entry.subject is None and "nobody@example.jp" in entry.subject_label


def test_export_holds_the_whole_consent_history(people):
    staff = staff_user()
    case = people["case"]
    consent_record(
        case=case,
        by=staff,
        given=False,
        method="phone",
        note="電話で撤回の申し出",
        given_at=timezone.now() - dt.timedelta(days=2),
    )
    consent_record(case=case, by=staff, given=True, method="visit", note="来所時に再度同意")

    contacts = disclosure_export("kaiji.taro@example.jp")["contacts"]
    [contact] = [c for c in contacts if c["cases"]]
    consents = contact["cases"][0]["consents"]
    assert [c["referral_consent"] for c in consents] == [True, False, True]
    assert [c["withdrawal"] for c in consents] == [False, True, False]
    assert [c["method"] for c in consents] == ["ウェブフォーム", "電話", "来所・訪問"]
    assert [c["consent_note"] for c in consents][1:] == ["電話で撤回の申し出", "来所時に再度同意"]
    assert consents[1]["recorded_by"] and consents[0]["recorded_by"] is None
    assert consents[1]["given_at"] < consents[1]["recorded_at"]
    assert all(c["notice_version"] for c in consents)


@pytest.fixture
def mails_with_links(people, django_capture_on_commit_callbacks):
    """Every kind of mail that carries a link that acts: consent, cancel, confirm, unsubscribe."""
    from appointments.services import session_book
    from appointments.tests.factories import booking_data, make_series
    from cases.services import consent_request_send
    from cases.tests.factories import make_case
    from crm.models import Person
    from crm.newsletter import subscription_request

    # The first of his records: a public registration with his address is a person of its own.
    taro = Person.objects.filter(email="kaiji.taro@example.jp").order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(consent=False)
        case.contact, case.contact_email = taro, taro.email
        case.save()
        consent_request_send(case=case, by=staff_user())
        session_book(
            slot=make_series().slots.first(),
            **booking_data(email="kaiji.taro@example.jp", family_name="開示", given_name="太郎"),
        )
        subscription_request(person=taro)
    from common.models import OutboxMessage

    links = []
    for message in OutboxMessage.objects.filter(to_email__iexact="kaiji.taro@example.jp"):
        links += [v for k, v in message.context.items() if k.endswith("_url") and v]
    return links


def _live_links_in(text: str, links: list[str]) -> list[str]:
    from django.conf import settings

    tokens = [link.rstrip("/").rsplit("/", 1)[-1] for link in links]
    found = [link for link in links if link in text]
    found += [token for token in tokens if len(token) > 10 and token in text]
    if settings.SITE_BASE_URL.rstrip("/") in text:
        found.append(settings.SITE_BASE_URL)
    return found


def test_export_carries_no_live_link(client, mails_with_links):
    """A consent, cancel, confirm or unsubscribe link in the export would act as the requester."""
    links = mails_with_links
    for kind in ("/consent/", "/cancel/", "/confirm/", "/survey/"):
        assert any(kind in link for link in links), kind
    manager = staff_user("manager", group="センター管理者")
    client.force_login(manager)
    response = client.post(
        "/admin/disclosure/", {"email": "kaiji.taro@example.jp", "format": "json"}
    )
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    assert _live_links_in(text, links) == []
    # The mails are still disclosed, with the link marked as left out.
    consent_mail = next(m for m in data["mails"] if "同意" in m["subject"])
    assert "リンク" in consent_mail["body"] and "省略" in consent_mail["body"]


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils not installed: run make test"
)
def test_pdf_export_carries_no_live_link(client, mails_with_links, tmp_path):
    manager = staff_user("manager", group="センター管理者")
    client.force_login(manager)
    response = client.post(
        "/admin/disclosure/", {"email": "kaiji.taro@example.jp", "format": "pdf"}
    )
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert _live_links_in(flat, ["".join(link.split()) for link in mails_with_links]) == []

"""The personal-data access log: written when staff open a case, listed for managers, purged."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cases.tests.factories import make_case, staff_user
from common.access_log import personal_data_access_purge
from common.models import OutboxMessage, PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_opening_a_case_is_logged_and_listed_for_managers_only(client):
    case = make_case()
    other = make_case(subject="別の相談")
    staff = staff_user("staff1")
    client.force_login(staff)
    assert client.get(f"/admin/cases/inspect/{case.pk}/").status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.subject, entry.context) == (staff, case, "admin_case")

    assert client.get("/admin/access-log/").status_code == 403
    assert client.get("/admin/access-log/?export=csv").status_code == 403

    manager = staff_user("manager1", group="センター管理者")
    client.force_login(manager)
    client.get(f"/admin/cases/inspect/{other.pk}/")
    page = client.get("/admin/access-log/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html and other.reference in html
    filtered = client.get("/admin/access-log/", {"case": case.reference}).content.decode()
    assert case.reference in filtered and other.reference not in filtered
    by_user = client.get("/admin/access-log/", {"user": manager.pk}).content.decode()
    assert other.reference in by_user and case.reference not in by_user
    today = timezone.localdate().isoformat()
    dated = client.get(
        "/admin/access-log/", {"accessed_at_after": today, "accessed_at_before": today}
    ).content.decode()
    assert case.reference in dated
    # Read-only, even for a manager: the add and delete forms are refused, and posting to
    # them (what the forms would do) neither deletes nor adds an entry.
    assert client.get("/admin/access-log/new/").status_code == 302
    assert client.get(f"/admin/access-log/delete/{entry.pk}/").status_code == 302
    client.post(f"/admin/access-log/delete/{entry.pk}/")
    client.post("/admin/access-log/new/", {"context": "forged", "subject_label": "forged"})
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()
    assert not PersonalDataAccess.objects.filter(context="forged").exists()


def test_purge_keeps_a_year_whatever_the_setting(settings):
    staff = staff_user()
    now = timezone.now()
    ages = [1, 200, 365, 399, 401, 800]
    for days in ages:
        entry = PersonalDataAccess.objects.create(
            user=staff, subject_type_id=None, subject_label=f"{days}", context="test"
        )
        PersonalDataAccess.objects.filter(pk=entry.pk).update(
            accessed_at=now - dt.timedelta(days=days)
        )
    assert personal_data_access_purge(now=now) == 2
    assert sorted(int(e.subject_label) for e in PersonalDataAccess.objects.all()) == ages[:4]

    # A setting below a year is raised to 366 days: everything younger than a year stays.
    settings.DXCENTER_ACCESS_LOG_RETENTION_DAYS = 30
    assert personal_data_access_purge(now=now) == 1
    assert sorted(int(e.subject_label) for e in PersonalDataAccess.objects.all()) == [1, 200, 365]


@override_settings(DXCENTER_ACCESS_LOG_RETENTION_DAYS=366)
def test_run_scheduled_purges_the_log(capsys):
    staff = staff_user()
    entry = PersonalDataAccess.objects.create(user=staff, subject_label="old", context="test")
    PersonalDataAccess.objects.filter(pk=entry.pk).update(
        accessed_at=timezone.now() - dt.timedelta(days=367)
    )
    call_command("run_scheduled", "--only", "access_log_purge")
    assert "access_log_purge: 1" in capsys.readouterr().out
    assert not PersonalDataAccess.objects.exists()


# --- issue 15, finding 8: the views that were not logged ---


def _outbox(to_email="hanako.mie@example.jp"):
    return OutboxMessage.objects.create(
        to_email=to_email, template="case_received", subject="受付のお知らせ"
    )


def test_the_mail_log_list_its_search_and_a_message_are_logged(client):
    message = _outbox()
    manager = staff_user("manager1", group="センター管理者")
    client.force_login(manager)
    assert client.get("/admin/mail/").status_code == 200
    listed = PersonalDataAccess.objects.get()
    assert (listed.user, listed.context) == (manager, "admin_mail_list")

    assert client.get("/admin/mail/", {"q": "mie@exa"}).status_code == 200
    searched = PersonalDataAccess.objects.get(context="admin_mail_search")
    assert "mie@exa" in searched.subject_label

    assert client.get(f"/admin/mail/inspect/{message.pk}/").status_code == 200
    opened = PersonalDataAccess.objects.get(context="admin_mail")
    assert opened.subject == message
    assert "hanako.mie@example.jp" in opened.subject_label


def test_the_qr_check_in_page_is_logged(client):
    from events.services import CHECKIN_SALT, registration_token
    from events.tests.factories import make_seminar
    from events.tests.test_registration import register

    person = register(
        seminar=make_seminar(capacity_venue=5), email="qr@example.jp", name="受付 花子"
    )
    staff = staff_user("staff1")
    client.force_login(staff)
    page = client.get(f"/admin/seminars/checkin/{registration_token(person, CHECKIN_SALT)}/")
    assert "受付 花子" in page.content.decode()
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.subject, entry.context) == (staff, person, "seminar_checkin")


def test_a_case_list_and_its_search_are_logged(client):
    make_case()
    staff = staff_user("staff1")
    client.force_login(staff)
    # The list names organisations and subjects (issue 26, finding 5: every read is logged).
    assert client.get("/admin/cases/").status_code == 200
    assert PersonalDataAccess.objects.get().context == "admin_case_list"
    PersonalDataAccess.objects.all().delete()
    assert client.get("/admin/cases/", {"q": "三重"}).status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.context) == (staff, "admin_case_search")
    assert "三重" in entry.subject_label


def test_the_log_shows_what_each_screen_is_not_its_internal_code(client):
    case = make_case()
    staff = staff_user("staff2")
    client.force_login(staff)
    client.get(f"/admin/cases/inspect/{case.pk}/")
    client.get("/admin/cases/", {"q": "在庫"})
    manager = staff_user("manager2", group="センター管理者")
    client.force_login(manager)
    html = client.get("/admin/access-log/").content.decode()
    assert "相談案件の詳細" in html and "相談案件の検索" in html
    assert "admin_case" not in html
    response = client.get("/admin/access-log/?export=csv")
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "相談案件の詳細" in export and "admin_case" not in export


def test_every_screen_that_logs_has_a_label():
    """A new call of personal_data_access_log with a new screen code needs its label."""
    import re
    from pathlib import Path

    from common.models import PersonalDataAccess

    root = Path(__file__).resolve().parent.parent
    codes = set()
    for path in root.glob("*/**/*.py"):
        if "tests" in path.parts or ".venv" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "personal_data_access_log(" not in text:
            continue
        for line in text.splitlines():
            if "context=" in line:
                codes |= set(re.findall(r'"([a-z]+_[a-z_]+)"', line))
    # Views built on the logging mixins name their screen in a class attribute; a list view
    # writes <screen>_list / _search / _export.
    screens = set()
    for path in root.glob("*/**/*.py"):
        if "tests" in path.parts or ".venv" in path.parts or "migrations" in path.parts:
            continue
        screens |= set(
            re.findall(r'access_log_context = "([a-z_]+)"', path.read_text(encoding="utf-8"))
        )
    assert {"admin_case", "partner_case", "seminar_roster"} <= codes
    assert "admin_subscription" in screens
    missing = {code for code in codes | screens if code not in PersonalDataAccess.CONTEXT_LABELS}
    assert not missing
    for screen in screens:
        for suffix in ("list", "search", "export"):
            label = PersonalDataAccess(context=f"{screen}_{suffix}").context_label
            assert not re.search(r"[a-z]_[a-z]", label), label
    for fmt in ("json", "pdf"):
        assert PersonalDataAccess(context=f"disclosure_{fmt}").context_label.startswith("開示請求")

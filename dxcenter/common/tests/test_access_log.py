"""The personal-data access log: written when staff open a case, listed for managers, purged."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cases.tests.factories import make_case, staff_user
from dxcenter.common.access_log import personal_data_access_purge
from dxcenter.common.models import PersonalDataAccess

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
    # Read-only: no add, edit or delete.
    assert client.get("/admin/access-log/new/").status_code in (302, 403, 404)
    assert client.get(f"/admin/access-log/delete/{entry.pk}/").status_code in (302, 403, 404)
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()


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

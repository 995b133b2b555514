"""One lockout per person (finding 2 of issue 15), and the managers' unlock page."""

import pytest
from axes.models import AccessAttempt

from django.contrib.auth.models import Group, User

from common.models import PersonalDataAccess
from common.tests.factories import STRONG_PASSWORD as PASSWORD
from common.tests.factories import staff_with_password


@pytest.fixture
def staff1(db):
    return staff_with_password("staff1", "staff1@pref.mie.example.jp")


def admin_login(client, username, password, ip="192.0.2.10"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def portal_login(client, username, password, ip="192.0.2.10"):
    return client.post(
        "/partner/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def locked(response) -> bool:
    return response.status_code in (403, 429) and "30分間" in response.content.decode()


def test_five_wrong_tries_by_username_lock_the_e_mail_spelling_too(client, staff1):
    for _ in range(5):
        admin_login(client, "staff1", "wrong")
    response = admin_login(client, "staff1@pref.mie.example.jp", PASSWORD)
    assert locked(response)
    assert client.get("/admin/").status_code == 302
    # Nor on the other login page, in another case, from another address.
    assert locked(portal_login(client, "STAFF1@Pref.Mie.example.jp", PASSWORD, ip="198.51.100.9"))
    assert locked(admin_login(client, "Staff1", PASSWORD, ip="198.51.100.9"))


def test_mixed_spellings_and_addresses_add_up_to_one_count(client, staff1):
    spellings = ["staff1", "STAFF1@pref.mie.example.jp", "Staff1", "staff1@PREF.mie.example.jp"]
    for n, spelling in enumerate(spellings):
        admin_login(client, spelling, "wrong", ip=f"203.0.113.{n}")
    assert locked(admin_login(client, "staff1", "wrong", ip="203.0.113.50"))  # the fifth locks
    assert locked(admin_login(client, "staff1", PASSWORD, ip="203.0.113.60"))


def test_an_address_that_tries_many_accounts_is_locked_for_all(client, staff1, settings):
    settings.DXCENTER_LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(5):
        assert not locked(admin_login(client, f"nobody{n}", "wrong"))
    assert locked(admin_login(client, "nobody5", "wrong"))
    assert locked(admin_login(client, "staff1", PASSWORD))
    # staff1's own count is untouched: from elsewhere the right password works.
    assert admin_login(client, "staff1", PASSWORD, ip="198.51.100.9").status_code == 302


def test_logging_in_to_ones_own_account_does_not_reset_anothers_count(client, staff1):
    own = User.objects.create_user("mallory", "mallory@example.jp", "mallory-pass-123")
    own.groups.add(Group.objects.get(name="センター職員"))
    for _ in range(4):
        admin_login(client, "staff1", "wrong")
    assert admin_login(client, "mallory", "mallory-pass-123").status_code == 302
    client.logout()
    admin_login(client, "staff1@pref.mie.example.jp", "wrong")
    assert locked(admin_login(client, "staff1", PASSWORD, ip="198.51.100.9"))


def test_a_successful_login_clears_the_accounts_own_typos(client, staff1):
    for _ in range(4):
        admin_login(client, "STAFF1", "wrong")
    assert admin_login(client, "staff1@pref.mie.example.jp", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        admin_login(client, "staff1", "wrong")
    assert admin_login(client, "staff1", PASSWORD).status_code == 302


def test_a_manager_sees_locked_accounts_and_unlocks_one_which_is_logged(client, staff1):
    for _ in range(5):
        admin_login(client, "staff1@pref.mie.example.jp", "wrong")
    assert locked(admin_login(client, "staff1", PASSWORD))

    plain = User.objects.create_user("plain", "plain@example.jp", PASSWORD)
    plain.groups.add(Group.objects.get(name="センター職員"))
    client.force_login(plain)
    assert client.get("/admin/lockouts/").status_code == 403
    assert client.post("/admin/lockouts/unlock/", {"username": "staff1"}).status_code == 403

    manager = User.objects.create_user("boss", "boss@example.jp", PASSWORD)
    manager.groups.add(Group.objects.get(name="センター管理者"))
    client.force_login(manager)
    page = client.get("/admin/lockouts/")
    assert page.status_code == 200
    assert "staff1" in page.content.decode()
    response = client.post("/admin/lockouts/unlock/", {"username": "staff1"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="staff1").exists()
    entry = PersonalDataAccess.objects.get(context="login_unlock")
    assert entry.user == manager and entry.subject == staff1

    client.logout()
    assert admin_login(client, "staff1", PASSWORD).status_code == 302

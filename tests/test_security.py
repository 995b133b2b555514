"""Logins: lockout on the admin, TOTP per group, the 12-hour limit; headers on public pages."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group, Permission, User

from common.security import SESSION_STARTED
from common.site import home_page
from common.tests.factories import STRONG_PASSWORD as PASSWORD
from common.tests.factories import staff_with_password


@pytest.fixture
def staff(db):
    return staff_with_password("tanaka", "tanaka@pref.mie.example.jp")


def login(client, username="tanaka", password=PASSWORD):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_admin_login_is_locked_for_thirty_minutes_after_five_wrong_passwords(client, staff):
    for _ in range(4):
        assert login(client, password="wrong").status_code == 200  # the form again, with an error
    assert login(client, password="wrong").status_code in (403, 429)  # the fifth locks
    response = login(client)
    assert response.status_code in (403, 429)
    assert "30分間" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_admin_login_works_with_the_right_password(client, staff):
    assert login(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def require_otp_for(group_name: str):
    Group.objects.get(name=group_name).permissions.add(
        Permission.objects.get(codename="require_otp", content_type__app_label="common")
    )


def test_a_group_that_requires_totp_leads_its_members_through_set_up(client, staff):
    require_otp_for("センター職員")
    login(client)
    response = client.get("/admin/cases/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/otp/?next=%2Fadmin%2Fcases%2F"

    # First the code mailed to the account's own address, then the authenticator's QR code.
    from tests.test_otp import mailed_enrolment_code

    assert "<svg" not in client.get(response["Location"]).content.decode()
    client.post("/admin/otp/", {"send_code": "1"})
    client.post("/admin/otp/", {"enrolment_code": mailed_enrolment_code(staff)})
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "認証アプリ" in page
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed

    wrong = client.post("/admin/otp/", {"token": "000000", "next": "/admin/cases/"})
    assert "コードが正しくありません" in wrong.content.decode()
    assert client.get("/admin/cases/").status_code == 302

    # A person takes more than the one-second throttle to type the next code.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    code = f"{totp(device.bin_key):06d}"
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    ok = client.post("/admin/otp/", {"token": full_width, "next": "/admin/cases/"})
    # Set up: the one-time recovery codes are shown once, with the way on to the page asked for.
    assert ok.status_code == 200
    assert len(re.findall(r"<code>[a-z2-7]{8}</code>", ok.content.decode())) == 10
    assert 'href="/admin/cases/"' in ok.content.decode()
    assert client.get("/admin/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_after_set_up_every_login_asks_for_a_code(client, staff):
    require_otp_for("センター職員")
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    login(client)
    page = client.get("/admin/otp/").content.decode()
    assert "<svg" not in page  # no new QR code once a device is confirmed
    assert client.get("/admin/").status_code == 302
    client.post("/admin/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/admin/").status_code == 200


def test_groups_without_the_requirement_are_not_asked(client, staff):
    require_otp_for("センター管理者")
    login(client)
    assert client.get("/admin/").status_code == 200


def test_a_session_ends_twelve_hours_after_login_however_active(client, staff):
    login(client)
    assert client.get("/admin/").status_code == 200
    session = client.session
    assert session.get_expiry_age() == 30 * 60  # idle limit, renewed on each request
    session[SESSION_STARTED] = int(time.time()) - 12 * 60 * 60 - 1
    session.save()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")


def test_the_partner_portal_session_has_the_same_limit(client, db):
    from partners.models import PartnerCompany

    company = PartnerCompany.objects.create(name="テスト株式会社", kind="it_vendor")
    user = User.objects.create_user("m@example.jp", "m@example.jp", PASSWORD)
    company.members.create(user=user)
    client.post("/partner/login/", {"username": "m@example.jp", "password": PASSWORD})
    assert client.get("/partner/").status_code == 200
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 13 * 60 * 60
    session.save()
    response = client.get("/partner/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/partner/login/")


def test_public_pages_carry_a_policy_without_inline_script(client, db):
    home_page()
    for path in ("/", "/en/", "/consultation/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        html = response.content.decode()
        inline = [s for s in re.findall(r"<script\b[^>]*>", html) if "src=" not in s]
        assert inline == [], path


@pytest.mark.parametrize("variant", ["TANAKA@pref.mie.example.jp", " Tanaka@Pref.Mie.Example.JP "])
def test_the_admin_lockout_holds_however_the_address_is_typed(client, staff, variant):
    for _ in range(5):
        login(client, username="tanaka@pref.mie.example.jp", password="wrong")
    response = login(client, username=variant)  # the right password, the same account
    assert response.status_code in (403, 429)
    assert client.get("/admin/").status_code == 302


def test_the_portal_lockout_holds_however_the_address_is_typed(client, db):
    from partners.models import PartnerCompany

    company = PartnerCompany.objects.create(name="テスト株式会社", kind="it_vendor")
    user = User.objects.create_user("m@example.jp", "m@example.jp", PASSWORD)
    company.members.create(user=user)
    for typed in ["m@example.jp", "M@example.jp", "m@EXAMPLE.jp", "M@Example.JP", "m@example.JP"]:
        client.post("/partner/login/", {"username": typed, "password": "wrong"})
    response = client.post("/partner/login/", {"username": "M@EXAMPLE.JP", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "30分間" in response.content.decode()
    assert client.get("/partner/").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy, which appends the address it saw
    settings.DXCENTER_LOGIN_IP_FAILURE_LIMIT = 5
    # The address's own count: wrong passwords for several accounts, each with a forged prefix.
    for n in range(5):
        client.post(
            "/admin/login/",
            {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7",
        )
    response = client.post(
        "/admin/login/",
        {"username": "tanaka", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
    )
    assert response.status_code in (403, 429)
    # Another visitor behind the same proxy is not locked out of their own attempt.
    response = client.post(
        "/admin/login/",
        {"username": "tanaka", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302


def test_client_address_behind_proxies(rf, settings):
    from common.ratelimit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # without a proxy the header is not believed
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the client cannot choose 1.1.1.1
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"

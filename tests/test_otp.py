"""Second factor (finding 3 of issue 15): staff, managers and superusers by default; partners opt in."""

import io
import os
import re
import subprocess
import sys

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group, User
from django.core.management import call_command

from common.tests.test_site import ROOT, production_check

PASSWORD = "correct-horse-battery-1"
CODE = re.compile(r"<code>([a-z2-7]{8})</code>")


@pytest.fixture
def otp_on(settings):
    settings.DXCENTER_REQUIRE_STAFF_OTP = True


def make(username, group=None, email=None, **extra):
    email = email or f"{username}@example.jp"
    user = User.objects.create_user(username, email, PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    # A person takes more than the one-second throttle to type the next code, and a later login
    # falls in a later 30-second window (a code is accepted once per window).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, last_t=-1)
    return f"{totp(device.bin_key):06d}"


def mailed_enrolment_code(user) -> str:
    """The code in the enrolment mail, as the worker renders it when sending."""
    from common.mail import render_message
    from common.models import OutboxMessage

    message = OutboxMessage.objects.filter(template="otp_enrolment").latest("pk")
    assert message.to_email == user.email
    _subject, body, _html = render_message(message, for_sending=True)
    return re.search(r"\b(\d{8})\b", body).group(1)


def set_up(client, user, page="/admin/otp/") -> list[str]:
    """Walk the first-login set-up; returns the recovery codes shown once."""
    assert "<svg" not in client.get(page).content.decode()
    client.post(page, {"send_code": "1"})
    client.post(page, {"enrolment_code": mailed_enrolment_code(user)})
    assert "<svg" in client.get(page).content.decode()
    response = client.post(page, {"token": code_for(user), "next": "/admin/"})
    assert response.status_code == 200
    codes = CODE.findall(response.content.decode())
    assert len(codes) == 10
    return codes


@pytest.mark.parametrize(
    "kind", ["staff", "manager", "superuser"], ids=["センター職員", "センター管理者", "superuser"]
)
def test_staff_managers_and_superusers_must_set_up_a_second_factor(client, db, otp_on, kind):
    user = {
        "staff": lambda: make("tanaka", "センター職員"),
        "manager": lambda: make("boss", "センター管理者"),
        "superuser": lambda: make("root", is_superuser=True, is_staff=True),
    }[kind]()
    assert (
        client.post("/admin/login/", {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    for path in ("/admin/", "/admin/cases/", "/admin/disclosure/", "/admin/lockouts/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/otp/?next=")

    codes = set_up(client, user)
    assert client.get("/admin/").status_code == 200

    # Next login: a code again; a recovery code works once in its place.
    client.post("/admin/logout/")
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert "<svg" not in client.get("/admin/otp/").content.decode()  # no new QR once set up
    used = client.post("/admin/otp/", {"token": codes[0].upper(), "next": "/admin/"})
    assert used.status_code == 302 and used["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    client.post("/admin/logout/")
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    again = client.post("/admin/otp/", {"token": codes[0], "next": "/admin/"})
    assert "すでに使われています" in again.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_password_reset_alone_does_not_open_the_admin(client, db, otp_on):
    """Even with a stolen password (finding 1's end), the superuser's admin needs the code."""
    root = make("root", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert client.get("/admin/users/").status_code == 302


def test_with_the_setting_off_staff_log_in_with_a_password(client, db, settings):
    settings.DXCENTER_REQUIRE_STAFF_OTP = False
    make("tanaka", "センター職員")
    client.post("/admin/login/", {"username": "tanaka", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200


def test_partners_may_opt_in_from_the_portal(client, db, otp_on):
    from partners.models import Membership, PartnerCompany

    company = PartnerCompany.objects.create(name="株式会社二要素", kind="it_vendor")
    partner = make("p@example.jp", email="p@example.jp")
    Membership.objects.create(company=company, user=partner)

    def portal_login():
        return client.post("/partner/login/", {"username": "p@example.jp", "password": PASSWORD})

    # Not forced on partners ...
    portal_login()
    home = client.get("/partner/")
    assert home.status_code == 200
    assert "/partner/otp/" in home.content.decode()

    # ... but offered, and once set up, asked at every login.
    set_up(client, partner, page="/partner/otp/")
    assert "二要素認証を利用しています" in client.get("/partner/").content.decode()
    client.post("/partner/logout/")
    portal_login()
    response = client.get("/partner/")
    assert response.status_code == 302
    assert response["Location"] == "/partner/otp/?next=%2Fpartner%2F"
    ok = client.post("/partner/otp/", {"token": code_for(partner), "next": "/partner/"})
    assert ok.status_code == 302 and ok["Location"] == "/partner/"
    assert client.get("/partner/").status_code == 200


@pytest.mark.parametrize("page", ["/admin/otp/", "/partner/otp/"])
def test_first_enrolment_needs_the_code_mailed_to_the_accounts_address(client, db, otp_on, page):
    """Someone who has only the password cannot set up a second factor and lock the owner out."""
    from common.mail import render_message
    from common.models import OutboxMessage
    from partners.models import Membership, PartnerCompany

    if page == "/admin/otp/":
        user = make("tanaka", "センター職員")
        client.post("/admin/login/", {"username": "tanaka", "password": PASSWORD})
    else:
        user = make("p@example.jp", email="p@example.jp")
        company = PartnerCompany.objects.create(name="株式会社二要素", kind="it_vendor")
        Membership.objects.create(company=company, user=user)
        client.post("/partner/login/", {"username": "p@example.jp", "password": PASSWORD})

    # With the password alone: no key to scan, and a code from a guessed device confirms nothing.
    first = client.get(page).content.decode()
    assert "<svg" not in first and "<code>" not in first
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        client.post(page, {"token": f"{totp(device.bin_key):06d}"})
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    # The code goes to the account's own address; the stored row holds no code.
    client.post(page, {"send_code": "1"})
    message = OutboxMessage.objects.get(template="otp_enrolment")
    assert message.to_email == user.email
    code = mailed_enrolment_code(user)
    assert code not in str(message.context) and code not in render_message(message)[1]
    wrong = client.post(page, {"enrolment_code": "00000000" if code != "00000000" else "11111111"})
    assert "<svg" not in wrong.content.decode()
    assert "コードが正しくありません" in wrong.content.decode()

    client.post(page, {"enrolment_code": code})
    assert "<svg" in client.get(page).content.decode()
    response = client.post(page, {"token": code_for(user), "next": "/admin/"})
    assert len(CODE.findall(response.content.decode())) == 10
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_seeded_demo_admin_is_walked_through_set_up_when_required(client, db, otp_on):
    out = io.StringIO()
    call_command("seed_demo", "--password", "demo-pass-1234", stdout=out)
    assert "Second factor: on" in out.getvalue()
    assert (
        client.post(
            "/admin/login/", {"username": "admin", "password": "demo-pass-1234"}
        ).status_code
        == 302
    )
    assert client.get("/admin/")["Location"].startswith("/admin/otp/")
    set_up(client, User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200


def test_development_turns_it_off_and_production_refuses_to_run_without_it():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DXCENTER_REQUIRE_STAFF_OTP"},
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.dev",
    }
    script = "from django.conf import settings; print(settings.DXCENTER_REQUIRE_STAFF_OTP)"
    dev = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert dev.stdout.strip() == "False", dev.stderr

    refused = production_check(DXCENTER_REQUIRE_STAFF_OTP="false")
    assert refused.returncode != 0
    assert "DXCENTER_REQUIRE_STAFF_OTP cannot be turned off in production" in refused.stderr
    assert production_check().returncode == 0  # on by default, and check --deploy stays clean

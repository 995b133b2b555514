"""Password reset: each login resets its own people, no link is ever stored or disclosed.

Finding 1 of issue 15: a manager posted the superuser's address to the portal's reset form,
read the working link from the outbox through a disclosure export, and took the account over.
"""

import json
import re
from unittest import mock

import pytest

from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.mail import render_message
from common.models import OutboxMessage
from partners.models import Membership, PartnerCompany

from .factories import UserFactory, staff_user

NEW_PASSWORD = "a-brand-new-pass-4321"
LINK = re.compile(r"https?://\S+/(?:partner/reset|admin/password_reset/confirm)/\S+/\S+/")


@pytest.fixture
def people(db):
    superuser = User.objects.create_superuser("admin", "admin@example.jp", "super-pass-1234")
    manager = staff_user("manager", group="センター管理者")
    company = PartnerCompany.objects.create(name="株式会社リセット", kind="it_vendor")
    partner = UserFactory(username="partner", email="partner@reset.example.jp")
    Membership.objects.create(company=company, user=partner)
    return {"superuser": superuser, "manager": manager, "partner": partner}


def reset(client, url, email, capture, **extra):
    with capture(execute=True):
        response = client.post(url, {"email": email}, **extra)
    assert response.status_code == 302
    return response


def reset_from_elsewhere(client, capture):
    """The partner asks for a reset from another client address."""
    reset(
        client,
        "/partner/password-reset/",
        "partner@reset.example.jp",
        capture,
        REMOTE_ADDR="198.51.100.7",
    )


def stored_text(message: OutboxMessage) -> str:
    """Everything a database backup or the admin holds for the row, as one string."""
    subject, body, html = render_message(message)
    fields = {f.name: str(getattr(message, f.attname)) for f in message._meta.concrete_fields}
    return json.dumps(fields, ensure_ascii=False) + subject + body + (html or "")


def test_the_manager_to_superuser_path_fails_at_every_step(
    client, people, django_capture_on_commit_callbacks
):
    # 1. The portal's form sends nothing for a staff or superuser address, and says the same.
    for email in ("admin@example.jp", "ADMIN@example.jp", people["manager"].email):
        response = reset(
            client, "/partner/password-reset/", email, django_capture_on_commit_callbacks
        )
        assert response["Location"] == "/partner/password-reset/done/"
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []

    # The superuser's own reset goes through the admin's form; the mail carries a working link ...
    reset(client, "/admin/password_reset/", "admin@example.jp", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body).group(0)
    assert "/admin/password_reset/confirm/" in link

    # 2. ... that the outbox does not hold: only the account's id.
    message = OutboxMessage.objects.get()
    assert message.to_email == "admin@example.jp"
    assert message.context == {"user_id": people["superuser"].pk}
    assert not LINK.search(stored_text(message))
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in stored_text(message)

    # The admin's mail log shows no link either.
    client.force_login(people["manager"])
    inspect = client.get(f"/admin/mail/inspect/{message.pk}/")
    assert inspect.status_code == 200
    assert token not in inspect.content.decode()
    assert "password_reset/confirm" not in inspect.content.decode()

    # 3. The manager's disclosure export for the superuser's address holds no authentication mail.
    export = client.post("/admin/disclosure/", {"email": "admin@example.jp", "format": "json"})
    assert export.status_code == 200
    data = json.loads(export.content)
    assert data["mails"] == []
    assert "password_reset" not in export.content.decode() and token not in export.content.decode()
    pdf = client.post("/admin/disclosure/", {"email": "admin@example.jp", "format": "pdf"})
    assert pdf.status_code == 200

    # The mailed link itself works, for its owner.
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    people["superuser"].refresh_from_db()
    assert people["superuser"].check_password(NEW_PASSWORD)


def test_the_admin_form_does_not_reset_partners(client, people, django_capture_on_commit_callbacks):
    reset(
        client,
        "/admin/password_reset/",
        "partner@reset.example.jp",
        django_capture_on_commit_callbacks,
    )
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_a_partner_resets_through_the_portal_and_nothing_usable_is_stored(
    client, people, django_capture_on_commit_callbacks
):
    reset(
        client,
        "/partner/password-reset/",
        "Partner@Reset.example.jp",
        django_capture_on_commit_callbacks,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["partner@reset.example.jp"]
    link = LINK.search(mail.outbox[0].body).group(0)
    assert "/partner/reset/" in link
    message = OutboxMessage.objects.get()
    assert not LINK.search(stored_text(message))

    # Disclosure of the partner's own address leaves the reset mail out as well.
    client.force_login(people["manager"])
    data = json.loads(
        client.post(
            "/admin/disclosure/", {"email": "partner@reset.example.jp", "format": "json"}
        ).content
    )
    assert data["mails"] == []

    client.logout()
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    login = client.post(
        "/partner/login/", {"username": "partner@reset.example.jp", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302 and login["Location"] == "/partner/"


def test_a_partner_who_became_staff_gets_no_link_from_a_queued_portal_mail(
    client, people, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from common.password_reset import password_reset_queue

    with django_capture_on_commit_callbacks(execute=False):
        password_reset_queue("partner@reset.example.jp", "portal")
    people["partner"].groups.add(Group.objects.get(name="センター職員"))
    message = OutboxMessage.objects.get()
    from common.tasks import send_outbox_message

    send_outbox_message.call(message.pk, 0)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_address(
    client, people, django_capture_on_commit_callbacks
):
    for _ in range(8):
        reset(
            client,
            "/partner/password-reset/",
            "partner@reset.example.jp",
            django_capture_on_commit_callbacks,
        )
    assert len(mail.outbox) == 3  # PASSWORD_RESET_RATE_PER_ADDRESS 3/3600

    # Another client address does not start the count afresh for the same address.
    reset_from_elsewhere(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_reset_requests_are_rate_limited_per_client_address(
    client, people, django_capture_on_commit_callbacks
):
    for n in range(10):  # PASSWORD_RESET_RATE_PER_IP 10/3600, spent on unknown addresses
        reset(
            client,
            "/partner/password-reset/",
            f"nobody{n}@example.jp",
            django_capture_on_commit_callbacks,
        )
    reset(
        client,
        "/partner/password-reset/",
        "partner@reset.example.jp",
        django_capture_on_commit_callbacks,
    )
    assert mail.outbox == []
    # From another address the partner's request goes through.
    reset_from_elsewhere(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("url", ["/partner/password-reset/", "/admin/password_reset/"])
def test_known_and_unknown_addresses_do_the_same_work_in_the_request(client, people, url):
    """No timing oracle: the request only queues a task, whoever the address belongs to."""
    known = "partner@reset.example.jp" if url.startswith("/partner/") else "admin@example.jp"
    answers = {}
    with mock.patch("common.tasks.password_reset_dispatch") as task:
        for email in (known, "unknown-person@example.jp"):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, {"email": email})
            answers[email] = (response.status_code, response["Location"], len(queries))
    assert answers[known] == answers["unknown-person@example.jp"]
    assert [c.args[0] for c in task.enqueue.call_args_list] == [known, "unknown-person@example.jp"]
    assert mail.outbox == []

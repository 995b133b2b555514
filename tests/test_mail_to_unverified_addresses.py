"""Mail to an address nobody has verified carries nothing the form's author typed.

Anyone can type someone else's address into the consultation or seminar form. What they type as
their name, subject, organisation or question must not come back out in the center's own mail
(official-looking text to anyone); the mail says only what identifies the request.
"""

import pytest

from django.core import mail

from cases.models import Case
from cases.services import case_close, case_transition
from cases.tests.factories import staff_user
from cases.tests.test_intake import VALID
from cms import demo
from common.mail import render_message
from common.models import OutboxMessage
from events.models import Registration
from events.services import _mail_context
from events.tests.factories import make_seminar
from events.tests.test_registration import FORM

pytestmark = pytest.mark.django_db

HOSTILE = "【重要】口座確認 https://evil.example/login"
SEMINAR_TEMPLATES = [
    "seminar_confirmed",
    "seminar_waitlisted",
    "seminar_promoted",
    "seminar_reminder",
    "seminar_thanks",
    "seminar_moved",
    "seminar_changed",
    "seminar_cancelled",
]


def assert_clean(message, *typed):
    text = f"{message.subject}\n{message.body}"
    for value in typed:
        assert value not in text
    assert "evil.example" not in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_consultation_mails_identify_the_request_without_echoing_it(
    client, language, django_capture_on_commit_callbacks
):
    demo.seed_site()
    typed = {
        **VALID,
        "family_name": "【重要】",
        "given_name": "https://evil.example/login",
        "subject": HOSTILE,
        "organisation_name": "三重県庁（公式）",
    }
    prefix = "/en" if language == "en" else ""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{prefix}/consultation/", typed).status_code == 302
    case = Case.objects.get()
    (received,) = mail.outbox
    assert_clean(received, HOSTILE, "三重県庁（公式）", "【重要】")
    assert case.reference in received.body and case.reference in received.subject
    category = "Information on DX" if language == "en" else "DXに関する情報提供"
    assert category in received.body

    staff = staff_user()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        case_close(case=case, by=staff, support_given="ツールを紹介した", outcome="解決")
    survey = mail.outbox[-1]
    assert "survey/case/" in survey.body
    assert_clean(survey, HOSTILE, "【重要】")
    assert case.reference in survey.body
    # Nothing typed is kept for the mail either, so a template cannot bring it back.
    for message in OutboxMessage.objects.all():
        assert HOSTILE not in str(message.context)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_seminar_mail_names_the_seminar_not_the_registrant(
    client, language, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity_venue=1, title="DX入門セミナー")
    typed = {**FORM, "name": HOSTILE, "organisation": "三重県庁（公式）", "question": HOSTILE}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(seminar.url, typed).status_code == 302
        client.post(seminar.url, {**typed, "email": "second@example.jp"})
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"], ["second@example.jp"]]
    for message in mail.outbox:
        assert_clean(message, HOSTILE, "三重県庁（公式）")
        assert "DX入門セミナー" in message.body

    registration = Registration.objects.get(email="hanako@example.jp")
    registration.language = language
    for template in SEMINAR_TEMPLATES:
        context = _mail_context(registration)
        assert HOSTILE not in str(context)
        outbox = OutboxMessage(
            to_email=registration.email, template=template, context=context, language=language
        )
        subject, body, _html = render_message(outbox)
        assert HOSTILE not in subject + body and "evil.example" not in body
        assert "DX入門セミナー" in subject + body


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_cancel_page_reached_from_the_mail_does_not_show_the_typed_name(client, prefix):
    from events.services import CANCEL_SALT, registration_token

    seminar = make_seminar(capacity_venue=5, title="DX入門セミナー")
    client.post(seminar.url, {**FORM, "name": HOSTILE})
    registration = Registration.objects.get()
    token = registration_token(registration, CANCEL_SALT)
    html = client.get(f"{prefix}/registration/cancel/{token}/").content.decode()
    assert "DX入門セミナー" in html
    assert HOSTILE not in html and "evil.example" not in html
    assert ("Cancel your registration" if prefix else "お申込みをキャンセルします") in html

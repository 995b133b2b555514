"""Every case URL × anonymous, partner user, staff, manager → the status each should get;
every partner portal URL × anonymous, staff and the kinds of assignee (further down)."""

import pytest

from django.utils import timezone

from cases.models import CaseSurvey
from partners.models import Membership, PartnerCompany

from .factories import UserFactory, make_case, staff_user

ROLES = ["anonymous", "partner", "staff", "manager"]

# (method, url template, expected status per role)
MATRIX = [
    ("get", "/admin/cases/", {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200}),
    (
        "get",
        "/admin/cases/inspect/{pk}/",
        {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200},
    ),
    (
        "get",
        "/admin/cases/edit/{pk}/",
        {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200},
    ),
    ("get", "/admin/cases/new/", {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200}),
    (
        "get",
        "/admin/cases/import/",
        {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200},
    ),
    (
        "get",
        "/admin/cases/?export=csv",
        {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200},
    ),
    (
        "get",
        "/admin/cases/{pk}/assign/",
        {"anonymous": 302, "partner": 302, "staff": 200, "manager": 200},
    ),
    (
        "post",
        "/admin/cases/{pk}/transition/",
        {"anonymous": 302, "partner": 302, "staff": 302, "manager": 302},
    ),
    (
        "post",
        "/admin/cases/{pk}/note/",
        {"anonymous": 302, "partner": 302, "staff": 302, "manager": 302},
    ),
    (
        "post",
        "/admin/cases/{pk}/close/",
        {"anonymous": 302, "partner": 302, "staff": 302, "manager": 302},
    ),
    (
        "get",
        "/admin/cases/delete/{pk}/",
        # Cases are never deleted (issue 29), not even by a manager.
        {"anonymous": 302, "partner": 302, "staff": 302, "manager": 302},
    ),
    (
        "get",
        "/survey/case/{token}/",
        {"anonymous": 200, "partner": 200, "staff": 200, "manager": 200},
    ),
]


def login(client, role):
    if role == "anonymous":
        return None
    if role == "partner":
        user = UserFactory(username="partner-member")
        company = PartnerCompany.objects.create(name="株式会社ポータル", kind="it_vendor")
        Membership.objects.create(company=company, user=user)
    elif role == "staff":
        user = staff_user("staff1")
    else:
        user = staff_user("manager1", group="センター管理者")
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_case_url_permissions(client, role, method, url, expected):
    case = make_case()
    survey = CaseSurvey.objects.create(case=case, token="tok-123", sent_at=timezone.now())
    login(client, role)
    target = url.format(pk=case.pk, token=survey.token)
    response = getattr(client, method)(target)
    assert response.status_code == expected[role], (role, target)
    if role in ("anonymous", "partner") and expected[role] == 302:
        assert "/admin/login/" in response["Location"] or response["Location"].startswith("/admin/")


# --- the partner portal (/partner/) ---
#
# Each role works on "its" assignment of one case: the advisor and the partner company have
# accepted theirs; another partner company has none and tries the partner's; the declined
# assignee opens the one it declined; anonymous visitors and staff try the partner's.

PORTAL_ROLES = [
    "anonymous",
    "staff",
    "assigned_advisor",
    "assigned_partner",
    "other_partner",
    "declined_assignee",
]
# Roles that must never see the requester: not even on a page they are allowed to open.
NO_REQUESTER_DATA = {"anonymous", "other_partner", "declined_assignee"}
PORTAL_PASSWORD = "pass-1234-word"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _every(status):
    return dict.fromkeys(PORTAL_ROLES, status)


def _assignee_only(*, assigned, declined):
    return {
        "anonymous": 302,
        "staff": 404,
        "assigned_advisor": assigned,
        "assigned_partner": assigned,
        "other_partner": 404,
        "declined_assignee": declined,
    }


# (method, url, data, expected status per role); {a} is the role's assignment, {f} a file on it.
PORTAL_MATRIX = [
    ("get", "/partner/login/", None, {**_every(302), "anonymous": 200}),
    ("post", "/partner/login/", "credentials", _every(302)),
    ("get", "/partner/logout/", None, _every(405)),
    ("post", "/partner/logout/", {}, _every(302)),
    ("get", "/partner/password-reset/", None, _every(200)),
    ("post", "/partner/password-reset/", "requester_email", _every(302)),
    ("post", "/partner/password-reset/", "partner_email", _every(302)),
    ("get", "/partner/password-reset/done/", None, _every(200)),
    ("get", "/partner/reset/MQ/not-a-token/", None, _every(200)),
    ("get", "/partner/", None, {**_every(200), "anonymous": 302, "staff": 403}),
    ("get", "/partner/assignments/{a}/", None, _assignee_only(assigned=200, declined=200)),
    ("post", "/partner/assignments/{a}/accept/", {}, _assignee_only(assigned=302, declined=302)),
    (
        "post",
        "/partner/assignments/{a}/decline/",
        {"reason": "担当地域外のため"},
        _assignee_only(assigned=302, declined=302),
    ),
    (
        "post",
        "/partner/assignments/{a}/notes/",
        {"body": "訪問しました"},
        _assignee_only(assigned=302, declined=302),
    ),
    (
        "post",
        "/partner/assignments/{a}/resolve/",
        {"summary": "導入を支援しました"},
        _assignee_only(assigned=302, declined=302),
    ),
    (
        "post",
        "/partner/assignments/{a}/attachments/",
        "file",
        _assignee_only(assigned=302, declined=302),
    ),
    (
        "get",
        "/partner/assignments/{a}/attachments/{f}/",
        None,
        _assignee_only(assigned=200, declined=404),
    ),
]


@pytest.fixture
def portal(db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import (
        assignment_accept,
        assignment_decline,
        attachment_add,
        case_assign,
        case_transition,
    )
    from partners.models import Advisor

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    staff = staff_user("staff1")

    def member(company_name, email):
        user = UserFactory(username=email.split("@")[0], email=email)
        company = PartnerCompany.objects.create(name=company_name, kind="it_vendor")
        Membership.objects.create(company=company, user=user)
        return user, company

    partner_user, company = member("株式会社担当通信", "partner@tanto.example.jp")
    other_user, _ = member("株式会社ほか通信", "other@hoka.example.jp")
    declined_user, declined_company = member("株式会社辞退通信", "declined@jitai.example.jp")
    advisor_user = UserFactory(username="advisor", email="advisor@example.jp")
    advisor = Advisor.objects.create(name="担当 アドバイザー", user=advisor_user)

    case = make_case(subject="在庫管理の相談", description="在庫をスマホで管理したい。")
    case_transition(case=case, to_status="triage", by=staff)
    company_assignment = case_assign(case=case, assignee=company, by=staff)
    advisor_assignment = case_assign(case=case, assignee=advisor, by=staff)
    declined_assignment = case_assign(case=case, assignee=declined_company, by=staff)
    assignment_accept(assignment=company_assignment, by=partner_user)
    assignment_accept(assignment=advisor_assignment, by=advisor_user)
    assignment_decline(assignment=declined_assignment, by=declined_user, reason="対応できないため")
    # A file staff attached for every assignee.
    attachment = attachment_add(case=case, uploaded=SimpleUploadedFile("資料.pdf", PDF), by=staff)
    users = {
        "staff": staff,
        "assigned_advisor": advisor_user,
        "assigned_partner": partner_user,
        "other_partner": other_user,
        "declined_assignee": declined_user,
    }
    targets = {
        "assigned_advisor": advisor_assignment,
        "declined_assignee": declined_assignment,
    }
    return {
        "case": case,
        "users": users,
        "assignment": lambda role: targets.get(role, company_assignment),
        "attachment": attachment,
    }


def _requester_data(case):
    contact = case.contact
    return [contact.full_name, contact.email, contact.phone, case.organisation.name]


def _post_data(kind, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    named = {
        "credentials": lambda: {
            "username": "partner@tanto.example.jp",
            "password": PORTAL_PASSWORD,
        },
        "requester_email": lambda: {"email": case.contact.email},
        "partner_email": lambda: {"email": "partner@tanto.example.jp"},
        "file": lambda: {"file": SimpleUploadedFile("報告.pdf", PDF)},
    }
    return named[kind]() if isinstance(kind, str) else kind


def _recorded():
    from cases.models import Assignment, Attachment, CaseEvent, Note

    return {
        "notes": Note.objects.count(),
        "files": Attachment.objects.count(),
        "events": CaseEvent.objects.count(),
        "states": list(Assignment.objects.order_by("pk").values_list("state", flat=True)),
    }


def _body(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "expected"),
    PORTAL_MATRIX,
    ids=[f"{m[0]} {m[1]}" + (f" {m[2]}" if isinstance(m[2], str) else "") for m in PORTAL_MATRIX],
)
def test_portal_url_permissions(client, portal, role, method, url, data, expected):
    from common.models import OutboxMessage

    case = portal["case"]
    if role in portal["users"]:
        client.force_login(portal["users"][role])
    target = url.format(a=portal["assignment"](role).pk, f=portal["attachment"].pk)
    before = _recorded()

    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, _post_data(data, case))
    assert response.status_code == expected[role], (role, method, target)

    # Where the redirects lead.
    if role == "anonymous" and (url == "/partner/" or "/assignments/" in url):
        assert response["Location"].startswith("/partner/login/?next=")
    if target == "/partner/login/" and response.status_code == 302:
        assert response["Location"] == "/partner/"
    if target == "/partner/logout/" and method == "post":
        assert response["Location"] == "/partner/login/"
        assert "_auth_user_id" not in client.session
    if target == "/partner/password-reset/" and method == "post":
        # The same answer whoever the address belongs to; mail only to a portal user.
        assert response["Location"] == "/partner/password-reset/done/"
        resets = OutboxMessage.objects.filter(template="password_reset")
        sent_to = set(resets.values_list("to_email", flat=True))
        assert case.contact.email not in sent_to
        assert ("partner@tanto.example.jp" in sent_to) == (data == "partner_email")

    if role in ("assigned_advisor", "assigned_partner"):
        # Their notes, files and report are recorded; accepting or declining twice is not.
        works = method == "post" and url.endswith(("/notes/", "/attachments/", "/resolve/"))
        assert (_recorded() != before) == works, (role, target)
    else:
        # Nothing a refused request asked for was recorded.
        assert _recorded() == before, (role, target)

    if role in NO_REQUESTER_DATA:
        pages = [response]
        if response.status_code == 302 and response["Location"].startswith("/partner/"):
            pages.append(client.get(response["Location"]))
        for page in pages:
            html = _body(page)
            for value in _requester_data(case):
                assert value not in html, (role, target, value)

"""Every case URL × anonymous, partner user, staff, manager → the status each should get."""

import pytest

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
        {"anonymous": 302, "partner": 302, "staff": 302, "manager": 200},
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
    survey = CaseSurvey.objects.create(case=case, token="tok-123")
    login(client, role)
    target = url.format(pk=case.pk, token=survey.token)
    response = getattr(client, method)(target)
    assert response.status_code == expected[role], (role, target)
    if role in ("anonymous", "partner") and expected[role] == 302:
        assert "/admin/login/" in response["Location"] or response["Location"].startswith("/admin/")

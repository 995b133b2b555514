"""Partners' own rules: portal logins by e-mail address, one company per member."""

import pytest

from django.contrib.auth import authenticate
from django.test import RequestFactory

from partners.models import Advisor, Membership, PartnerCompany
from partners.services import advisor_login_link, membership_add, portal_user_ensure

pytestmark = pytest.mark.django_db


def _sign_in(username, password):
    """The portal's sign-in: every backend, as the login form calls them."""
    request = RequestFactory().post("/partner/login/")
    return authenticate(request=request, username=username, password=password)


def _company(name="伊勢湾モバイル株式会社"):
    return PartnerCompany.objects.create(name=name, kind=PartnerCompany.Kind.CARRIER)


def test_a_partner_signs_in_with_the_address_in_any_case():
    portal_user_ensure(
        email="member@example.jp", last_name="伊勢", first_name="一郎", password="pass-1234-word"
    )
    assert _sign_in(username="Member@Example.JP", password="pass-1234-word") is not None
    assert _sign_in(username="member@example.jp", password="wrong-password") is None
    assert _sign_in(username="nobody@example.jp", password="pass-1234-word") is None


def test_a_deactivated_login_cannot_sign_in():
    user = portal_user_ensure(
        email="gone@example.jp", last_name="伊勢", first_name="一郎", password="pass-1234-word"
    )
    user.is_active = False
    user.save()
    assert _sign_in(username="gone@example.jp", password="pass-1234-word") is None


def test_ensuring_a_login_again_without_a_password_keeps_the_old_one():
    portal_user_ensure(
        email="keep@example.jp", last_name="伊勢", first_name="一郎", password="pass-1234-word"
    )
    portal_user_ensure(email="keep@example.jp", last_name="伊勢", first_name="一郎")
    assert _sign_in(username="keep@example.jp", password="pass-1234-word") is not None


def test_a_member_stays_with_the_first_company():
    user = portal_user_ensure(email="m@example.jp", last_name="伊勢", first_name="一郎")
    first, second = _company(), _company("株式会社志摩テック")
    membership_add(company=first, user=user)
    membership_add(company=second, user=user)
    assert Membership.objects.get(user=user).company == first


def test_an_advisor_gets_a_portal_login():
    advisor = Advisor.objects.create(name="青山 美咲", email="aoyama@example.jp")
    user = portal_user_ensure(email="aoyama@example.jp", last_name="青山", first_name="美咲")
    advisor_login_link(advisor=advisor, user=user)
    advisor.refresh_from_db()
    assert advisor.user == user
    assert user.advisor == advisor


def test_a_login_made_without_a_password_cannot_sign_in_with_an_empty_one():
    user = portal_user_ensure(email="new@example.jp", last_name="伊勢", first_name="一郎")
    assert not user.has_usable_password()
    assert _sign_in(username="new@example.jp", password="") is None
    assert _sign_in(username="NEW@example.jp", password="") is None  # the e-mail backend too

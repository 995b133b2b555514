"""Writes of the partners app outside the Wagtail admin forms: portal logins for partners."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Advisor, Membership, PartnerCompany


def portal_user_ensure(*, email: str, last_name: str, first_name: str, password: str | None = None):
    """The portal login named by ``email`` (created if missing); ``password`` replaces the old one.

    Without a password a new login has none that works (the person sets one through the
    password-reset mail): an empty password is never usable.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "last_name": last_name, "first_name": first_name}
    )
    if password:
        user.set_password(password)
        user.save()
    elif created:
        user.set_unusable_password()
        user.save()
    return user


def membership_add(*, company: PartnerCompany, user) -> Membership:
    """Let ``user`` see ``company``'s referrals; a user works for one company only."""
    membership, _created = Membership.objects.get_or_create(
        user=user, defaults={"company": company}
    )
    return membership


@transaction.atomic
def advisor_login_link(*, advisor: Advisor, user) -> Advisor:
    """Give an advisor a portal login: they then see the referrals made to them."""
    if advisor.user_id != user.pk:
        advisor.user = user
        advisor.save(update_fields=["user"])
    return advisor

"""Users (and one mail context) for the base's tests and every app's: no app is imported here."""

import factory

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    first_name = "花子"
    last_name = factory.Sequence(lambda n: f"職員{n}")
    password = factory.django.Password("pass-1234-word")


def staff_user(username="staff", group="センター職員"):
    """A user in one of the staff groups the migrations create (センター職員 by default)."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


STRONG_PASSWORD = "correct-horse-battery-1"


def staff_with_password(username: str, email: str):
    """A センター職員 made the way the admin makes one, signing in with STRONG_PASSWORD."""
    user = get_user_model().objects.create_user(username, email, STRONG_PASSWORD)
    user.groups.add(Group.objects.get(name="センター職員"))
    return user


# What the case_received mail is rendered with, as the intake passes it.
CASE_RECEIVED_CONTEXT = {
    "reference": "DX2026-0001",
    "category": "課題解決のための相談",
    "received_on": "2026年11月20日(金)",
    "due_date": "2026年11月25日(水)",
    "referral_consent": True,
}

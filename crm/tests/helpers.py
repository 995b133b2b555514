from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from common.models import Municipality, OutboxMessage
from common.text import canonical_email
from crm.models import Organisation, Person
from crm.newsletter import confirm_link, subscription_confirm, subscription_request


def person(email, *, requester_type="business", town="242012", industry="製造業", **fields):
    organisation = Organisation.objects.create(
        name=f"株式会社{email.split('@')[0]}",
        requester_type=requester_type,
        industry=industry,
        municipality=Municipality.objects.get(code=town) if town else None,
    )
    return Person.objects.create(
        organisation=organisation, family_name="三重", given_name="太郎", email=email, **fields
    )


def subscribed(p, language="ja"):
    """A person who asked for the newsletter and used the confirmation link."""
    subscription = subscription_request(person=p, language=language)
    url = (
        OutboxMessage.objects.filter(
            template="newsletter_confirm", to_email=canonical_email(p.email)
        )
        .latest("pk")
        .context["confirm_url"]
    )
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert confirm_link(token).subscription == subscription
    return subscription_confirm(subscription=subscription)


def staff_user(username="staff", group="センター職員"):
    """A member of the staff group (crm's tests do not import the cases app's factories)."""
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.jp", password="pass-1234-word"
    )
    user.groups.add(Group.objects.get(name=group))
    return user

"""The newsletter on the organisation and person pages: the subscription among the consents in
force, and each campaign mail sent on the timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from common.models import OutboxMessage

from .outreach_models import CampaignMessage, Subscription
from .timeline import Entry, consent_provider, timeline_provider


@consent_provider(perms=("crm.view_subscription",))
def newsletter_subscriptions(*, organisation, people, user):
    """The newsletter subscription of each person (in force only once confirmed)."""
    for subscription in Subscription.objects.filter(person__in=people).select_related("person"):
        yield Entry(
            subscription.confirmed_at or subscription.requested_at,
            "consent",
            _("お知らせ配信（%(person)s）") % {"person": subscription.person},
            detail=subscription.get_state_display(),
            url=reverse("crm_subscriptions:inspect", args=[subscription.pk]),
            person=subscription.person,
        )


@timeline_provider(perms=("crm.view_campaign",))
def campaign_mails(*, organisation, people, user):
    """Campaign mails the outbox sent to these people."""
    items = CampaignMessage.objects.filter(
        person__in=people, outbox__state=OutboxMessage.State.SENT
    ).select_related("campaign", "outbox", "person")
    for item in items:
        yield Entry(
            item.outbox.sent_at,
            "mail",
            item.outbox.subject or item.campaign.title,
            detail=_("お知らせ配信「%(title)s」") % {"title": item.campaign.title},
            url=reverse("crm_campaigns:inspect", args=[item.campaign_id]),
            person=item.person,
        )

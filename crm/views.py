"""Public newsletter pages: confirm a subscription, unsubscribe (also one-click, RFC 8058)."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .newsletter import (
    confirm_link,
    subscription_confirm,
    subscription_unsubscribe,
    unsubscribe_link,
)
from .outreach_models import Subscription, SubscriptionEvent


@never_cache
@csrf_protect
def confirm(request, token):
    """The double opt-in: the link shows a button; pressing it starts the subscription.

    A GET changes nothing, so a mail scanner that opens every link subscribes nobody.
    """
    link = confirm_link(token)
    if link is None:
        raise Http404
    if request.method == "POST":
        subscription_confirm(subscription=link.subscription)
        return HttpResponseRedirect(request.path)
    return TemplateResponse(
        request, "crm/newsletter_confirm.html", {"subscription": link.subscription}
    )


@never_cache
@csrf_exempt
def unsubscribe(request, token):
    """Unsubscribe by the signed link in every campaign mail.

    A POST unsubscribes at once, without login or CSRF token: mail clients send
    ``List-Unsubscribe=One-Click`` here (RFC 8058), and the page's own button posts too. A GET
    only shows the button, because link scanners open URLs.
    """
    link = unsubscribe_link(token)
    if link is None:
        raise Http404
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        subscription_unsubscribe(
            subscription=link.subscription,
            channel=SubscriptionEvent.Channel.ONE_CLICK
            if one_click
            else SubscriptionEvent.Channel.LINK,
            campaign_id=link.campaign_id,
        )
        if one_click:
            return HttpResponse(status=200)
        return HttpResponseRedirect(request.path)
    done = link.subscription.state == Subscription.State.UNSUBSCRIBED
    return TemplateResponse(
        request, "crm/newsletter_unsubscribe.html", {"done": done, "token": token}
    )

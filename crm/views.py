"""Public newsletter pages: subscribe, confirm a subscription, unsubscribe (also one-click,
RFC 8058)."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from common.models import PurposeNotice
from common.public_forms import public_form_post

from .forms import NewsletterSignupForm
from .newsletter import (
    confirm_link,
    subscription_confirm,
    subscription_unsubscribe,
    unsubscribe_link,
)
from .outreach_models import Subscription, SubscriptionEvent
from .tasks import newsletter_signup_queue


@never_cache
@csrf_protect
def subscribe(request):
    """The stand-alone subscribe page: name, address, organisation, consent to the notice.

    Every valid submission gets the same answer (check your mailbox), whether the address was
    new, pending or already subscribed: the page tells nobody who is on the list. The person and
    the mail are the worker's job (one queued task), so the answer takes the same time too.
    """
    language = "en" if get_language() == "en" else "ja"
    notice = PurposeNotice.current(PurposeNotice.Scope.NEWSLETTER)

    def render(form, status=200):
        return TemplateResponse(
            request,
            "crm/newsletter_subscribe.html",
            {"form": form, "notice": notice.text(language) if notice else ""},
            status=status,
        )

    if request.method != "POST":
        return render(NewsletterSignupForm())

    def signup(form):
        data = form.cleaned_data
        newsletter_signup_queue(
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            language=language,
            notice=notice,
        )

    return public_form_post(
        request,
        NewsletterSignupForm(request.POST),
        name="newsletter",
        service=signup,
        success=lambda _result: reverse("crm:subscribe_thanks"),
        render=render,
    )


def subscribe_thanks(request):
    """The same answer for every submission: the confirmation mail is on its way."""
    return TemplateResponse(request, "crm/newsletter_subscribe_thanks.html")


@never_cache
@csrf_protect
def confirm(request, token):
    """The double opt-in: the link shows a button; pressing it starts the subscription.

    A GET changes nothing, so a mail scanner that opens every link subscribes nobody. A link
    made before the subscription last changed (a newer mail was sent, or it was unsubscribed
    since) confirms nothing and says so.
    """
    link = confirm_link(token)
    if link is None:
        raise Http404
    if request.method == "POST":
        subscription_confirm(subscription=link.subscription, version=link.version)
        return HttpResponseRedirect(request.path)
    return TemplateResponse(
        request,
        "crm/newsletter_confirm.html",
        {"subscription": link.subscription, "current": link.current},
    )


@never_cache
@csrf_exempt
def unsubscribe(request, token):
    """Unsubscribe by the signed link in every campaign mail.

    A POST unsubscribes at once, without login or CSRF token: mail clients send
    ``List-Unsubscribe=One-Click`` here (RFC 8058), and the page's own button posts too. A GET
    only shows the button, because link scanners open URLs. A link from before the
    subscription last changed (it was confirmed again since) stops nothing; the newest mail's
    link does.
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
            version=link.version,
        )
        if one_click:
            return HttpResponse(status=200)
        return HttpResponseRedirect(request.path)
    done = link.subscription.state == Subscription.State.UNSUBSCRIBED
    return TemplateResponse(
        request,
        "crm/newsletter_unsubscribe.html",
        {"done": done, "current": link.current, "token": token},
    )

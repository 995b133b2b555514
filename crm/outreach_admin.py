"""Staff back office for the newsletter and outreach campaigns (Wagtail admin viewsets).

Registered from ``CrmConfig.ready`` (not ``wagtail_hooks``) so the person pages of crm keep
their own hooks module.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from common.access_log import personal_data_access_log
from common.models import Municipality
from common.municipalities import Region
from common.viewsets import (
    AccessLoggedDeleteView,
    AccessLoggedHistoryView,
    AccessLoggedIndexMixin,
    AccessLoggedInspectMixin,
    AccessLoggedUsageView,
    ProtectedDeleteView,
)
from common.vocab import Category, RequesterType

from .models import Person
from .newsletter import subscription_request
from .outreach import (
    CampaignNotDraft,
    campaign_create,
    campaign_figures,
    campaign_preview,
    campaign_send,
)
from .outreach_models import Campaign, Subscription
from .segments import SEGMENT_KEYS, segment_preview

SEGMENT_FIELDS = SEGMENT_KEYS  # the segment fields of the form, checked by crm/checks.py


class CampaignForm(forms.ModelForm):
    """The mail in two languages and the segment it goes to."""

    requester_type = forms.ChoiceField(
        label=_("相談者区分"), required=False, choices=[("", "---------"), *RequesterType.choices]
    )
    region = forms.ChoiceField(
        label=_("地域"), required=False, choices=[("", "---------"), *Region.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("市町"), required=False, queryset=Municipality.objects.all()
    )
    industry = forms.CharField(label=_("業種（部分一致）"), required=False)
    seminar_from = forms.DateField(
        label=_("セミナー参加（この日から）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    seminar_to = forms.DateField(
        label=_("セミナー参加（この日まで）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    case_category = forms.ChoiceField(
        label=_("相談内容区分（相談したことがある）"),
        required=False,
        choices=[("", "---------"), *Category.choices],
    )
    subscribed = forms.BooleanField(
        label=_("購読中の人のみ数える（送信は常に購読中の人だけです）"),
        required=False,
        initial=True,
    )

    class Meta:
        model = Campaign
        fields = ["title", "subject_ja", "body_ja", "subject_en", "body_en"]
        widgets = {
            "body_ja": forms.Textarea(attrs={"rows": 10}),
            "body_en": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        segment = self.instance.segment or {}
        for name in SEGMENT_FIELDS:
            if name in segment:
                self.initial[name] = segment[name]

    def clean(self):
        data = super().clean()
        if bool(data.get("subject_en")) != bool(data.get("body_en")):
            raise forms.ValidationError(_("英語版は件名と本文の両方を入力してください。"))
        return data

    def segment(self) -> dict:
        segment = {}
        for name in SEGMENT_FIELDS:
            value = self.cleaned_data.get(name)
            if isinstance(value, Municipality):
                value = value.code
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            if value not in (None, "", False):
                segment[name] = value
        return segment

    def save(self, commit=True):
        if self.instance.pk and self.instance.state != Campaign.State.DRAFT:
            raise PermissionDenied
        self.instance.segment = self.segment()
        return super().save(commit=commit)


class CampaignCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return campaign_create(
            by=self.request.user,
            title=data["title"],
            segment=self.form.segment(),
            subject_ja=data["subject_ja"],
            body_ja=data["body_ja"],
            subject_en=data.get("subject_en", ""),
            body_en=data.get("body_en", ""),
        )

    def get_success_url(self):
        return reverse("crm_campaigns:inspect", args=[self.object.pk])


class CampaignEditView(generic.EditView):
    def dispatch(self, request, *args, **kwargs):
        campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        if campaign.state != Campaign.State.DRAFT:
            return redirect("crm_campaigns:inspect", campaign.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("crm_campaigns:inspect", args=[self.object.pk])


class CampaignInspectView(generic.InspectView):
    """Count, sample and preview before sending; the figures after."""

    template_name = "crm/admin/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        preview = segment_preview(campaign.segment)
        if not self.request.user.has_perm("crm.view_person"):
            # The counts are the campaign's; who is in the sample is people's data.
            preview = {**preview, "sample": []}
        else:
            for person in preview["sample"]:
                personal_data_access_log(
                    user=self.request.user, subject=person, context="admin_campaign_sample"
                )
        context.update(
            campaign=campaign,
            preview=preview,
            preview_ja=campaign_preview(campaign=campaign, language="ja"),
            preview_en=campaign_preview(campaign=campaign, language="en")
            if campaign.subject_en
            else None,
            figures=campaign_figures(campaign),
            can_send=campaign.state == Campaign.State.DRAFT
            and self.request.user.has_perm("crm.change_campaign"),
        )
        return context


@require_POST
def campaign_send_view(request, pk):
    if not request.user.has_perm("crm.change_campaign"):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        count = campaign_send(campaign=campaign, by=request.user)
    except CampaignNotDraft:
        messages.error(request, gettext("この配信はすでに送信しています。"))
    else:
        messages.success(request, gettext("{n}人への送信を始めました。").format(n=count))
    return redirect("crm_campaigns:inspect", pk)


class CampaignViewSet(ModelViewSet):
    model = Campaign
    delete_view_class = ProtectedDeleteView
    name = "crm_campaigns"
    url_prefix = "outreach/campaigns"
    icon = "mail"
    menu_label = _("配信")
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    inspect_view_class = CampaignInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "title",
        Column("state", label=_("状態"), accessor="get_state_display"),
        Column("created_at", label=_("作成日時")),
        Column("send_started_at", label=_("送信開始日時")),
    ]

    def get_form_class(self, for_update=False):
        return CampaignForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/send/", campaign_send_view, name="send"),
        ]


class SubscriptionRequestForm(forms.ModelForm):
    """Staff ask a person to confirm a subscription (the person has asked for it)."""

    class Meta:
        model = Subscription
        fields = ["person", "language"]
        widgets = {"language": forms.Select(choices=[("ja", "日本語"), ("en", "English")])}

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(anonymised_at__isnull=True).exclude(
            email=""
        )

    def validate_unique(self):
        # A second request for the same person re-sends the link (the service handles it).
        pass


class SubscriptionCreateView(generic.CreateView):
    def get(self, request, *args, **kwargs):
        # The form offers every person with an address to choose from: a read of them all.
        personal_data_access_log(
            user=request.user,
            subject=None,
            context="admin_subscription_add",
            label=str(_("購読者")),
        )
        return super().get(request, *args, **kwargs)

    def save_instance(self):
        with transaction.atomic():
            return subscription_request(
                person=self.form.cleaned_data["person"],
                language=self.form.cleaned_data["language"],
                by=self.request.user,
            )

    def get_success_message(self, instance):
        return gettext("{person} さんに確認メールを送りました。").format(person=instance.person)

    def get_success_url(self):
        return reverse("crm_subscriptions:inspect", args=[self.object.pk])


class SubscriptionEditView(generic.EditView):
    """A subscription is not edited (the person confirms or unsubscribes): its page."""

    def dispatch(self, request, *args, **kwargs):
        # An unknown key is "not found" here, not a redirect to a page that then is.
        try:
            subscription = get_object_or_404(Subscription, pk=kwargs["pk"])
        except (ValueError, ValidationError):
            raise Http404 from None
        return redirect("crm_subscriptions:inspect", subscription.pk)


class SubscriptionIndexView(AccessLoggedIndexMixin, generic.IndexView):
    """Subscribers' names and addresses: every view of the list is logged."""

    access_log_context = "admin_subscription"


class SubscriptionInspectView(AccessLoggedInspectMixin, generic.InspectView):
    access_log_context = "admin_subscription"
    template_name = "crm/admin/subscription_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("by", "campaign", "notice")
        return context


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    delete_view_class = AccessLoggedDeleteView
    edit_view_class = SubscriptionEditView
    history_view_class = AccessLoggedHistoryView
    usage_view_class = AccessLoggedUsageView
    name = "crm_subscriptions"
    url_prefix = "outreach/subscriptions"
    icon = "user"
    menu_label = _("購読者")
    add_view_class = SubscriptionCreateView
    index_view_class = SubscriptionIndexView
    inspect_view_class = SubscriptionInspectView
    inspect_view_enabled = True
    edit_view_enabled = False
    copy_view_enabled = False
    list_filter = ["state", "language"]
    list_display = [
        "person",
        Column("email", label=_("メールアドレス"), accessor="person.email"),
        Column("state", label=_("状態"), accessor="get_state_display"),
        Column("confirmed_at", label=_("確認日時")),
        Column("unsubscribed_at", label=_("配信停止日時")),
    ]

    def get_form_class(self, for_update=False):
        return SubscriptionRequestForm

    def get_edit_url(self, instance):
        return reverse("crm_subscriptions:inspect", args=[instance.pk])


class OutreachViewSetGroup(ViewSetGroup):
    menu_label = _("お知らせ配信")
    menu_icon = "mail"
    menu_order = 250
    items = (CampaignViewSet, SubscriptionViewSet)


@hooks.register("register_admin_viewset")
def register_outreach_viewsets():
    return OutreachViewSetGroup()

"""Newsletter subscriptions (double opt-in, with their history) and outreach campaigns.

Imported by ``crm.models`` so Django registers them with the crm app.
"""

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import OutboxMessage, PurposeNotice


class Subscription(models.Model):
    """One person's newsletter subscription: pending until the confirmation link is used."""

    class State(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        ACTIVE = "active", _("購読中")
        UNSUBSCRIBED = "unsubscribed", _("配信停止")
        SUSPENDED = "suspended", _("不達により停止中")

    person = models.OneToOneField(
        "crm.Person",
        verbose_name=_("担当者"),
        on_delete=models.CASCADE,
        related_name="subscription",
    )
    state = models.CharField(
        _("状態"), max_length=15, choices=State.choices, default=State.PENDING, db_index=True
    )
    language = models.CharField(_("言語"), max_length=5, default="ja")
    requested_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("配信停止日時"), null=True, blank=True)
    # Counts the changes of state; every confirmation and unsubscribe link carries the count it
    # was made for, so a link works once and never after the subscription changed.
    version = models.PositiveIntegerField(_("変更回数"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("メールマガジン購読")
        verbose_name_plural = _("メールマガジン購読")

    def __str__(self):
        return f"{self.person} ({self.get_state_display()})"

    @property
    def in_force(self) -> bool:
        return self.state == self.State.ACTIVE


class SubscriptionEvent(models.Model):
    """One change of a subscription: who or what changed it, when, and how."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("申込（確認メール送信）")
        CONFIRMED = "confirmed", _("確認（購読開始）")
        UNSUBSCRIBED = "unsubscribed", _("配信停止")
        BOUNCED = "bounced", _("不達により停止")

    class Channel(models.TextChoices):
        LINK = "link", _("メールのリンク")
        ONE_CLICK = "one_click", _("ワンクリック配信停止")
        MAILTO = "mailto", _("配信停止メール")
        STAFF = "staff", _("職員")
        SYSTEM = "system", _("システム")
        CONSULTATION_FORM = "consultation", _("相談申込フォーム")
        SEMINAR_FORM = "seminar", _("セミナー申込フォーム")
        BOOKING_FORM = "booking", _("個別相談会予約フォーム")
        SUBSCRIBE_PAGE = "subscribe", _("メールマガジン申込ページ")

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("購読"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=15, choices=Action.choices)
    channel = models.CharField(_("経路"), max_length=15, choices=Channel.choices)
    campaign = models.ForeignKey(
        "crm.Campaign",
        verbose_name=_("きっかけの配信"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscription_events",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"), default=timezone.now)
    # The purpose notice the person read and consented to (the subscribe page asks for it).
    notice = models.ForeignKey(
        PurposeNotice,
        verbose_name=_("同意した利用目的の通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("購読の記録")
        verbose_name_plural = _("購読の記録")

    def __str__(self):
        return f"{self.subscription_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Campaign(models.Model):
    """An outreach mail to a segment of subscribed people, in Japanese and English."""

    class State(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")

    title = models.CharField(_("管理用の名前"), max_length=200)
    segment = models.JSONField(_("配信対象の条件"), default=dict, blank=True)
    subject_ja = models.CharField(_("件名（日本語）"), max_length=200)
    body_ja = models.TextField(_("本文（日本語）"))
    subject_en = models.CharField(_("件名（英語）"), max_length=200, blank=True)
    body_en = models.TextField(_("本文（英語）"), blank=True)
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    send_started_at = models.DateTimeField(_("送信開始日時"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送信者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("配信")
        verbose_name_plural = _("配信")

    def __str__(self):
        return self.title


class CampaignMessage(models.Model):
    """One recipient of a campaign: queued, handed to the outbox, or skipped (and why)."""

    class State(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        QUEUED = "queued", _("送信キューへ")
        SKIPPED = "skipped", _("送信せず")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("配信"), on_delete=models.CASCADE, related_name="messages"
    )
    person = models.ForeignKey(
        "crm.Person", verbose_name=_("担当者"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    skip_reason = models.CharField(_("送信しなかった理由"), max_length=100, blank=True)
    outbox = models.OneToOneField(
        OutboxMessage,
        verbose_name=_("送信メール"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="campaign_one_per_person")
        ]
        verbose_name = _("配信先")
        verbose_name_plural = _("配信先")

    def __str__(self):
        return f"{self.campaign_id} → {self.person_id}"

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting

from .panels import HistoryLinkPanel


class Municipality(models.Model):
    """The prefecture and its 29 市町, keyed by 全国地方公共団体コード (6 digits)."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("県")
        CITY = "city", _("市")
        TOWN = "town", _("町")

    code = models.CharField(_("団体コード"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("名称（英語）"), max_length=40, blank=True)
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    district = models.CharField(_("郡"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("市町")
        verbose_name_plural = _("市町")

    def __str__(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class PurposeNotice(models.Model):
    """A version of the purpose-of-use notice (利用目的の明示); consents name the version."""

    class Scope(models.TextChoices):
        CONSULTATION = "consultation", _("相談受付")
        SEMINAR = "seminar", _("セミナー申込")
        NEWSLETTER = "newsletter", _("メールマガジン購読")

    scope = models.CharField(_("対象"), max_length=20, choices=Scope.choices)
    version = models.CharField(_("版"), max_length=20)
    text_ja = models.TextField(_("本文（日本語）"))
    text_en = models.TextField(_("本文（英語）"), blank=True)
    effective_from = models.DateTimeField(_("適用開始"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "version"], name="notice_scope_version")
        ]
        verbose_name = _("利用目的の通知")
        verbose_name_plural = _("利用目的の通知")

    def __str__(self):
        return f"{self.get_scope_display()} {self.version}"

    def text(self, language: str | None = None) -> str:
        language = language or get_language() or "ja"
        return self.text_en if language.startswith("en") and self.text_en else self.text_ja

    @classmethod
    def current(cls, scope: str) -> "PurposeNotice | None":
        """The version in force now. Every form page shows it, so it is cached until the next
        version takes effect (at most five minutes); saving or deleting a notice clears it.
        Kept in the `pages` cache (files every worker shares: no SQL to read it)."""
        cache = caches["pages"]
        now = timezone.now()
        cached = cache.get(cls._cache_key(scope))
        if cached is not None and (cached[1] is None or now < cached[1]):
            return cached[0]
        # One query: the scope's versions are few (one a year or so).
        notice = upcoming = None
        for version in cls.objects.filter(scope=scope).order_by("-effective_from"):
            if version.effective_from > now:
                upcoming = version.effective_from
            else:
                notice = version
                break
        cache.set(cls._cache_key(scope), (notice, upcoming), 300)
        return notice

    @staticmethod
    def _cache_key(scope: str) -> str:
        return f"purpose-notice:{scope}"

    @classmethod
    def forget_current(cls, **kwargs) -> None:
        caches["pages"].delete_many([cls._cache_key(s) for s in cls.Scope.values])


class OutboxMessage(models.Model):
    """One mail to send; written in the same transaction as the change that causes it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("送信待ち")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    to_email = models.EmailField(_("宛先"))
    language = models.CharField(_("言語"), max_length=5, default="ja")
    template = models.CharField(_("種類"), max_length=60)
    context = models.JSONField(_("差し込み内容"), default=dict, blank=True)
    attachments = models.JSONField(_("添付"), default=list, blank=True)
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    next_attempt_at = models.DateTimeField(_("次回試行"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    subject = models.CharField(_("件名"), max_length=255, blank=True)
    provider_message_id = models.CharField(_("配信ID"), max_length=255, blank=True, db_index=True)
    # Fixed for the row (issue 20): every attempt sends the same Message-ID, so a resend after a
    # worker died between the provider's acceptance and "sent" is the same message, not a second.
    message_id = models.CharField("Message-ID", max_length=255, blank=True, db_index=True)
    # While a worker sends, the row is its until then; past it another worker may try again.
    lease_until = models.DateTimeField(_("送信中（期限）"), null=True, blank=True)
    delivery_status = models.CharField(_("配信状況"), max_length=30, blank=True)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    related.verbose_name = _("関連")  # the admin's usage page names the field
    related_label = models.CharField(_("関連"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["related_type", "related_id"])]
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")

    def __str__(self):
        return f"{self.template} → {self.to_email}"


class ScheduledRun(models.Model):
    """A job's run for one period (a day): the row is the claim, so a period runs once however
    many schedulers run (common.scheduling.claim_period)."""

    job = models.CharField(max_length=60)
    period = models.CharField(max_length=40)
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self):
        return f"{self.job} {self.period}"


class BouncedAddress(models.Model):
    """An address the provider reported as bouncing; shown wherever the address appears."""

    email = models.EmailField(_("メールアドレス"), unique=True)
    reason = models.CharField(_("理由"), max_length=255, blank=True)
    bounced_at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("不達アドレス")
        verbose_name_plural = _("不達アドレス")

    def __str__(self):
        return self.email


class PersonalDataAccess(models.Model):
    """Who looked at whose personal data, when (個人情報へのアクセス記録)."""

    # Empty for a disclosure exported from the command line, or one that found nobody.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("種類"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.CharField(max_length=40, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject.verbose_name = _("対象")  # the admin's usage page names the field
    subject_label = models.CharField(_("対象"), max_length=120)
    context = models.CharField(_("画面"), max_length=60)
    accessed_at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)

    # What each screen code means to the manager reading the log; a code without a label is
    # shown as it is (tests/test_access_log.py lists the codes the apps write).
    CONTEXT_LABELS = {
        "admin_access_log": _("個人情報アクセス記録"),
        "admin_campaign_sample": _("配信の宛先見本"),
        "admin_case": _("相談案件の詳細"),
        "admin_case_list": _("相談案件の一覧"),
        "admin_crm_duplicates": _("重複の可能性"),
        "admin_crm_merge": _("記録の統合の確認"),
        "admin_delete_confirm": _("削除の確認"),
        "admin_session_bookings": _("個別相談会の予約一覧"),
        "admin_subscription": _("メールマガジンの購読"),
        "admin_subscription_add": _("メールマガジンの購読の追加"),
        "admin_usage": _("使用箇所"),
        "admin_wagtail_history": _("変更履歴（管理画面）"),
        "admin_case_assign": _("相談案件の紹介先選択"),
        "admin_case_attachment": _("相談案件の添付ファイル"),
        "admin_case_edit": _("相談案件の編集"),
        "admin_case_export": _("相談案件一覧のダウンロード"),
        "admin_case_search": _("相談案件の検索"),
        "admin_crm": _("団体・担当者の記録"),
        "admin_crm_list": _("団体・担当者の一覧"),
        "admin_crm_search": _("団体・担当者の検索"),
        "admin_history": _("変更履歴"),
        "admin_mail": _("送信メールの詳細"),
        "admin_mail_list": _("送信メール一覧"),
        "admin_mail_search": _("送信メールの検索"),
        "admin_search": _("人と記録の検索"),
        "admin_search_result": _("人と記録の検索結果"),
        "login_unlock": _("ログイン制限の解除"),
        "partner_attachment": _("パートナーポータル: 添付ファイル"),
        "partner_case": _("パートナーポータル: 相談案件"),
        "partner_session": _("パートナーポータル: 個別相談会"),
        "seminar_checkin": _("セミナーの受付（チェックイン）"),
        "seminar_roster": _("セミナーの名簿"),
    }

    LIST_SUFFIX_LABELS = {
        "list": _("一覧"),
        "search": _("検索"),
        "export": _("ダウンロード"),
    }

    class Meta:
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        permissions = [("export_personal_data", "開示請求に応じて個人情報を書き出す")]
        verbose_name = _("個人情報アクセス記録")
        verbose_name_plural = _("個人情報アクセス記録")

    def __str__(self):
        return f"{self.user} {self.subject_label} {self.accessed_at:%Y-%m-%d %H:%M}"

    @property
    def context_label(self) -> str:
        """The screen in words: 相談案件の詳細, 開示請求（PDF）; an unknown code as it is."""
        if self.context in self.CONTEXT_LABELS:
            return str(self.CONTEXT_LABELS[self.context])
        # A logged list view writes <screen>_list, _search or _export (AccessLoggedIndexMixin).
        base, _sep, suffix = self.context.rpartition("_")
        if base in self.CONTEXT_LABELS and suffix in self.LIST_SUFFIX_LABELS:
            return _("{screen}（{view}）").format(
                screen=self.CONTEXT_LABELS[base], view=self.LIST_SUFFIX_LABELS[suffix]
            )
        if self.context.startswith("disclosure_"):
            fmt = self.context.removeprefix("disclosure_").upper()
            return _("開示請求（{fmt}）").format(fmt=fmt)
        return self.context


class CenterSettings(BaseSiteSetting):
    """Contact details of the center, used in the footer and in every mail's signature."""

    name = models.CharField(_("センター名"), max_length=100, default="みえDXセンター")
    name_en = models.CharField(_("センター名（英語）"), max_length=100, default="Mie DX Center")
    organisation = models.CharField(
        _("運営"), max_length=100, default="三重県 デジタル社会推進局 デジタル改革推進課"
    )
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    office_hours = models.CharField(_("受付時間"), max_length=100, blank=True)
    office_hours_en = models.CharField(_("受付時間（英語）"), max_length=100, blank=True)
    mail_signature = models.TextField(_("メール署名"), blank=True)
    mail_signature_en = models.TextField(_("メール署名（英語）"), blank=True)

    history = HistoricalRecords()

    panels = [
        *(
            FieldPanel(name)
            for name in (
                "name",
                "name_en",
                "organisation",
                "address",
                "phone",
                "email",
                "office_hours",
                "office_hours_en",
                "mail_signature",
                "mail_signature_en",
            )
        ),
        HistoryLinkPanel(),
    ]

    class Meta:
        verbose_name = _("センター情報")
        permissions = [
            # Granted to a group, it makes the TOTP second factor compulsory in the admin for
            # its members (common.security). Superusers are not forced by it.
            ("require_otp", _("管理画面で二要素認証（TOTP）を必須にする")),
            # センター管理者: lift a login lockout (管理画面 → ログイン制限).
            ("unlock_login", _("ログイン制限を解除する")),
        ]

    def signature(self, language: str = "ja") -> str:
        if language.startswith("en") and self.mail_signature_en:
            return self.mail_signature_en
        return self.mail_signature or f"{self.name}\n{self.organisation}"


class ProcessedWebhookEvent(models.Model):
    """Provider events already applied: the same event delivered twice is applied once."""

    event_key = models.CharField(_("イベントID"), max_length=255, unique=True)
    esp_name = models.CharField(_("配信事業者"), max_length=40)
    event_type = models.CharField(_("種類"), max_length=40)
    recipient = models.EmailField(_("宛先"), blank=True)
    received_at = models.DateTimeField(_("受信日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("配信通知")
        verbose_name_plural = _("配信通知")

    def __str__(self):
        return f"{self.esp_name} {self.event_type} {self.recipient}"

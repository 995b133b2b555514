from simple_history.models import HistoricalRecords

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Municipality, PurposeNotice
from common.people_search import search_key
from common.storage import private_storage
from common.vocab import Category, RequesterType
from crm.models import Organisation, Person
from partners.models import Advisor, PartnerCompany


def case_entry_errors(
    *, received_on, requester_type, municipality, email, phone, today=None
) -> dict[str, str]:
    """The rules every form that takes today's consultation obeys (staff entry, the public
    form, imports of current work), in one place: field name → message in Japanese.
    Past-records import (history) does not apply them."""
    from django.utils import timezone

    from common.vocab import RequesterType

    errors = {}
    today = today or timezone.localdate()
    if received_on is not None and received_on > today:
        errors["received_on"] = _("受付日に未来の日付は指定できません。")
    if requester_type == RequesterType.MUNICIPALITY and not municipality:
        errors["municipality"] = _("県・市町の方は所在市町を選択してください。")
    if not (email or "").strip() and not (phone or "").strip():
        errors["email"] = _("相談者に連絡できるよう、メールアドレスか電話番号を入力してください。")
    return errors


# Closed cases: these change only by reopening through the life cycle (case_transition).
CLOSED_CASE_FROZEN_FIELDS = ("support_given", "outcome", "category")


class Case(models.Model):
    """One consultation request (相談案件)."""

    class Status(models.TextChoices):
        NEW = "new", _("受付")
        TRIAGE = "triage", _("確認中")
        ASSIGNED = "assigned", _("紹介済")
        IN_PROGRESS = "in_progress", _("対応中")
        CLOSED = "closed", _("完了")
        WITHDRAWN = "withdrawn", _("取下げ")

    class Channel(models.TextChoices):
        WEB = "web", _("ウェブ")
        PHONE = "phone", _("電話")
        EMAIL = "email", _("メール")
        VISIT = "visit", _("来所")
        IMPORT = "import", _("取込")
        SESSION = "session", _("個別相談会")

    OPEN_STATUSES = (Status.NEW, Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS)
    # What a past record closed before this system says where today's form requires an answer
    # (対応内容, 結果): kept as text so staff see it, filter by it, and nobody mistakes it for one.
    NOT_RECORDED = "記録なし"

    reference = models.CharField(_("受付番号"), max_length=20, unique=True)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    sequence = models.PositiveIntegerField(_("年度内番号"))
    received_on = models.DateField(_("受付日"), db_index=True)
    channel = models.CharField(_("受付経路"), max_length=10, choices=Channel.choices)
    requester_type = models.CharField(
        _("相談者区分"), max_length=20, choices=RequesterType.choices, db_index=True
    )
    category = models.CharField(
        _("相談内容区分"), max_length=20, choices=Category.choices, db_index=True
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("相談者"), on_delete=models.PROTECT, related_name="cases"
    )
    contact = models.ForeignKey(
        Person,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # The address given for this case (or one staff confirmed in the case edit form): every mail
    # about the case goes here, never to an address the contact person's record got later
    # through another submission or a merge.
    contact_email = models.EmailField(
        _("連絡先メールアドレス"),
        blank=True,
        help_text=_("この相談についてのメール（受付・同意のお願い・アンケートなど）の送り先"),
    )
    # Denormalised from the organisation at intake so statistics need no join.
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所在市町"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("相談内容"))
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    first_response_due = models.DateField(_("初回対応期限"), null=True, blank=True)
    first_responded_on = models.DateField(_("初回対応日"), null=True, blank=True)
    support_given = models.TextField(_("対応内容"), blank=True)
    outcome = models.TextField(_("結果"), blank=True)
    closed_on = models.DateField(_("完了日"), null=True, blank=True)
    is_report_example = models.BooleanField(_("年次報告に事例として掲載"), default=False)
    language = models.CharField(_("連絡に使う言語"), max_length=5, default="ja")
    assignee_text = models.CharField(
        _("担当（記録）"),
        max_length=200,
        blank=True,
        help_text=_("取込時に該当するアドバイザー・パートナーがなかった担当名"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当職員"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    # The one search's column (common.people_search): reference and the case's own address.
    search_key = models.TextField(_("検索用の文字列"), blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        ordering = ["-received_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "sequence"], name="case_fy_sequence")
        ]
        indexes = [models.Index(fields=["fiscal_year", "requester_type", "category"])]
        verbose_name = _("相談案件")
        verbose_name_plural = _("相談案件")

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def save(self, *args, **kwargs):
        self.search_key = search_key(texts=[self.reference], emails=[self.contact_email])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    @property
    def outcome_summary(self) -> str:
        """The result as the case list shows it: its first line, at most 30 characters."""
        first = self.outcome.strip().splitlines()[0] if self.outcome.strip() else ""
        return first if len(first) <= 30 else first[:29] + "…"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def consent(self) -> "ConsentRecord | None":
        """The latest recorded consent decision: referral is possible only while it says yes."""
        return self.consents.order_by("-pk").select_related("notice").first()

    # The overdue rule, in its two forms side by side (a filter for lists and counts, a
    # property for one case); cases/tests/test_overdue.py holds them to the same answer.
    @classmethod
    def overdue_q(cls, today=None) -> Q:
        """Open, not yet answered, and the first-response date has passed."""
        return Q(
            status__in=cls.OPEN_STATUSES,
            first_responded_on__isnull=True,
            first_response_due__lt=today or timezone.localdate(),
        )

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.is_open
            and self.first_responded_on is None
            and self.first_response_due
            and self.first_response_due < timezone.localdate()
        )


class ConsentRecord(models.Model):
    """One step of the requester's referral consent: given, not given, or withdrawn.

    A case's consent is a history (APPI: recorded, separate consent): the latest record decides.
    A case with no record at all (an imported past case) has not been asked.
    """

    class Method(models.TextChoices):
        WEB = "web", _("ウェブフォーム")
        PHONE = "phone", _("電話")
        EMAIL = "email", _("メール")
        VISIT = "visit", _("来所・訪問")
        FORM = "form", _("書面")
        LINK = "link", _("メールのリンク")

    case = models.ForeignKey(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="consents"
    )
    notice = models.ForeignKey(
        PurposeNotice,
        verbose_name=_("表示した通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_purpose = models.BooleanField(_("利用目的の確認"), default=False)
    referral_consent = models.BooleanField(_("アドバイザー・パートナーへの提供に同意"))
    withdrawal = models.BooleanField(_("同意の撤回"), default=False)
    given_at = models.DateTimeField(_("意思表示の日時"), default=timezone.now)
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    channel = models.CharField(
        _("取得方法"), max_length=20, choices=Method.choices, default=Method.WEB
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("メモ"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("同意記録")
        verbose_name_plural = _("同意記録")

    def __str__(self):
        return f"{self.case.reference} {self.notice.version if self.notice else ''}".strip()


class Assignment(models.Model):
    """A referral of a case to one advisor or one partner company."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("依頼中")
        ACCEPTED = "accepted", _("受諾")
        DECLINED = "declined", _("辞退")
        DONE = "done", _("対応完了")
        ENDED = "ended", _("紹介終了（同意撤回）")

    case = models.ForeignKey(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="assignments"
    )
    advisor = models.ForeignKey(
        Advisor,
        verbose_name=_("アドバイザー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    company = models.ForeignKey(
        PartnerCompany,
        verbose_name=_("パートナー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    note = models.TextField(_("依頼事項"), blank=True)
    respond_by = models.DateField(_("回答期限"), null=True, blank=True)
    decline_reason = models.TextField(_("辞退理由"), blank=True)
    summary = models.TextField(_("支援内容の報告"), blank=True)
    # Empty for a session booked by the public (the referral is the booking itself).
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("督促日時"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("職員通知日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(advisor__isnull=False, company__isnull=True))
                | (Q(advisor__isnull=True, company__isnull=False)),
                name="assignment_exactly_one_assignee",
            )
        ]
        verbose_name = _("紹介")
        verbose_name_plural = _("紹介")

    def __str__(self):
        return f"{self.case.reference} → {self.assignee}"

    @property
    def assignee(self):
        return self.advisor or self.company


class Note(models.Model):
    """A note on a case: internal to staff, or shared with the assignees."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("職員のみ")
        SHARED = "shared", _("紹介先と共有")

    case = models.ForeignKey(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記入者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("紹介"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )

    class ContactKind(models.TextChoices):
        CALL = "call", _("電話")
        MAIL = "mail", _("メール送信")
        MEETING = "meeting", _("面談・訪問")

    visibility = models.CharField(
        _("公開範囲"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    contact = models.CharField(
        _("相談者との連絡"),
        max_length=10,
        choices=ContactKind.choices,
        blank=True,
        help_text=_("相談者と連絡したメモなら、その方法（初回対応として記録されます）"),
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("メモ")
        verbose_name_plural = _("メモ")

    def __str__(self):
        return f"{self.case.reference} {self.created_at:%Y-%m-%d}"


class CaseEvent(models.Model):
    """One step of a case's life: a status change or another recorded action, with its actor."""

    case = models.ForeignKey(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実施者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("変更前"), max_length=20, blank=True)
    to_status = models.CharField(_("変更後"), max_length=20, blank=True)
    comment = models.TextField(_("コメント"), blank=True)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("案件の記録")
        verbose_name_plural = _("案件の記録")

    def __str__(self):
        return f"{self.case.reference} {self.action} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"cases/{instance.case.fiscal_year}/{instance.case.reference}/{filename}"


class Attachment(models.Model):
    """A file on a case; stored privately and served only to those who may see the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="attachments"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("紹介"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(
        _("ファイル"), upload_to=attachment_path, storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(_("種類"), max_length=100)
    size = models.PositiveIntegerField(_("サイズ"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    def __str__(self):
        return self.original_name


class CaseSurvey(models.Model):
    """The requester's answer after closure: was the support helpful (支援に対する貢献度)."""

    case = models.OneToOneField(
        Case, verbose_name=_("相談案件"), on_delete=models.CASCADE, related_name="survey"
    )
    token = models.CharField(_("回答用トークン"), max_length=64, unique=True)
    # Empty when no mail went out (an imported closure, a contact without e-mail): such a
    # survey cannot be answered by its token.
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    helpful = models.BooleanField(_("支援は役に立ったか"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("満足度（5段階）"), null=True, blank=True)
    comment = models.TextField(_("ご意見"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("相談者アンケート")
        verbose_name_plural = _("相談者アンケート")

    def __str__(self):
        return f"{self.case.reference}"


class StaffMailPreference(models.Model):
    """How one staff member wants to hear of new consultations, and the morning list."""

    class NewCase(models.TextChoices):
        EACH = "each", _("相談ごとにメール")
        DIGEST = "digest", _("1日1回まとめて")
        NONE = "none", _("受け取らない")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="staff_mail_preference",
    )
    new_case = models.CharField(
        _("新しい相談の通知"), max_length=10, choices=NewCase.choices, default=NewCase.EACH
    )
    morning_list = models.BooleanField(
        _("初回対応期限（本日・超過）の一覧を毎朝受け取る"), default=True
    )
    # The day each daily mail last went out: a second scheduler tick the same day sends nothing.
    digest_sent_at = models.DateTimeField(_("まとめメール送信日時"), null=True, blank=True)
    morning_list_sent_on = models.DateField(_("朝の一覧送信日"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("職員のメール設定")
        verbose_name_plural = _("職員のメール設定")

    def __str__(self):
        return str(self.user)

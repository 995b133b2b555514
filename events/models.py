from modelcluster.fields import ParentalManyToManyField
from simple_history.models import HistoricalRecords

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from crm.models import Person
from dxcenter.common.models import Municipality, PurposeNotice
from dxcenter.common.search import BIGRAMS, JapaneseSearchMixin
from dxcenter.common.vocab import RequesterType
from partners.models import Advisor, PartnerCompany


class SeminarIndexPage(JapaneseSearchMixin, Page):
    """Lists upcoming and past seminars."""

    search_fields = [*Page.search_fields, BIGRAMS]

    intro = RichTextField(_("はじめに"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.SeminarPage"]
    max_count_per_parent = 1

    # The listing is a selector, and selectors import this module: EventsConfig.ready attaches
    # it (selectors.seminar_index), so no import runs in a circle.
    seminar_listing = None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.seminar_listing())
        return context

    class Meta:
        verbose_name = _("セミナー一覧ページ")


class SeminarPage(JapaneseSearchMixin, Page):
    """A seminar (みえDXセンターセミナー): the page is also the domain record."""

    # Selectors and the page's view import this module: EventsConfig.ready attaches them
    # (selectors.canonical_seminar, selectors.seminar_attendance, views.seminar_page), so no
    # import runs in a circle.
    seminar_canonical = None
    seminar_attendance = None
    seminar_view = None

    class Format(models.TextChoices):
        VENUE = "venue", _("会場")
        ONLINE = "online", _("オンライン")
        HYBRID = "hybrid", _("ハイブリッド")

    summary = models.TextField(_("概要"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label=_("見出し"))),
            ("paragraph", blocks.RichTextBlock(label=_("本文"))),
        ],
        verbose_name=_("本文"),
        blank=True,
    )
    starts_at = models.DateTimeField(_("開始日時"), db_index=True)
    ends_at = models.DateTimeField(_("終了日時"))
    format = models.CharField(_("開催形式"), max_length=10, choices=Format.choices)
    venue_name = models.CharField(_("会場名"), max_length=200, blank=True)
    venue_address = models.CharField(_("会場住所"), max_length=200, blank=True)
    online_url = models.URLField(
        _("オンライン参加URL"),
        blank=True,
        help_text=_("公開されません。オンライン参加者にのみ送信します。"),
    )
    capacity_venue = models.PositiveIntegerField(
        _("会場定員"), null=True, blank=True, help_text=_("空欄は制限なし")
    )
    capacity_online = models.PositiveIntegerField(
        _("オンライン定員"), null=True, blank=True, help_text=_("空欄は制限なし")
    )
    lecturer_advisors = ParentalManyToManyField(
        Advisor, verbose_name=_("講師（アドバイザー）"), blank=True, related_name="seminars"
    )
    lecturer_companies = ParentalManyToManyField(
        PartnerCompany, verbose_name=_("講師（パートナー）"), blank=True, related_name="seminars"
    )
    guest_lecturers = models.TextField(_("その他の講師"), blank=True, help_text=_("1行に1名"))
    target_audience = models.CharField(_("対象"), max_length=200, blank=True)
    registration_opens_at = models.DateTimeField(_("申込開始"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("申込締切"), null=True, blank=True)
    materials = StreamField(
        [("document", DocumentChooserBlock(label=_("資料")))],
        verbose_name=_("資料"),
        blank=True,
    )
    is_cancelled = models.BooleanField(
        _("開催中止"),
        default=False,
        help_text=_("公開すると、申込者全員に中止のメールと予定表の取消しを送ります。"),
    )
    recorded_attendance = models.PositiveIntegerField(
        _("参加者数（記録）"),
        null=True,
        blank=True,
        help_text=_("本システム導入前のセミナーの参加者数。空欄なら受付済みの人数を使います。"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("online_url"),
                FieldRowPanel([FieldPanel("capacity_venue"), FieldPanel("capacity_online")]),
                FieldPanel("is_cancelled"),
            ],
            heading=_("日時・会場"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("lecturer_advisors"),
                FieldPanel("lecturer_companies"),
                FieldPanel("guest_lecturers"),
                FieldPanel("target_audience"),
            ],
            heading=_("講師・対象"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                )
            ],
            heading=_("申込受付"),
        ),
        FieldPanel("body"),
        FieldPanel("materials"),
        FieldPanel("recorded_attendance"),
    ]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["events.SeminarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("セミナー")

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def capacity_for(self, mode: str) -> int | None:
        return self.capacity_online if mode == Registration.Mode.ONLINE else self.capacity_venue

    def modes(self) -> list[str]:
        if self.format == self.Format.VENUE:
            return [Registration.Mode.VENUE]
        if self.format == self.Format.ONLINE:
            return [Registration.Mode.ONLINE]
        return [Registration.Mode.VENUE, Registration.Mode.ONLINE]

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_cancelled:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now > self.registration_closes_at:
            return False
        return now < self.starts_at

    def lecturers_text(self) -> str:
        names = [str(a) for a in self.lecturer_advisors.all()]
        names += [str(c) for c in self.lecturer_companies.all()]
        names += [g.strip() for g in self.guest_lecturers.splitlines() if g.strip()]
        return "、".join(names)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        seminar = self.seminar_canonical()
        context["seminar"] = seminar
        context["attendance"] = seminar.seminar_attendance() if seminar.is_past else None
        return context

    def serve(self, request, *args, **kwargs):
        return self.seminar_view(request, page=self)


class Registration(models.Model):
    """One person's registration for a seminar (personal data)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("参加確定")
        WAITLISTED = "waitlisted", _("キャンセル待ち")
        CANCELLED = "cancelled", _("キャンセル")

    class Mode(models.TextChoices):
        VENUE = "venue", _("会場")
        ONLINE = "online", _("オンライン")

    seminar = models.ForeignKey(
        SeminarPage,
        verbose_name=_("セミナー"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("フリガナ"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"))
    organisation = models.CharField(_("所属"), max_length=200, blank=True)
    # The CRM record of the registrant, when found (issue 18): sure or likely (listed under
    # 重複の可能性 for staff). Empty when nobody matched.
    person = models.ForeignKey(
        Person,
        verbose_name=_("担当者（CRM）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    requester_type = models.CharField(
        _("区分"), max_length=20, choices=RequesterType.choices, blank=True
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所在市町"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("参加方法"), max_length=10, choices=Mode.choices)
    question = models.TextField(_("講師への質問"), blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, db_index=True)
    language = models.CharField(_("言語"), max_length=5, default="ja")
    notice = models.ForeignKey(
        PurposeNotice,
        verbose_name=_("表示した通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("同意日時"), null=True, blank=True)
    is_walk_in = models.BooleanField(_("当日受付"), default=False)
    checked_in_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受付者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申込日時"), default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(_("キャンセル日時"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("繰り上げ日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("前日案内日時"), null=True, blank=True)
    thanked_at = models.DateTimeField(_("お礼送信日時"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "email"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_email",
            )
        ]
        verbose_name = _("セミナー申込")
        verbose_name_plural = _("セミナー申込")

    def __str__(self):
        return f"{self.name} ({self.seminar_id})"

    def crm_person_fields(self) -> dict:
        """What the registrant told us, for a CRM record of their own (``crm.services``)."""
        return {
            "name": self.name,
            "email": self.email,
            "organisation_name": self.organisation,
            "requester_type": self.requester_type,
            "municipality": self.municipality,
        }


class SeminarSurvey(models.Model):
    """A participant's answer after a seminar."""

    registration = models.OneToOneField(
        Registration,
        verbose_name=_("申込"),
        on_delete=models.CASCADE,
        related_name="survey",
    )
    satisfaction = models.PositiveSmallIntegerField(_("満足度（5段階）"))
    useful_for_dx = models.BooleanField(_("DXの役に立ったか"))
    comment = models.TextField(_("ご意見"), blank=True)
    answered_at = models.DateTimeField(_("回答日時"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("セミナーアンケート")
        verbose_name_plural = _("セミナーアンケート")

    def __str__(self):
        return f"{self.registration} {self.satisfaction}"


class SeminarSchedule(models.Model):
    """What registrants were last told about a seminar's date and place, outside page revisions.

    Publishing a seminar page compares the page with this record: a change is mailed to every
    registrant with a calendar file whose SEQUENCE is `sequence` (RFC 5545: a higher one
    replaces the entry with the same UID).
    """

    seminar = models.OneToOneField(
        SeminarPage,
        verbose_name=_("セミナー"),
        on_delete=models.CASCADE,
        related_name="schedule",
    )
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    format = models.CharField(_("開催形式"), max_length=10)
    venue_name = models.CharField(_("会場名"), max_length=200, blank=True)
    venue_address = models.CharField(_("会場住所"), max_length=200, blank=True)
    online_url = models.URLField(_("オンライン参加URL"), blank=True)
    is_cancelled = models.BooleanField(_("開催中止"), default=False)
    sequence = models.PositiveIntegerField(_("予定表の版"), default=0)
    changed_at = models.DateTimeField(_("最終通知日時"), default=timezone.now)

    FIELDS = (
        "starts_at",
        "ends_at",
        "format",
        "venue_name",
        "venue_address",
        "online_url",
        "is_cancelled",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("セミナーの日程通知")
        verbose_name_plural = _("セミナーの日程通知")

    def __str__(self):
        return f"{self.seminar_id} #{self.sequence}"

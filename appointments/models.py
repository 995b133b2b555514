"""個別相談会: a series of one-to-one slots with an advisor or partner, and their bookings.

A series may follow a seminar (`events.Seminar`: its date and venue, whatever the language of
its pages).
"""

import datetime as dt

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cases.models import Case
from common.search import BIGRAMS, JapaneseSearchMixin
from events.models import Seminar
from partners.models import Advisor, PartnerCompany


class SessionSeries(models.Model):
    """Slots of `slot_minutes` from `starts_at` to `ends_at` with one advisor or partner."""

    class Place(models.TextChoices):
        SEMINAR = "seminar", _("セミナー会場")
        CENTER = "center", _("みえDXセンター")
        ONLINE = "online", _("オンライン")

    title = models.CharField(
        _("名称"), max_length=200, help_text=_("例: セミナー後の個別相談会、オフィスアワー")
    )
    title_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    advisor = models.ForeignKey(
        Advisor,
        verbose_name=_("アドバイザー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_series",
    )
    company = models.ForeignKey(
        PartnerCompany,
        verbose_name=_("パートナー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_series",
    )
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("セミナー"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_series",
        help_text=_("セミナーの後に開く場合に選びます。セミナーのページに予約の案内が出ます。"),
    )
    place = models.CharField(_("場所"), max_length=10, choices=Place.choices)
    venue_name = models.CharField(
        _("会場名"), max_length=200, blank=True, help_text=_("空欄ならセミナーの会場を使います")
    )
    venue_address = models.CharField(_("会場住所"), max_length=200, blank=True)
    online_url = models.URLField(
        _("オンライン参加URL"),
        blank=True,
        help_text=_("公開されません。予約した方にのみ送ります。"),
    )
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    slot_minutes = models.PositiveSmallIntegerField(_("1枠の時間（分）"), default=30)
    is_published = models.BooleanField(_("公開"), default=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    # Set when its seminar's cancellation unpublished it: the seminar's reinstatement
    # publishes it again (a series staff unpublished themselves stays unpublished).
    closed_by_seminar_at = models.DateTimeField(
        _("セミナーの開催中止で非公開にした日時"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(advisor__isnull=False, company__isnull=True))
                | (Q(advisor__isnull=True, company__isnull=False)),
                name="session_series_exactly_one_host",
            )
        ]
        verbose_name = _("個別相談会")
        verbose_name_plural = _("個別相談会")

    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldRowPanel([FieldPanel("advisor"), FieldPanel("company")]),
        FieldPanel("seminar"),
        MultiFieldPanel(
            [
                FieldPanel("place"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("online_url"),
            ],
            heading=_("場所"),
        ),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("slot_minutes"),
        FieldPanel("is_published"),
    ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self):
        if bool(self.advisor_id) == bool(self.company_id):
            raise ValidationError(_("アドバイザーかパートナーのどちらか一方を選んでください。"))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("終了日時は開始日時より後にしてください。")})
        if self.slot_minutes is not None and not 5 <= self.slot_minutes <= 240:
            raise ValidationError({"slot_minutes": _("5分から240分の間で指定してください。")})
        if self.place == self.Place.SEMINAR and not self.seminar_id:
            raise ValidationError(
                {"seminar": _("セミナー会場で開く場合はセミナーを選んでください。")}
            )
        if self.place == self.Place.ONLINE and not self.online_url:
            raise ValidationError(
                {"online_url": _("オンラインの場合は参加URLを入力してください。")}
            )

    @property
    def host(self):
        return self.advisor or self.company

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def slot_times(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The slots the series' period holds, whole slots only."""
        step = dt.timedelta(minutes=self.slot_minutes)
        times, start = [], self.starts_at
        while start + step <= self.ends_at:
            times.append((start, start + step))
            start += step
        return times

    def where(self) -> tuple[str, str]:
        """(venue name, address) for the venue, the seminar's when left empty."""
        if self.place == self.Place.ONLINE:
            return "", ""
        seminar = self.seminar
        name = self.venue_name or (seminar.venue_name if seminar else "")
        address = self.venue_address or (seminar.venue_address if seminar else "")
        return name, address


class SessionSlot(models.Model):
    """One bookable slot: one person at most (row lock on booking)."""

    series = models.ForeignKey(
        SessionSeries, verbose_name=_("個別相談会"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("開始日時"), db_index=True)
    ends_at = models.DateTimeField(_("終了日時"))
    is_withdrawn = models.BooleanField(_("取りやめ"), default=False)
    # Set when its seminar's cancellation withdrew it (and cancelled its booking at the same
    # moment): the reinstatement reopens it; a slot staff withdrew stays withdrawn.
    closed_by_seminar_at = models.DateTimeField(
        _("セミナーの開催中止で取りやめた日時"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="session_slot_unique")
        ]
        verbose_name = _("相談枠")
        verbose_name_plural = _("相談枠")

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(self.ends_at):%H:%M}"


class SessionBooking(models.Model):
    """One person's booking of a slot; the consultation itself is the linked case."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("予約済")
        CANCELLED = "cancelled", _("キャンセル")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("未記録")
        HELD = "held", _("実施")
        NO_SHOW = "no_show", _("来所なし")

    slot = models.ForeignKey(
        SessionSlot, verbose_name=_("相談枠"), on_delete=models.PROTECT, related_name="bookings"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("相談案件"), on_delete=models.PROTECT, related_name="session_booking"
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    language = models.CharField(_("言語"), max_length=5, default="ja")
    # The booker's address in its normalised form, the key of the per-address booking limits.
    email_key = models.CharField(
        _("予約時のメールアドレス（照合用）"), max_length=254, blank=True, db_index=True
    )
    attendance = models.CharField(
        _("実施状況"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    discussed = models.TextField(_("相談した内容"), blank=True)
    follow_up_needed = models.BooleanField(_("フォローアップが必要"), default=False)
    recorded_at = models.DateTimeField(_("記録日時"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("予約日時"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("キャンセル日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("前日案内日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="booked"),
                name="session_booking_one_per_slot",
            )
        ]
        verbose_name = _("個別相談会の予約")
        verbose_name_plural = _("個別相談会の予約")

    def __str__(self):
        return f"{self.slot} {self.case.reference}"


class SessionsPage(JapaneseSearchMixin, Page):
    """The public 個別相談会 page: upcoming sessions with free slots, each with its booking form."""

    intro = RichTextField(_("はじめに"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, BIGRAMS, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("個別相談会ページ")

    def get_context(self, request, *args, **kwargs):
        from .selectors import series_open  # selectors import this module

        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = series_open()
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Free slots change with every booking: keep a cached copy for 30 seconds at most.
        response["Cache-Control"] = "max-age=30"
        return response

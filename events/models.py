"""The seminar as it takes place (`Seminar`, `SeminarProgramme`), its registrations, survey
answers and schedule; the pages that present it are in `events.pages`."""

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel

from common.models import Municipality, PurposeNotice
from common.people_search import search_key
from common.vocab import RequesterType
from crm.models import Person
from partners.models import Advisor, PartnerCompany


class SeminarFormat(models.TextChoices):
    VENUE = "venue", _("会場")
    ONLINE = "online", _("オンライン")
    HYBRID = "hybrid", _("ハイブリッド")


class SeminarProgramme(models.Model):
    """A programme held on several dates and at several venues (県内5会場でスマホ教室を開催):
    each date is a `Seminar` with its own seats, waiting list and roster; one page presents
    them all."""

    name = models.CharField(_("名称"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("セミナーのシリーズ")
        verbose_name_plural = _("セミナーのシリーズ")

    def __str__(self):
        return self.name


class Seminar(models.Model):
    """A seminar (みえDXセンターセミナー) as it takes place: date, place, seats, registration.

    Its pages (one per language, see `SeminarPage.seminar`) present it; registrations, the
    waiting list, check-in, surveys, reminders and statistics refer to the seminar, so a
    change of date, capacity or a cancellation is made once and seen in every language.
    """

    Format = SeminarFormat

    programme = models.ForeignKey(
        SeminarProgramme,
        verbose_name=_("シリーズ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seminars",
        help_text=_("複数の日程・会場で開くセミナーの一回として"),
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
    lecturer_advisors = models.ManyToManyField(
        Advisor, verbose_name=_("講師（アドバイザー）"), blank=True, related_name="seminars"
    )
    lecturer_companies = models.ManyToManyField(
        PartnerCompany, verbose_name=_("講師（パートナー）"), blank=True, related_name="seminars"
    )
    guest_lecturers = models.TextField(_("その他の講師"), blank=True, help_text=_("1行に1名"))
    registration_opens_at = models.DateTimeField(_("申込開始"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("申込締切"), null=True, blank=True)
    is_cancelled = models.BooleanField(
        _("開催中止"),
        default=False,
        help_text=_("保存すると、申込者全員に中止のメールと予定表の取消しを送ります。"),
    )
    recorded_attendance = models.PositiveIntegerField(
        _("参加者数（記録）"),
        null=True,
        blank=True,
        help_text=_("本システム導入前のセミナーの参加者数。空欄なら受付済みの人数を使います。"),
    )

    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("format"),
        FieldPanel("venue_name"),
        FieldPanel("venue_address"),
        FieldPanel("online_url"),
        FieldRowPanel([FieldPanel("capacity_venue"), FieldPanel("capacity_online")]),
        FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
        FieldPanel("lecturer_advisors"),
        FieldPanel("lecturer_companies"),
        FieldPanel("guest_lecturers"),
        FieldPanel("is_cancelled"),
        FieldPanel("recorded_attendance"),
    ]

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("セミナー（日程・会場）")
        verbose_name_plural = _("セミナー（日程・会場）")

    def __str__(self):
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return " ".join(part for part in (when, self.title, self.venue_name) if part)

    def page_in(self, language: str = ""):
        """The live page presenting the seminar in `language`, else the one in the default
        locale (else any page): its title and texts."""
        pages = {page.locale.language_code: page for page in self._pages()}
        if language and language in pages:
            return pages[language]
        default = settings.LANGUAGE_CODE.split("-")[0]
        return pages.get(default) or next(iter(pages.values()), None)

    def _pages(self) -> list:
        if not hasattr(self, "_page_cache"):
            pages = list(self.pages.select_related("locale"))
            if self.programme_id:
                pages += self.programme.pages.select_related("locale")
            self._page_cache = sorted(pages, key=lambda p: (not p.live, p.pk))
        return self._page_cache

    @property
    def title(self) -> str:
        page = self.page_in()
        return page.title if page else ""

    @property
    def url(self) -> str | None:
        """The public page of the seminar (in the default language)."""
        page = self.page_in()
        return page.url if page else None

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def clean(self):
        """Capacity never drops below the people already confirmed (issue 29): lowering it
        would leave more confirmed than seats. Staff cancel registrations first."""
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("終了日時は開始日時より後にしてください。")})
        if not self.pk:
            return
        confirmed = dict(
            Registration.objects.filter(seminar_id=self.pk, status=Registration.Status.CONFIRMED)
            .values("mode")
            .annotate(n=models.Count("pk"))
            .values_list("mode", "n")
        )
        errors = {}
        for field, mode in (
            ("capacity_venue", Registration.Mode.VENUE),
            ("capacity_online", Registration.Mode.ONLINE),
        ):
            capacity, count = getattr(self, field), confirmed.get(mode, 0)
            if capacity is not None and capacity < count:
                errors[field] = _(
                    "参加確定の方が%(count)s名いるため、定員を%(count)s名未満にはできません。"
                    "減らす場合は先に申込みをキャンセルしてください。"
                ) % {"count": count}
        if errors:
            raise ValidationError(errors)

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

    def attendance(self) -> int:
        """The recorded count for seminars held before the system, else check-ins."""
        if self.recorded_attendance is not None:
            return self.recorded_attendance
        return self.registrations.filter(checked_in_at__isnull=False).count()


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
        Seminar,
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
    # The one search's column (common.people_search): name, reading, affiliation, address.
    search_key = models.TextField(_("検索用の文字列"), blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["search_key"])

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

    def save(self, *args, **kwargs):
        self.search_key = search_key(
            texts=[self.name, self.name_kana, self.organisation], emails=[self.email]
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

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
        Seminar,
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


# The page models live in their own module; Django and Wagtail find them here.
from .pages import SeminarIndexPage, SeminarPage  # noqa: E402, F401

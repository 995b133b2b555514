"""The center's customers: organisations and the people who act for them.

These models moved here from ``cases`` (issue 18) without moving data: they keep the
``cases_organisation`` / ``cases_contact`` tables and their history tables.
"""

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Municipality
from common.people_search import search_key
from common.vocab import RequesterType

from .normalise import (
    corporate_number_valid,
    normalise_corporate_number,
    normalise_email,
    normalise_name,
    normalise_phone_e164,
)


def validate_corporate_number(value: str) -> None:
    if value and not corporate_number_valid(normalise_corporate_number(value)):
        raise ValidationError(_("法人番号は13桁で、検査用数字が正しくありません。"))


class Organisation(models.Model):
    """The requesting business, citizen group or municipality."""

    name = models.CharField(_("団体名"), max_length=200)
    requester_type = models.CharField(_("相談者区分"), max_length=20, choices=RequesterType.choices)
    industry = models.CharField(_("業種"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所在市町"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    corporate_number = models.CharField(
        _("法人番号"),
        max_length=13,
        blank=True,
        db_index=True,
        validators=[validate_corporate_number],
    )
    # Derived on save (crm.normalise), indexed: the duplicate search is an equality lookup.
    name_normalised = models.CharField(
        _("団体名（照合用）"), max_length=200, blank=True, editable=False, db_index=True
    )
    # The one search's column (common.people_search), trigram-indexed on PostgreSQL.
    search_key = models.TextField(_("検索用の文字列"), blank=True, default="", editable=False)

    history = HistoricalRecords(
        table_name="cases_historicalorganisation", excluded_fields=["search_key"]
    )

    class Meta:
        db_table = "cases_organisation"
        ordering = ["name"]
        verbose_name = _("相談者（団体）")
        verbose_name_plural = _("相談者（団体）")
        permissions = [("merge_organisation", _("相談者（団体）を統合できる"))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalise()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_normalised", "search_key"}
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        self.corporate_number = normalise_corporate_number(self.corporate_number)
        self.name_normalised = normalise_name(self.name)
        self.search_key = search_key(texts=[self.name, self.corporate_number])


class Person(models.Model):
    """A person acting for an organisation (personal data)."""

    # Lists of people read in 五十音 order: by the kana reading, then the name.
    READING_ORDER = ("family_name_kana", "given_name_kana", "family_name", "given_name", "pk")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("団体"), on_delete=models.CASCADE, related_name="contacts"
    )
    family_name = models.CharField(_("姓"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("セイ"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("メイ"), max_length=50, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True, db_index=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    # Derived on save (crm.normalise), indexed: the duplicate search is an equality lookup.
    name_normalised = models.CharField(
        _("氏名（照合用）"), max_length=100, blank=True, editable=False, db_index=True
    )
    email_normalised = models.CharField(
        _("メールアドレス（照合用）"), max_length=254, blank=True, editable=False, db_index=True
    )
    phone_e164 = models.CharField(
        _("電話番号（E.164）"), max_length=16, blank=True, editable=False, db_index=True
    )
    # The one search's column (common.people_search), trigram-indexed on PostgreSQL.
    search_key = models.TextField(_("検索用の文字列"), blank=True, default="", editable=False)

    history = HistoricalRecords(
        table_name="cases_historicalcontact", excluded_fields=["search_key"]
    )

    class Meta:
        db_table = "cases_contact"
        verbose_name = _("担当者")
        verbose_name_plural = _("担当者")
        permissions = [("merge_person", _("担当者を統合できる"))]

    def __str__(self):
        return f"{self.family_name} {self.given_name}".strip()

    def save(self, *args, **kwargs):
        self.normalise()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "name_normalised",
                "email_normalised",
                "phone_e164",
                "search_key",
            }
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    def normalise(self) -> None:
        self.name_normalised = normalise_name(f"{self.family_name}{self.given_name}")[:100]
        self.email_normalised = normalise_email(self.email)
        self.phone_e164 = normalise_phone_e164(self.phone)
        self.search_key = person_search_key(self)


def person_search_key(person) -> str:
    """Name, reading, address and phone of a person, as the one search compares them."""
    return search_key(
        texts=[
            f"{person.family_name}{person.given_name}",
            f"{person.family_name_kana}{person.given_name_kana}",
        ],
        emails=[person.email],
        phones=[person.phone],
    )


class PossibleDuplicate(models.Model):
    """重複の可能性: a record linked provisionally to an existing one, for staff to decide.

    Either two organisations or two people (``record`` may be the existing one it matched, when
    nothing new was created, e.g. a seminar registration linked to a person). ``subject`` is
    what brought it up (the case or registration).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("未確認")
        DISTINCT = "distinct", _("別の相手と確認")
        CONFIRMED = "confirmed", _("同一と確認")
        MERGED = "merged", _("統合済み")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("団体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation_match = models.ForeignKey(
        Organisation,
        verbose_name=_("既存の団体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="possible_duplicates",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    person_match = models.ForeignKey(
        Person,
        verbose_name=_("既存の担当者"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="possible_duplicates",
    )
    evidence = models.JSONField(_("根拠"), default=list, blank=True)
    source = models.CharField(_("発生元"), max_length=30)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_id = models.CharField(max_length=40, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject.verbose_name = _("対象")  # the admin's usage page names the field
    subject_label = models.CharField(_("対象"), max_length=120, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("確認日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("重複の可能性")
        verbose_name_plural = _("重複の可能性")

    def __str__(self):
        new = self.organisation or self.person or self.subject_label
        old = self.organisation_match or self.person_match
        return f"{new} ≒ {old}"


class MergeRecord(models.Model):
    """One merge: who merged what into which survivor, when, and a snapshot of the merged."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("団体")
        PERSON = "person", _("担当者")

    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    survivor_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("統合先の団体"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    survivor_person = models.ForeignKey(
        Person,
        verbose_name=_("統合先の担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    merged_id = models.BigIntegerField(_("統合元ID"))
    merged_label = models.CharField(_("統合元"), max_length=200)
    snapshot = models.JSONField(_("統合元の内容"), default=dict)
    moved = models.JSONField(_("移した記録"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("統合者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("統合日時"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("統合記録")
        verbose_name_plural = _("統合記録")

    def __str__(self):
        return f"{self.merged_label} → {self.survivor_organisation or self.survivor_person}"


class Activity(models.Model):
    """A call, visit, mail or meeting staff logged with an organisation or person."""

    class Kind(models.TextChoices):
        CALL = "call", _("電話")
        VISIT = "visit", _("訪問")
        MAIL = "mail", _("メール")
        MEETING = "meeting", _("打合せ")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("団体"), on_delete=models.CASCADE, related_name="activities"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    duration_minutes = models.PositiveIntegerField(_("所要時間（分）"), default=0)
    note = models.TextField(_("メモ"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("活動記録")
        verbose_name_plural = _("活動記録")

    def __str__(self):
        return f"{self.get_kind_display()} {self.organisation} {self.at:%Y-%m-%d}"


class LinkReport(models.Model):
    """What a bulk linking run did (the data migration that linked the existing records).

    A database row, not a file: it names organisations, and the media directory is public.
    """

    source = models.CharField(_("実行元"), max_length=60)
    created_at = models.DateTimeField(_("実行日時"), default=timezone.now)
    summary = models.JSONField(_("結果"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("名寄せの記録")
        verbose_name_plural = _("名寄せの記録")

    def __str__(self):
        return f"{self.source} {self.created_at:%Y-%m-%d %H:%M}"


from .outreach_models import Campaign, CampaignMessage, Subscription, SubscriptionEvent  # noqa: E402, F401

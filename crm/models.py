"""The center's customers: organisations and the people who act for them.

These models moved here from ``cases`` (issue 18) without moving data: they keep the
``cases_organisation`` / ``cases_contact`` tables and their history tables.
"""

from simple_history.models import HistoricalRecords

from django.db import models
from django.utils.translation import gettext_lazy as _

from dxcenter.common.models import Municipality
from dxcenter.common.vocab import RequesterType


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

    history = HistoricalRecords(table_name="cases_historicalorganisation")

    class Meta:
        db_table = "cases_organisation"
        ordering = ["name"]
        verbose_name = _("相談者（団体）")
        verbose_name_plural = _("相談者（団体）")

    def __str__(self):
        return self.name


class Person(models.Model):
    """A person acting for an organisation (personal data)."""

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

    history = HistoricalRecords(table_name="cases_historicalcontact")

    class Meta:
        db_table = "cases_contact"
        verbose_name = _("担当者")
        verbose_name_plural = _("担当者")

    def __str__(self):
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()


from .outreach_models import Campaign, CampaignMessage, Subscription, SubscriptionEvent  # noqa: E402, F401

from simple_history.models import HistoricalRecords

from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiTarget(models.Model):
    """A KPI target for a fiscal year (みえデジタルプラン), graded A–D against the actual."""

    class Key(models.TextChoices):
        CONTRIBUTION_RATE = "contribution_rate", _("支援に対する貢献度（%）")
        SEMINAR_PARTICIPANTS = "seminar_participants", _("セミナー参加者数（人）")
        CONSULTATIONS = "consultations", _("相談件数（件）")

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("指標"), max_length=40, choices=Key.choices)
    target = models.DecimalField(_("目標値"), max_digits=10, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "key"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "key"], name="kpi_year_key")]
        verbose_name = _("KPI目標")
        verbose_name_plural = _("KPI目標")

    def __str__(self):
        return f"{self.fiscal_year} {self.get_key_display()} {self.target}"


class OpenDataRelease(models.Model):
    """One closed fiscal year's open-data figures, fixed when first published and never changed."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    released_on = models.DateField(_("公開日"))
    rows = models.JSONField(_("公開データ"))

    class Meta:
        ordering = ["fiscal_year"]
        verbose_name = _("オープンデータ公開版")
        verbose_name_plural = _("オープンデータ公開版")

    def __str__(self):
        return f"{self.fiscal_year} ({self.released_on})"

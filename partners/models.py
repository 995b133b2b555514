from simple_history.models import HistoricalRecords

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ExpertiseArea(models.Model):
    """A small managed taxonomy: クラウド会計, AI活用, スマホ教室 …"""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("名称（英語）"), max_length=80, blank=True)
    slug = models.SlugField(_("スラッグ"), max_length=50, unique=True)
    keywords = models.CharField(
        _("関連語"),
        max_length=255,
        blank=True,
        help_text=_("相談内容との照合に使う語（読点・カンマ区切り）"),
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("専門分野")
        verbose_name_plural = _("専門分野")

    def __str__(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


def match_profile_gaps(expert) -> list[str]:
    """Names of the empty things suggestions match on: keywords and fields."""
    gaps = []
    if not expert.keywords.strip():
        gaps.append(str(_("キーワードなし")))
    if expert.pk is None or not expert.expertise.exists():
        gaps.append(str(_("専門分野なし")))
    return gaps


class PartnerCompany(models.Model):
    """みえDXパートナー: a company whose member users share its assignments."""

    READING_ORDER = ("name", "pk")  # a company has no recorded reading

    class Kind(models.TextChoices):
        CARRIER = "carrier", _("通信事業者")
        IT_VENDOR = "it_vendor", _("ITベンダー")
        BANK = "bank", _("金融機関")
        UNIVERSITY = "university", _("大学・研究機関")
        CONSULTANCY = "consultancy", _("コンサルティング")
        OTHER = "other", _("その他")

    name = models.CharField(_("企業名"), max_length=100, unique=True)
    name_en = models.CharField(_("企業名（英語）"), max_length=150, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("紹介文"), blank=True)
    description_en = models.TextField(_("紹介文（英語）"), blank=True)
    keywords = models.CharField(
        _("キーワード"),
        max_length=255,
        blank=True,
        help_text=_("得意なこと・扱える道具を読点かカンマ区切りで（紹介候補の照合に使います）"),
    )
    website = models.URLField(_("ウェブサイト"), blank=True)
    email = models.EmailField(_("連絡先メール"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ロゴ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expertise = models.ManyToManyField(
        ExpertiseArea, verbose_name=_("専門分野"), blank=True, related_name="companies"
    )
    is_public = models.BooleanField(_("公開"), default=True)
    is_active = models.BooleanField(_("紹介可能"), default=True)

    history = HistoricalRecords(m2m_fields=[expertise])

    class Meta:
        ordering = ["name"]
        verbose_name = _("DXパートナー")
        verbose_name_plural = _("DXパートナー")

    def __str__(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def profile_gaps(self) -> list[str]:
        """What is missing for referral suggestions to find this expert (shown in the admin)."""
        return match_profile_gaps(self)


class Advisor(models.Model):
    """みえDXアドバイザー: an individual expert, optionally with a portal login."""

    # Lists of advisors read in 五十音 order: by the kana reading, then the name.
    READING_ORDER = ("name_kana", "name", "pk")

    name = models.CharField(_("氏名"), max_length=60)
    name_kana = models.CharField(_("フリガナ"), max_length=60, blank=True)
    name_en = models.CharField(_("氏名（英語）"), max_length=100, blank=True)
    title = models.CharField(_("肩書"), max_length=100, blank=True)
    affiliation = models.CharField(_("所属"), max_length=100, blank=True)
    profile = models.TextField(_("プロフィール"), blank=True)
    profile_en = models.TextField(_("プロフィール（英語）"), blank=True)
    keywords = models.CharField(
        _("キーワード"),
        max_length=255,
        blank=True,
        help_text=_("得意なこと・扱える道具を読点かカンマ区切りで（紹介候補の照合に使います）"),
    )
    email = models.EmailField(_("連絡先メール"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("写真"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expertise = models.ManyToManyField(
        ExpertiseArea, verbose_name=_("専門分野"), blank=True, related_name="advisors"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ログインユーザー"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisor",
    )
    is_public = models.BooleanField(_("公開"), default=True)
    is_active = models.BooleanField(_("紹介可能"), default=True)

    history = HistoricalRecords(m2m_fields=[expertise])

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("DXアドバイザー")
        verbose_name_plural = _("DXアドバイザー")

    def __str__(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def profile_gaps(self) -> list[str]:
        """What is missing for referral suggestions to find this expert (shown in the admin)."""
        return match_profile_gaps(self)


class Membership(models.Model):
    """A user who works for a partner company and sees its assignments."""

    company = models.ForeignKey(
        PartnerCompany, verbose_name=_("企業"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="partner_membership",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("パートナー企業メンバー")
        verbose_name_plural = _("パートナー企業メンバー")

    def __str__(self):
        return f"{self.company} / {self.user}"


class VocabularyEntry(models.Model):
    """One need in the words requesters type and the words experts use for it.

    Referral suggestions read a request's words through these entries: a request about
    「勤務表」 also looks for experts who write 「シフト作成」.
    """

    label = models.CharField(
        _("見出し"),
        max_length=60,
        unique=True,
        help_text=_("紹介の理由に表示します（例：勤務表・シフト）"),
    )
    requester_words = models.CharField(
        _("相談者の言葉"),
        max_length=255,
        help_text=_("相談文に出てくる言い方を読点かカンマ区切りで（例：勤務表、シフト表、当番表）"),
    )
    expert_words = models.CharField(
        _("専門家の言葉"),
        max_length=255,
        help_text=_(
            "専門分野・キーワード・プロフィールで使われる言い方（例：シフト作成、勤怠管理）"
        ),
    )
    is_active = models.BooleanField(_("使う"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        verbose_name = _("紹介候補の語彙")
        verbose_name_plural = _("紹介候補の語彙")

    def __str__(self):
        return self.label

    @staticmethod
    def split(words: str) -> list[str]:
        return [w.strip() for w in words.replace("、", ",").split(",") if w.strip()]

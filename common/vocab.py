"""The controlled vocabularies (requester types, consultation categories): every form,
statistic, export, PDF and import takes its codes and labels from here."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class RequesterType(models.TextChoices):
    BUSINESS = "business", _("県内事業者")
    CITIZEN_GROUP = "citizen_group", _("県民グループ")
    MUNICIPALITY = "municipality", _("県・市町")


class Category(models.TextChoices):
    INFORMATION = "information", _("DXに関する情報提供")
    TRAINING = "training", _("人材育成（セミナー開催等の相談）")
    PROBLEM_SOLVING = "problem_solving", _("課題解決のための相談")
    OTHER = "other", _("その他")


# Short forms and aliases seen in records kept by hand. Imports accept these, the codes and the
# Japanese labels (see `aliases`), so a new entry above needs no alias to be imported.
REQUESTER_TYPE_ALIASES = {
    "県内事業者": RequesterType.BUSINESS,
    "事業者": RequesterType.BUSINESS,
    "県民グループ": RequesterType.CITIZEN_GROUP,
    "県民": RequesterType.CITIZEN_GROUP,
    "県・市町": RequesterType.MUNICIPALITY,
    "市町": RequesterType.MUNICIPALITY,
    "県": RequesterType.MUNICIPALITY,
}
CATEGORY_ALIASES = {
    "DXに関する情報提供": Category.INFORMATION,
    "情報提供": Category.INFORMATION,
    "人材育成（セミナー開催等の相談）": Category.TRAINING,
    "人材育成(セミナー開催等の相談)": Category.TRAINING,
    "人材育成": Category.TRAINING,
    "課題解決のための相談": Category.PROBLEM_SOLVING,
    "課題解決": Category.PROBLEM_SOLVING,
    "その他": Category.OTHER,
}


def aliases(choices: type[models.TextChoices], extra: dict[str, str]) -> dict[str, str]:
    """Every Japanese label of ``choices`` → its code, plus the hand-kept short forms."""
    with translation.override("ja"):
        labels = {str(choice.label): choice.value for choice in choices}
    return {**labels, **extra}

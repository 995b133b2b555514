"""The report's choice labels in Japanese, as the committee papers print them."""

from django.utils import translation

from cases.models import Case
from common.models import Municipality
from common.vocab import Category, RequesterType


def choice_labels() -> dict[str, dict[str, str]]:
    with translation.override("ja"):
        municipalities = {m.code: m.name for m in Municipality.objects.all()}
        municipalities["unknown"] = "不明"
        return {
            "requester_type": {c.value: str(c.label) for c in RequesterType},
            "category": {c.value: str(c.label) for c in Category},
            "channel": {c.value: str(c.label) for c in Case.Channel},
            "status": {c.value: str(c.label) for c in Case.Status},
            "municipality": municipalities,
        }

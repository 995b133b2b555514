"""Consultations as an outreach segment filter (registered with crm.segments by CasesConfig.ready)."""

from django.db.models import Exists, OuterRef

from .models import Case


def had_case_in_category(people, segment: dict):
    """People who brought a consultation of the category."""
    if not segment.get("case_category"):
        return people
    cases = Case.objects.filter(contact=OuterRef("pk"), category=segment["case_category"])
    return people.filter(Exists(cases))


SEGMENT_KEYS = ("case_category",)

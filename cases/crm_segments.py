"""Consultations as an outreach segment filter (registered with crm.segments)."""

from django.db.models import Exists, OuterRef

from crm.segments import register_segment_filter

from .models import Case


def had_case_in_category(people, segment: dict):
    """People who brought a consultation of the category."""
    if not segment.get("case_category"):
        return people
    cases = Case.objects.filter(contact=OuterRef("pk"), category=segment["case_category"])
    return people.filter(Exists(cases))


register_segment_filter("case_category", had_case_in_category)

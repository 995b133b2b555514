"""Public directory reads: only what the center chose to publish."""

from django.db.models import Prefetch, QuerySet

from .models import Advisor, ExpertiseArea, PartnerCompany


def _expertise():
    return Prefetch("expertise", queryset=ExpertiseArea.objects.order_by("sort_order"))


def public_advisors(expertise_slug: str | None = None) -> QuerySet[Advisor]:
    """Public advisors with their expertise, optionally of one area."""
    qs = (
        Advisor.objects.filter(is_public=True)
        .select_related("photo")
        .prefetch_related(_expertise())
    )
    if expertise_slug:
        qs = qs.filter(expertise__slug=expertise_slug)
    return qs.distinct()


def public_companies(expertise_slug: str | None = None) -> QuerySet[PartnerCompany]:
    """Public partner companies with their expertise, optionally of one area."""
    qs = (
        PartnerCompany.objects.filter(is_public=True)
        .select_related("logo")
        .prefetch_related(_expertise())
    )
    if expertise_slug:
        qs = qs.filter(expertise__slug=expertise_slug)
    return qs.distinct()

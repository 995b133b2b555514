"""Public directory reads: only what the center chose to publish."""

from django.db.models import Prefetch, QuerySet

from .models import Advisor, ExpertiseArea, PartnerCompany


def _expertise():
    return Prefetch("expertise", queryset=ExpertiseArea.objects.order_by("sort_order"))


def _public(model, image: str, expertise_slug: str | None) -> QuerySet:
    qs = model.objects.filter(is_public=True).select_related(image).prefetch_related(_expertise())
    if expertise_slug:
        qs = qs.filter(expertise__slug=expertise_slug)
    return qs.distinct()


def public_advisors(expertise_slug: str | None = None) -> QuerySet[Advisor]:
    """Public advisors with their expertise, optionally of one area."""
    return _public(Advisor, "photo", expertise_slug)


def public_companies(expertise_slug: str | None = None) -> QuerySet[PartnerCompany]:
    """Public partner companies with their expertise, optionally of one area."""
    return _public(PartnerCompany, "logo", expertise_slug)

"""Staff pages of the CRM in the Wagtail admin: one page per organisation and per person,
重複の可能性, activities. The partner portal has none of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxcenter.common.access_log import personal_data_access_log
from dxcenter.common.admin_pages import admin_render, require_perm
from dxcenter.common.models import Municipality
from dxcenter.common.vocab import RequesterType

from .forms import ActivityForm
from .models import Organisation, Person, PossibleDuplicate
from .normalise import normalise_name
from .selectors import evidence_labels, possible_duplicates_open
from .services import activity_log, organisation_merge, person_merge, possible_duplicate_resolve
from .timeline import KINDS, consents_in_force, timeline


def _render(request, template: str, context: dict):
    return admin_render(request, template, {"header_icon": "group", **context})


def organisation_list(request):
    require_perm(request, "crm.view_organisation")
    q = request.GET.get("q", "").strip()
    organisations = Organisation.objects.annotate(n_cases=Count("cases")).order_by("name")
    if q:
        personal_data_access_log(
            user=request.user, subject=None, context="admin_crm_search", label=f"q={q}"
        )
        # The normalised name is indexed: a prefix search on it needs no scan.
        organisations = organisations.filter(
            Q(name_normalised__startswith=normalise_name(q)) | Q(corporate_number=q)
        )
    requester_type = request.GET.get("requester_type", "")
    if requester_type in RequesterType.values:
        organisations = organisations.filter(requester_type=requester_type)
    municipality = request.GET.get("municipality", "")
    if municipality.isdigit():
        organisations = organisations.filter(municipality__code=municipality)
    return _render(
        request,
        "crm/admin/organisation_list.html",
        {
            "organisations": organisations[:200],
            "q": q,
            "requester_types": RequesterType.choices,
            "requester_type": requester_type,
            "municipalities": Municipality.objects.all(),
            "municipality": municipality,
            "open_duplicates": PossibleDuplicate.objects.filter(
                status=PossibleDuplicate.Status.OPEN
            ).count(),
            "page_title": _("相談者・団体"),
        },
    )


def _timeline_context(request, *, organisation=None, person=None) -> dict:
    kinds = [k for k in request.GET.getlist("kind") if k in KINDS]
    return {
        "entries": timeline(organisation=organisation, person=person, kinds=kinds),
        "kinds": KINDS,
        "selected_kinds": kinds,
        "consents": consents_in_force(organisation=organisation, person=person),
    }


def organisation_detail(request, pk):
    require_perm(request, "crm.view_organisation")
    organisation = get_object_or_404(Organisation, pk=pk)
    personal_data_access_log(user=request.user, subject=organisation, context="admin_crm")
    form = ActivityForm(organisation=organisation)
    if request.method == "POST" and "merge_from" in request.POST:
        return _merge_into(request, Organisation, organisation, organisation_merge)
    if request.method == "POST":
        require_perm(request, "crm.change_organisation")
        form = ActivityForm(request.POST, organisation=organisation)
        if form.is_valid():
            activity_log(organisation=organisation, by=request.user, **form.cleaned_data)
            messages.success(request, _("活動を記録しました。"))
            return redirect("crm_organisation", pk=organisation.pk)
    duplicates = PossibleDuplicate.objects.filter(
        Q(organisation=organisation) | Q(organisation_match=organisation),
        status=PossibleDuplicate.Status.OPEN,
    ).select_related("organisation", "organisation_match")
    return _render(
        request,
        "crm/admin/organisation_detail.html",
        {
            "organisation": organisation,
            "people": organisation.contacts.order_by("pk"),
            "duplicates": [(d, evidence_labels(d.evidence)) for d in duplicates],
            "merges": organisation.merges.select_related("merged_by"),
            "history": organisation.history.select_related("history_user")[:20],
            "form": form,
            "page_title": organisation.name,
            **_timeline_context(request, organisation=organisation),
        },
    )


def _merge_into(request, model, survivor, merge):
    """Staff merge another record (by its number) into the one on the page."""
    require_perm(request, f"crm.change_{model._meta.model_name}")
    other = request.POST.get("merge_from", "").strip()
    merged = model.objects.filter(pk=other).first() if other.isdigit() else None
    if merged is None or merged.pk == survivor.pk:
        messages.error(request, _("統合する記録が見つかりません。"))
    else:
        merge(survivor=survivor, merged=merged, by=request.user)
        messages.success(request, _("「%(label)s」を統合しました。") % {"label": merged})
    return redirect(request.path)


def person_detail(request, pk):
    require_perm(request, "crm.view_person")
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    if request.method == "POST":
        return _merge_into(request, Person, person, person_merge)
    personal_data_access_log(user=request.user, subject=person, context="admin_crm")
    return _render(
        request,
        "crm/admin/person_detail.html",
        {
            "person": person,
            "merges": person.merges.select_related("merged_by"),
            "page_title": str(person),
            **_timeline_context(request, person=person),
        },
    )


def duplicate_list(request):
    require_perm(request, "crm.view_organisation")
    duplicates = possible_duplicates_open()
    return _render(
        request,
        "crm/admin/duplicate_list.html",
        {
            "duplicates": [(d, evidence_labels(d.evidence)) for d in duplicates[:200]],
            "page_title": _("重複の可能性"),
        },
    )


@require_POST
def duplicate_resolve(request, pk):
    require_perm(request, "crm.change_organisation")
    duplicate = get_object_or_404(PossibleDuplicate, pk=pk, status=PossibleDuplicate.Status.OPEN)
    decision = request.POST.get("decision", "")
    if decision not in ("merge", "confirmed", "distinct"):
        raise PermissionDenied
    possible_duplicate_resolve(duplicate=duplicate, decision=decision, by=request.user)
    messages.success(request, _("重複の可能性を確認しました。"))
    return redirect("crm_duplicates")

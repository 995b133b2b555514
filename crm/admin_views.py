"""Staff pages of the CRM in the Wagtail admin: one page per organisation and per person,
重複の可能性, activities. The partner portal has none of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access_log import personal_data_access_log
from common.admin_pages import admin_render, require_perm
from common.models import Municipality
from common.params import ID_MAX, int_param
from common.people_search import Search, needle
from common.vocab import RequesterType

from .forms import ActivityForm
from .merge_views import merge_confirm_url, merge_require_perm
from .models import Organisation, Person, PossibleDuplicate
from .normalise import normalise_name
from .people_search import organisation_ids_found
from .selectors import evidence_labels, possible_duplicates_open
from .services import activity_log, possible_duplicate_resolve
from .timeline import KINDS, consents_in_force, timeline


def _render(request, template: str, context: dict):
    return admin_render(request, template, {"header_icon": "group", **context})


def organisation_list(request):
    require_perm(request, "crm.view_organisation")
    q = request.GET.get("q", "").strip()
    organisations = Organisation.objects.annotate(n_cases=Count("cases")).order_by("name")
    # The list names organisations (a sole proprietor's name is a person's): every view is
    # logged, a search with what was searched for.
    personal_data_access_log(
        user=request.user,
        subject=None,
        context="admin_crm_search" if q else "admin_crm_list",
        label=f"q={q}" if q else str(_("相談者・団体")),
    )
    if q:
        # The normalised name is indexed: a prefix search on it needs no scan. The one search
        # (common.people_search) adds a name anywhere in it, and the organisation of a person
        # found by name, reading, address or phone for who may see people.
        match = Q(name_normalised__startswith=normalise_name(q)) | Q(corporate_number=q)
        if typed := needle(q):
            found = organisation_ids_found(Search(needle=typed, user=request.user))
            match |= Q(pk__in=found)
        organisations = organisations.filter(match)
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
        "entries": timeline(
            user=request.user, organisation=organisation, person=person, kinds=kinds
        ),
        "kinds": KINDS,
        "selected_kinds": kinds,
        "consents": consents_in_force(user=request.user, organisation=organisation, person=person),
    }


def _activity_form(request, organisation, data=None) -> ActivityForm | None:
    """The form to record an activity, for those who may change the organisation; its list of
    contacts only for those who may also open people."""
    if not request.user.has_perm("crm.change_organisation"):
        return None
    form = ActivityForm(data, organisation=organisation)
    if not request.user.has_perm("crm.view_person"):
        form.fields["person"].queryset = form.fields["person"].queryset.none()
    return form


def organisation_detail(request, pk):
    require_perm(request, "crm.view_organisation")
    organisation = get_object_or_404(Organisation, pk=pk)
    personal_data_access_log(user=request.user, subject=organisation, context="admin_crm")
    form = _activity_form(request, organisation)
    if request.method == "POST" and "merge_from" in request.POST:
        return _merge_into(request, Organisation, organisation)
    if request.method == "POST":
        require_perm(request, "crm.change_organisation")
        form = _activity_form(request, organisation, request.POST)
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
            # Contacts' names and addresses only for those who may open people.
            "people": organisation.contacts.order_by(*Person.READING_ORDER)
            if request.user.has_perm("crm.view_person")
            else None,
            "duplicates": [(d, evidence_labels(d.evidence)) for d in duplicates],
            "merges": organisation.merges.select_related("merged_by"),
            "history": organisation.history.select_related("history_user")[:20],
            "form": form,
            "page_title": organisation.name,
            **_timeline_context(request, organisation=organisation),
        },
    )


def _merge_into(request, model, survivor):
    """The record page's merge form leads to the confirmation page (``merge_views``)."""
    kind = model._meta.model_name
    merge_require_perm(request, kind)
    other = int_param(request.POST, "merge_from", low=1, high=ID_MAX)
    if other is None or other == survivor.pk:
        messages.error(request, _("統合する記録が見つかりません。"))
        return redirect(request.path)
    return redirect(merge_confirm_url(kind, survivor_pk=survivor.pk, merged_pk=other))


def person_detail(request, pk):
    require_perm(request, "crm.view_person")
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    if request.method == "POST":
        return _merge_into(request, Person, person)
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
    duplicates = possible_duplicates_open(user=request.user)
    personal_data_access_log(
        user=request.user,
        subject=None,
        context="admin_crm_duplicates",
        label=str(_("重複の可能性")),
    )
    return _render(
        request,
        "crm/admin/duplicate_list.html",
        {
            "duplicates": [(d, evidence_labels(d.evidence)) for d in duplicates[:200]],
            # What brought a pair up (a registration, a subscriber) is named by a person's name.
            "can_view_people": request.user.has_perm("crm.view_person"),
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
    for kind in ("organisation", "person"):
        if (
            decision == "merge"
            and getattr(duplicate, f"{kind}_id")
            and getattr(duplicate, f"{kind}_match_id")
        ):
            # A merge is confirmed on its own page, with its own permission.
            merge_require_perm(request, kind)
            return redirect(
                merge_confirm_url(
                    kind,
                    survivor_pk=getattr(duplicate, f"{kind}_match_id"),
                    merged_pk=getattr(duplicate, f"{kind}_id"),
                    duplicate_pk=duplicate.pk,
                )
            )
    possible_duplicate_resolve(duplicate=duplicate, decision=decision, by=request.user)
    messages.success(request, _("重複の可能性を確認しました。"))
    return redirect("crm_duplicates")

"""Staff pages of the CRM in the Wagtail admin: one page per organisation and per person,
重複の可能性, activities. The partner portal has none of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from dxcenter.common.access_log import personal_data_access_log

from .forms import ActivityForm
from .models import Organisation, Person, PossibleDuplicate
from .normalise import normalise_name
from .selectors import evidence_labels, possible_duplicates_open
from .services import activity_log, possible_duplicate_resolve
from .timeline import KINDS, consents_in_force, timeline


class _AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"


def _render(request, template: str, context: dict, status: int = 200):
    title = context.get("page_title", "")
    view = _AdminPage(
        template_name=template,
        page_title=title,
        breadcrumbs_items=[*_AdminPage.breadcrumbs_items, {"url": "", "label": title}],
    )
    view.setup(request)
    response = view.render_to_response(view.get_context_data(**context))
    response.status_code = status
    return response


def _require(request, codename: str) -> None:
    if not request.user.has_perm(f"crm.{codename}"):
        raise PermissionDenied


def organisation_list(request):
    _require(request, "view_organisation")
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
    return _render(
        request,
        "crm/admin/organisation_list.html",
        {
            "organisations": organisations[:200],
            "q": q,
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
    _require(request, "view_organisation")
    organisation = get_object_or_404(Organisation, pk=pk)
    personal_data_access_log(user=request.user, subject=organisation, context="admin_crm")
    form = ActivityForm(organisation=organisation)
    if request.method == "POST":
        _require(request, "change_organisation")
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


def person_detail(request, pk):
    _require(request, "view_person")
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
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
    _require(request, "view_organisation")
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
    _require(request, "change_organisation")
    duplicate = get_object_or_404(PossibleDuplicate, pk=pk, status=PossibleDuplicate.Status.OPEN)
    decision = request.POST.get("decision", "")
    if decision not in ("merge", "confirmed", "distinct"):
        raise PermissionDenied
    possible_duplicate_resolve(duplicate=duplicate, decision=decision, by=request.user)
    messages.success(request, _("重複の可能性を確認しました。"))
    return redirect("crm_duplicates")

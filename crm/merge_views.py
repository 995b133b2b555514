"""Merging two records in the admin: its own permission (crm.merge_organisation,
crm.merge_person) and a confirmation page that shows what moves before anything does.

Kept apart from ``admin_views`` (the record pages): the pages only lead here.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from common.access_log import personal_data_access_log
from common.admin_pages import admin_render, require_perm
from common.params import ID_MAX, int_param

from .models import Organisation, Person, PossibleDuplicate
from .selectors import merge_preview
from .services import organisation_merge, person_merge, possible_duplicate_resolve

_KINDS = {
    "organisation": (Organisation, organisation_merge, "crm_organisation"),
    "person": (Person, person_merge, "crm_person"),
}


def merge_confirm_url(kind: str, *, survivor_pk, merged_pk, duplicate_pk=None) -> str:
    """Where a merge of ``merged_pk`` into ``survivor_pk`` is confirmed."""
    query = {"merge_from": merged_pk}
    if duplicate_pk:
        query["duplicate"] = duplicate_pk
    return f"{reverse(f'crm_{kind}_merge', args=[survivor_pk])}?{urlencode(query)}"


def merge_require_perm(request, kind: str) -> None:
    require_perm(request, f"crm.view_{kind}")
    require_perm(request, f"crm.merge_{kind}")


def _merge_confirm(request, pk, *, kind: str):
    merge_require_perm(request, kind)
    model, merge, detail = _KINDS[kind]
    survivor = get_object_or_404(model, pk=pk)
    params = request.POST if request.method == "POST" else request.GET
    source = int_param(params, "merge_from", low=1, high=ID_MAX)
    merged = model.objects.filter(pk=source).first() if source else None
    if merged is None or merged.pk == survivor.pk:
        messages.error(request, _("統合する記録が見つかりません。"))
        return redirect(detail, pk=survivor.pk)
    number = int_param(params, "duplicate", low=1, high=ID_MAX)
    duplicate = (
        PossibleDuplicate.objects.filter(
            pk=number,
            status=PossibleDuplicate.Status.OPEN,
            **{kind: merged, f"{kind}_match": survivor},
        ).first()
        if number
        else None
    )
    if request.method == "POST" and request.POST.get("confirm"):
        label = str(merged)
        if duplicate is not None:
            possible_duplicate_resolve(duplicate=duplicate, decision="merge", by=request.user)
        else:
            merge(survivor=survivor, merged=merged, by=request.user)
        messages.success(request, _("「%(label)s」を統合しました。") % {"label": label})
        return redirect(detail, pk=survivor.pk)
    for record in (survivor, merged):
        personal_data_access_log(user=request.user, subject=record, context="admin_crm_merge")
    return admin_render(
        request,
        "crm/admin/merge_confirm.html",
        {
            "header_icon": "group",
            "page_title": _("記録の統合の確認"),
            "kind": kind,
            "survivor": survivor,
            "merged": merged,
            "duplicate": duplicate,
            "moves": merge_preview(survivor=survivor, merged=merged),
            "detail_url": reverse(detail, args=[survivor.pk]),
        },
    )


def organisation_merge_confirm(request, pk):
    return _merge_confirm(request, pk, kind="organisation")


def person_merge_confirm(request, pk):
    return _merge_confirm(request, pk, kind="person")

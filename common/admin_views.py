"""Manager pages in the Wagtail admin: disclosure (開示請求), login lockouts."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .access_log import personal_data_access_log
from .admin_pages import admin_render
from .disclosure import disclosure_export, disclosure_json, disclosure_log, disclosure_pdf
from .people_search import needle, search_everything, search_providers
from .security import ip_failure_limit
from .selectors import login_lockouts
from .services import bounce_clear, login_unlock

EXPORT_PERMISSION = "common.export_personal_data"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "pdf": "application/pdf"}


class Forbidden403Mixin:
    """A plain 403 where the Wagtail admin would redirect to its home page with a message.

    These pages are for managers only; a staff member who reaches one by URL gets a clear
    refusal, not a silent bounce.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as exc:
            return permission_denied(request, exc)


class DisclosureForm(forms.Form):
    email = forms.EmailField(label=_("メールアドレス"))
    format = forms.ChoiceField(
        label=_("形式"), choices=[("json", "JSON"), ("pdf", "PDF")], widget=forms.HiddenInput
    )


class DisclosureView(Forbidden403Mixin, WagtailAdminTemplateMixin, FormView):
    """One person's data as a file; every download is written to the access log."""

    template_name = "common/admin/disclosure.html"
    form_class = DisclosureForm
    page_title = _("開示請求")
    header_icon = "download"

    def get(self, request, *args, **kwargs):
        self._require_permission()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._require_permission()
        return super().post(request, *args, **kwargs)

    def _require_permission(self):
        if not self.request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        email, fmt = form.cleaned_data["email"], form.cleaned_data["format"]
        data = disclosure_export(email)
        content = disclosure_pdf(data) if fmt == "pdf" else disclosure_json(data)
        disclosure_log(user=self.request.user, email=email, fmt=fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        filename = f"disclosure-{timezone.localdate():%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


UNLOCK_PERMISSION = "common.unlock_login"


class LoginLockoutsView(Forbidden403Mixin, WagtailAdminTemplateMixin, TemplateView):
    """Accounts and addresses locked after wrong passwords; a manager may lift one."""

    template_name = "common/admin/lockouts.html"
    page_title = _("ログイン制限")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(UNLOCK_PERMISSION):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **login_lockouts(),
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": ip_failure_limit(),
        }


@require_POST
def login_unlock_view(request):
    if not request.user.has_perm(UNLOCK_PERMISSION):
        return permission_denied(request, PermissionDenied())
    username = request.POST.get("username", "").strip()[:150]
    ip_address = request.POST.get("ip_address", "").strip()[:45]
    if login_unlock(by=request.user, username=username, ip_address=ip_address):
        messages.success(request, _("ログイン制限を解除しました。"))
    else:
        messages.info(request, _("解除するログイン制限はありませんでした。"))
    return redirect("login_lockouts")


@require_POST
def bounce_clear_view(request):
    """Staff clear a hard bounce where the address appears (case page, mail log)."""
    if not request.user.has_perm("common.delete_bouncedaddress"):
        raise PermissionDenied
    email = request.POST.get("email", "")
    held = bounce_clear(email=email, by=request.user)
    messages.success(
        request,
        _("{email} の不達を解除しました。止めていたメール{n}通を送ります。").format(
            email=email, n=held
        ),
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "wagtailadmin_home"
    return redirect(target)


def people_search_view(request):
    """The admin's one search: people, organisations, cases, registrations and bookings.

    Each kind only for who holds its permissions; every search is in the access log with what
    was searched for, and each person shown under their own record.
    """
    allowed = [p for p in search_providers() if p.allowed(request.user)]
    if not allowed:
        raise PermissionDenied
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    groups = search_everything(user=request.user, query=query) if query else []
    if query:
        personal_data_access_log(
            user=request.user, subject=None, context="admin_search", label=f"q={query}"
        )
        for group in groups:
            for hit in group.hits:
                if group.provider.kind == "person" and hit.record is not None:
                    personal_data_access_log(
                        user=request.user, subject=hit.record, context="admin_search_result"
                    )
    return admin_render(
        request,
        "common/admin/people_search.html",
        {
            "header_icon": "search",
            "page_title": _("相談者・案件の検索"),
            "q": query,
            "too_short": bool(query) and not needle(query),
            "groups": groups,
            "found": sum(len(g.hits) for g in groups),
            "kinds": [p.label for p in allowed],
        },
    )

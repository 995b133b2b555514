"""Manager pages in the Wagtail admin for personal data: disclosure (開示請求)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .disclosure import disclosure_export, disclosure_json, disclosure_log, disclosure_pdf

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

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import OutboxMessage
from .services import CannotResend, outbox_resend


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Staff who may see mail can read the log; nobody edits or deletes a sent record."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, "view") or user.is_superuser


class OutboxMessageViewSet(ModelViewSet):
    model = OutboxMessage
    icon = "mail"
    menu_label = _("送信メール")
    menu_order = 900
    add_to_admin_menu = True
    name = "mail"
    url_prefix = "mail"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["to_email", "template", "related_label", "state", "attempts", "created_at"]
    list_filter = ["state", "template", "language"]
    search_fields = ["to_email", "related_label", "subject"]
    inspect_view_fields = [
        "to_email",
        "language",
        "template",
        "subject",
        "related_label",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "delivery_status",
        "created_at",
        "sent_at",
    ]
    inspect_template_name = "common/admin/outbox_inspect.html"
    # Required by ModelViewSet; the read-only policy never offers the edit form.
    form_fields = ["to_email"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/resend/", require_POST(self.resend_view), name="resend"),
        ]

    def resend_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "view"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        message = get_object_or_404(OutboxMessage, pk=pk)
        try:
            outbox_resend(message=message)
        except CannotResend as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("再送を受け付けました。"))
        return redirect(self.get_url_name("inspect"), pk)

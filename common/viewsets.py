import django_filters

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wagtail.admin.filters import DateRangePickerWidget, MultipleUserFilter, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .access_log import personal_data_access_log
from .admin_views import Forbidden403Mixin
from .history import HistoryButtonMixin
from .models import OutboxMessage, PersonalDataAccess, PurposeNotice
from .notices import notice_in_use
from .selectors import is_bouncing
from .services import CannotResend, outbox_resend
from .spreadsheets import SafeSpreadsheetExportMixin


class ProtectedDeleteView(generic.DeleteView):
    """Delete, or, when other records still use the object (on_delete=PROTECT, which Wagtail's
    reference index does not see for plain models), keep it and tell the staff member which
    records use it, instead of a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            users = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
            messages.error(
                self.request,
                gettext("「%(object)s」は%(users)sで使われているため削除できません。")
                % {"object": self.object, "users": "・".join(users)},
            )
            return redirect(self.request.path)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Staff who may see mail can read the log; nobody edits or deletes a sent record."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, "view") or user.is_superuser


class OutboxMessageInspectView(generic.InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bouncing"] = is_bouncing(self.object.to_email)
        context["can_clear_bounce"] = self.request.user.has_perm("common.delete_bouncedaddress")
        return context


class AccessLoggedIndexMixin:
    """For a generic index view that lists personal data: every view of the list, its search
    and its export (CSV, XLSX) is logged as ``<access_log_context>_list`` / ``_search`` /
    ``_export``."""

    access_log_context = ""

    def get(self, request, *args, **kwargs):
        # Logged before the list is counted: the access log's own list then counts and shows
        # the entry it is writing, instead of cutting an older one off its page.
        query = request.GET.get("q", "").strip()
        export = request.GET.get("export", "") if getattr(self, "is_export", False) else ""
        if export:
            suffix, label = "export", f"{export} q={query}" if query else export
        elif query:
            suffix, label = "search", f"q={query}"
        else:
            suffix, label = "list", str(self.model._meta.verbose_name_plural)
        personal_data_access_log(
            user=request.user,
            subject=None,
            context=f"{self.access_log_context}_{suffix}",
            label=label,
        )
        return super().get(request, *args, **kwargs)


class AccessLoggedInspectMixin:
    """For a generic inspect view of a record holding personal data: each view is logged."""

    access_log_context = ""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        personal_data_access_log(
            user=request.user, subject=self.object, context=self.access_log_context
        )
        return response


class AccessLoggedDeleteView(AccessLoggedInspectMixin, ProtectedDeleteView):
    """The delete confirmation of a record holding personal data names it: logged."""

    access_log_context = "admin_delete_confirm"


class AccessLoggedHistoryView(AccessLoggedInspectMixin, generic.HistoryView):
    """Wagtail's history of a record holding personal data names it: logged."""

    access_log_context = "admin_wagtail_history"


class AccessLoggedUsageView(AccessLoggedInspectMixin, generic.UsageView):
    """Where a record holding personal data is used names it: logged."""

    access_log_context = "admin_usage"


class OutboxIndexView(AccessLoggedIndexMixin, generic.IndexView):
    """The mail log lists recipients' addresses: every view of it, and its search, is logged."""

    access_log_context = "admin_mail"


class OutboxInspectView(OutboxMessageInspectView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        personal_data_access_log(
            user=request.user,
            subject=self.object,
            context="admin_mail",
            label=f"{self.object.to_email} {self.object.subject}",
        )
        return response


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
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    history_view_class = AccessLoggedHistoryView
    usage_view_class = AccessLoggedUsageView
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
            path("<id:pk>/resend/", require_POST(self.resend_view), name="resend"),
        ]

    def resend_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        message = get_object_or_404(OutboxMessage, pk=pk)
        try:
            outbox_resend(message=message)
        except CannotResend as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("再送を受け付けました。"))
        return redirect(self.get_url_name("inspect"), pk)


def _users_in_log(request):
    return (
        get_user_model()
        .objects.filter(pk__in=PersonalDataAccess.objects.values("user_id"))
        .order_by("username")
    )


class PersonalDataAccessFilterSet(WagtailFilterSet):
    user = MultipleUserFilter(label=_("利用者"), queryset=_users_in_log)
    case = django_filters.CharFilter(label=_("受付番号"), method="filter_case")
    accessed_at = django_filters.DateFromToRangeFilter(
        label=_("日付"), widget=DateRangePickerWidget
    )

    class Meta:
        model = PersonalDataAccess
        fields = []

    def filter_case(self, queryset, name, value):
        # The label of a case starts with its reference number (Case.__str__).
        case_type = ContentType.objects.get_by_natural_key("cases", "case")
        return queryset.filter(subject_type=case_type, subject_label__istartswith=value.strip())


class PersonalDataAccessIndexView(
    Forbidden403Mixin, AccessLoggedIndexMixin, SafeSpreadsheetExportMixin, generic.IndexView
):
    """The log names whose data was seen: reading it, searching it and exporting it are
    themselves logged."""

    access_log_context = "admin_access_log"


class PersonalDataAccessViewSet(ModelViewSet):
    """Who saw whose personal data, when: read-only, for managers."""

    model = PersonalDataAccess
    index_view_class = PersonalDataAccessIndexView
    history_view_class = AccessLoggedHistoryView
    usage_view_class = AccessLoggedUsageView
    icon = "history"
    menu_label = _("個人情報アクセス記録")
    menu_order = 910
    add_to_admin_menu = True
    name = "access_log"
    url_prefix = "access-log"
    inspect_view_enabled = False
    copy_view_enabled = False
    list_display = [
        Column("accessed_at", label=_("日時"), sort_key="accessed_at"),
        Column("user", label=_("利用者")),
        Column("subject_label", label=_("対象")),
        Column("context", label=_("画面"), accessor="context_label"),
    ]
    list_per_page = 100
    ordering = ["-accessed_at"]
    filterset_class = PersonalDataAccessFilterSet
    search_fields = ["subject_label", "context"]
    search_backend_name = None
    list_export = ["accessed_at", "user", "subject_label", "context_label"]
    export_headings = {
        "accessed_at": "日時",
        "user": "利用者",
        "subject_label": "対象",
        "context_label": "画面",
    }
    export_filename = "access-log"
    # Required by ModelViewSet; the read-only policy never offers the edit form.
    form_fields = ["context"]

    def get_queryset(self, request):
        return PersonalDataAccess.objects.select_related("user")


class PurposeNoticePolicy(ModelPermissionPolicy):
    """Managers add versions; a version already shown to someone who consented is frozen."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in {"change", "delete"} and notice_in_use(instance):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class PurposeNoticeInspectView(HistoryButtonMixin, generic.InspectView):
    pass


class PurposeNoticeEditView(HistoryButtonMixin, generic.EditView):
    def get_object(self, queryset=None):
        notice = super().get_object(queryset)
        if notice_in_use(notice):
            raise PermissionDenied(
                _("同意の記録がある版は変更できません。新しい版を追加してください。")
            )
        return notice


class PurposeNoticeViewSet(ModelViewSet):
    delete_view_class = ProtectedDeleteView
    model = PurposeNotice
    icon = "doc-full"
    menu_label = _("利用目的の通知")
    name = "purpose_notices"
    url_prefix = "purpose-notices"
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = True  # a new version starts from the current text
    edit_view_class = PurposeNoticeEditView
    inspect_view_class = PurposeNoticeInspectView
    list_display = ["scope", "version", "effective_from"]
    list_filter = ["scope"]
    form_fields = ["scope", "version", "effective_from", "text_ja", "text_en"]
    inspect_view_fields = ["scope", "version", "effective_from", "text_ja", "text_en"]

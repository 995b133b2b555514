"""The staff back office for cases in the Wagtail admin (相談案件)."""

import django_filters

from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from common.access_log import personal_data_access_log
from common.models import Municipality
from common.people_search import Search, needle
from common.spreadsheets import SafeSpreadsheetExportMixin
from common.viewsets import (
    AccessLoggedDeleteView,
    AccessLoggedHistoryView,
    AccessLoggedUsageView,
)
from common.vocab import Category, RequesterType
from partners.models import Advisor, PartnerCompany

from . import admin_views
from .admin_views import case_page_context
from .forms import CaseEditForm
from .models import Assignment, Case
from .people_search import case_ids_matching
from .selectors import case_list_for_staff, overdue_q


def fiscal_year_choices():
    years = Case.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    return [(y, f"{y}年度") for y in years]


def assignee_choices():
    advisors = [(f"a{pk}", name) for pk, name in Advisor.objects.values_list("pk", "name")]
    companies = [(f"c{pk}", name) for pk, name in PartnerCompany.objects.values_list("pk", "name")]
    return [(_("アドバイザー"), advisors), (_("パートナー"), companies)]


class CaseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状況"), choices=Case.Status.choices)
    requester_type = django_filters.ChoiceFilter(
        label=_("相談者区分"), choices=RequesterType.choices
    )
    category = django_filters.ChoiceFilter(label=_("相談内容区分"), choices=Category.choices)
    fiscal_year = django_filters.ChoiceFilter(label=_("年度"), choices=fiscal_year_choices)
    municipality = django_filters.ModelChoiceFilter(
        label=_("所在市町"), queryset=Municipality.objects.all()
    )
    assignee = django_filters.ChoiceFilter(
        label=_("紹介先"), choices=assignee_choices, method="filter_assignee"
    )
    mine = django_filters.BooleanFilter(
        label=_("自分の担当"),
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget(),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("結果"),
        choices=[("not_recorded", _("記録なし（過去の記録）")), ("recorded", _("記録あり"))],
        method="filter_outcome",
    )
    overdue = django_filters.BooleanFilter(
        label=_("初回対応期限切れ"),
        method="filter_overdue",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Case
        fields = []

    def filter_assignee(self, queryset, name, value):
        kind, pk = value[0], value[1:]
        field = "advisor_id" if kind == "a" else "company_id"
        match = Assignment.objects.filter(case=OuterRef("pk"), **{field: pk})
        return queryset.filter(Exists(match))

    def filter_mine(self, queryset, name, value):
        if value is None or self.request is None:
            return queryset
        if value:
            return queryset.filter(handled_by=self.request.user)
        return queryset.exclude(handled_by=self.request.user)

    def filter_outcome(self, queryset, name, value):
        if value == "not_recorded":
            return queryset.filter(outcome=Case.NOT_RECORDED)
        if value == "recorded":
            return queryset.exclude(outcome=Case.NOT_RECORDED).exclude(outcome="")
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class StatusColumn(StatusTagColumn):
    def get_value(self, instance):
        return instance.get_status_display()

    def get_primary(self, instance):
        return instance.status in Case.OPEN_STATUSES


class OverdueColumn(Column):
    cell_template_name = "cases/admin/overdue_cell.html"


class CaseIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return case_list_for_staff()

    def search_queryset(self, queryset):
        """The words of the case, or the one search's match: its person's name, reading,
        address or phone in any spelling, its reference (common.people_search)."""
        found = super().search_queryset(queryset)
        typed = needle(self.search_query) if self.is_searching else ""
        if not typed:
            return found
        search = Search(needle=typed, user=self.request.user)
        return found | queryset.filter(pk__in=case_ids_matching(search))

    def render_to_response(self, context, **response_kwargs):
        if not self.search_query and not self.is_export:
            # The list names organisations and subjects: every view of it is logged too.
            personal_data_access_log(
                user=self.request.user,
                subject=None,
                context="admin_case_list",
                label=str(_("相談案件")),
            )
        if self.search_query and not self.is_export:
            # A search by name, address or phone is a look-up of a person: log it.
            personal_data_access_log(
                user=self.request.user,
                subject=None,
                context="admin_case_search",
                label=f"q={self.search_query}",
            )
        if self.is_export:
            # A download of the list carries organisations and descriptions: log it.
            personal_data_access_log(
                user=self.request.user,
                subject=None,
                context="admin_case_export",
                label=self.request.GET.urlencode()[:120] or "cases",
            )
        return super().render_to_response(context, **response_kwargs)

    @cached_property
    def add_url(self):
        if self.request.user.has_perm("cases.add_case"):
            return reverse("cases:staff_entry")
        return None

    @cached_property
    def add_item_label(self):
        return _("電話・来所の相談を登録")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("cases.add_case"):
            buttons.append(
                Button(_("過去の記録を取り込む"), url=reverse("cases:import"), icon_name="upload")
            )
        return buttons

    def get_edit_url(self, instance):
        # The case page is the inspect view: everything about the case, timeline and actions.
        return self.get_inspect_url(instance)


class CaseEditView(generic.EditView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        personal_data_access_log(user=request.user, subject=self.object, context="admin_case_edit")
        return response

    def save_instance(self):
        # Edits go through the service so the timeline records who changed what.
        from .services import case_update

        changed = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
        case = Case.objects.get(pk=self.object.pk)
        if changed:
            case_update(case=case, by=self.request.user, **changed)
        return case

    def get_success_url(self):
        return reverse("cases:inspect", args=[self.object.pk])


class CaseInspectView(generic.InspectView):
    template_name = "cases/admin/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case_page_context(self.request, self.object))
        return context


class CaseViewSet(ModelViewSet):
    model = Case
    delete_view_class = AccessLoggedDeleteView
    history_view_class = AccessLoggedHistoryView
    usage_view_class = AccessLoggedUsageView
    name = "cases"
    url_prefix = "cases"
    icon = "folder-open-inverse"
    menu_label = _("相談案件")
    menu_order = 100
    add_to_admin_menu = True
    index_view_class = CaseIndexView
    inspect_view_class = CaseInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_view_class = CaseEditView

    def get_form_class(self, for_update=False):
        return CaseEditForm

    list_per_page = 50
    ordering = ["-received_on", "-sequence"]
    list_display = [
        "reference",
        "subject",
        Column("organisation", label=_("相談者"), accessor="organisation.name"),
        Column("requester_type", label=_("区分"), accessor="get_requester_type_display"),
        Column("category", label=_("内容区分"), accessor="get_category_display"),
        Column("received_on", label=_("受付日"), sort_key="received_on"),
        StatusColumn("status", label=_("状況"), sort_key="status"),
        Column("outcome", label=_("結果"), accessor="outcome_summary"),
        OverdueColumn("first_response_due", label=_("初回対応期限"), sort_key="first_response_due"),
        Column("handled_by", label=_("担当職員")),
    ]
    filterset_class = CaseFilterSet
    search_fields = ["reference", "subject", "description", "organisation__name"]
    search_backend_name = None
    list_export = [
        "reference",
        "fiscal_year",
        "received_on",
        "get_channel_display",
        "get_requester_type_display",
        "get_category_display",
        "organisation.name",
        "organisation.industry",
        "municipality",
        "subject",
        "get_status_display",
        "first_response_due",
        "first_responded_on",
        "closed_on",
        "support_given",
        "outcome",
    ]
    export_headings = {
        "reference": "受付番号",
        "fiscal_year": "年度",
        "received_on": "受付日",
        "get_channel_display": "受付経路",
        "get_requester_type_display": "相談者区分",
        "get_category_display": "相談内容区分",
        "organisation.name": "団体名",
        "organisation.industry": "業種",
        "municipality": "所在市町",
        "subject": "件名",
        "get_status_display": "状況",
        "first_response_due": "初回対応期限",
        "first_responded_on": "初回対応日",
        "closed_on": "完了日",
        "support_given": "対応内容",
        "outcome": "結果",
    }
    export_filename = "cases"

    def get_urlpatterns(self):
        # Cases are created through the service (reference numbers, consent), never by the
        # generic create view: "new/" is the staff entry of a phone or visit case.
        return [
            *[p for p in super().get_urlpatterns() if getattr(p, "name", "") != "add"],
            path("new/", admin_views.staff_entry, name="staff_entry"),
            path("new/", admin_views.staff_entry, name="add"),
            path("import/", admin_views.import_cases_view, name="import"),
            path("<id:pk>/transition/", admin_views.transition, name="transition"),
            path("<id:pk>/note/", admin_views.add_note, name="note"),
            path("<id:pk>/close/", admin_views.close, name="close"),
            path("<id:pk>/assign/", admin_views.assign, name="assign"),
            path("<id:pk>/consent/", admin_views.record_consent, name="consent"),
            path("<id:pk>/consent/request/", admin_views.request_consent, name="consent_request"),
            path("<id:pk>/attachments/", admin_views.attachment_upload, name="attachment_upload"),
            path(
                "<id:pk>/attachments/<id:attachment_pk>/",
                admin_views.attachment_download,
                name="attachment_download",
            ),
        ]

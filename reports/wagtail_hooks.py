from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from common.history import HistoryEditView
from common.viewsets import ProtectedDeleteView

from . import reach_views, views
from .models import KpiTarget


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [
        path("statistics/", views.dashboard, name="statistics_dashboard"),
        path(
            "statistics/<fy:fiscal_year>/download/<str:fmt>/",
            views.download,
            name="statistics_download",
        ),
        path("statistics/reach/", reach_views.reach, name="statistics_reach"),
        path(
            "statistics/reach/<fy:fiscal_year>/download/<str:fmt>/",
            reach_views.reach_download,
            name="statistics_reach_download",
        ),
        path("statistics/workload/", reach_views.workload_view, name="statistics_workload"),
    ]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cases.view_case")


@hooks.register("register_admin_menu_item")
def register_statistics_menu():
    return StatisticsMenuItem(
        _("統計"), reverse("statistics_dashboard"), icon_name="table", order=300
    )


class KpiTargetViewSet(ModelViewSet):
    model = KpiTarget
    edit_view_class = HistoryEditView
    delete_view_class = ProtectedDeleteView
    icon = "pick"
    menu_label = _("KPI目標")
    add_to_admin_menu = True
    menu_order = 310
    name = "kpi_targets"
    form_fields = ["fiscal_year", "key", "target"]
    list_display = ["fiscal_year", "key", "target"]
    list_filter = ["fiscal_year", "key"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_kpi_viewset():
    return KpiTargetViewSet()
